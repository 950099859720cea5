"""Due times for a new or reprioritised ticket.

Until service-level policies exist (issue 4), the priority's targets are counted in calendar
hours from the time the complaint was received.
"""

from __future__ import annotations

import datetime

from aduan.organisation.models import Priority


def first_response_due(priority: Priority, start: datetime.datetime) -> datetime.datetime:
    return start + datetime.timedelta(hours=priority.response_hours)


def resolution_due(priority: Priority, start: datetime.datetime) -> datetime.datetime:
    return start + datetime.timedelta(hours=priority.resolution_hours)
