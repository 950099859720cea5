"""Due times of a ticket: the seam between the ticket services and the service-level clock.

The ticket services call these at intake, on reclassification, on every status change and
on the first answer to the customer; ``aduan.sla.clock`` does the work (policies, business
calendars, pausing while pending). See docs/sla.md.
"""

from __future__ import annotations

import datetime

from aduan.sla import clock
from aduan.tickets.models import Ticket, TicketEvent


def start(ticket: Ticket) -> list[str]:
    """A new ticket: choose its policy and set its due times."""
    return clock.start(ticket)


def retarget(ticket: Ticket) -> list[str]:
    """Priority or category changed: the policy and due times may change."""
    return clock.retarget(ticket)


def on_status_change(
    ticket: Ticket, source: str, target: str, now: datetime.datetime
) -> tuple[list[str], list[TicketEvent]]:
    return clock.on_status_change(ticket, source, target, now)


def on_first_response(
    ticket: Ticket, now: datetime.datetime
) -> tuple[list[str], list[TicketEvent]]:
    return clock.on_first_response(ticket, now)
