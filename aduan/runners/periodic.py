"""The periodic background work, run in one pass: service-level sweep, overdue promises,
webhook retries.

With a broker, Celery beat schedules each as a task (settings.CELERY_BEAT_SCHEDULE). In the
embedded mode (no broker) ``aduan serve`` starts ``aduan sweep --loop``, which calls
``run_once`` every ``ADUAN_SWEEP_SECONDS`` in its own process, so one machine needs no
extra server. Both run the same services, which lock what they work on, so running both, or
two loops, never does a job twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass
class PassResult:
    tickets: int = 0
    breaches: int = 0
    alerts: int = 0
    escalations: int = 0
    promises: int = 0
    webhooks: int = 0
    # Mail stored from the mailboxes, mail and channel replies sent (aduan.runners.channels).
    mail: int = 0


def run_once() -> PassResult:
    from aduan.care.services import promises
    from aduan.runners import channels
    from aduan.sla import services as sla

    close_old_connections()
    result = PassResult()
    swept = sla.sweep_all()
    result.tickets = swept.tickets
    result.breaches = swept.breaches
    result.alerts = swept.alerts
    result.escalations = swept.escalations
    while True:
        overdue = promises.sweep_overdue()
        result.promises += overdue.promises
        if not overdue.more:
            break
    # The mailboxes, and every outbox: mail, channel replies, external groups' webhooks.
    channel_result = channels.run_once()
    result.webhooks = channel_result.pop("group_webhooks", 0)
    result.mail = sum(channel_result.values())
    close_old_connections()
    return result
