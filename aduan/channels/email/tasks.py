"""Background jobs for mail. Thin: each loads by id and calls one function.

``celery.shared_task`` binds to whatever Celery app the installation configures; without a
broker (one machine) the same functions run inline or from ``aduan mail-worker``.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

# Binds the tasks to Aduan's Celery app, created on first use (aduan/config/__init__.py).
import aduan.config.celery  # noqa: F401
from aduan.channels.email import imap, inbound, outbound


@shared_task(
    name="aduan.mail.send_outbound",
    bind=True,
    acks_late=True,
    max_retries=None,
    ignore_result=True,
)
def send_outbound(self: Any, outbound_id: int) -> str:
    """Send one queued mail; on a temporary failure Celery tries again after the back-off
    (the outbox row counts the attempts and decides when to give up)."""
    outcome = outbound.deliver(outbound_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="aduan.mail.send_due", acks_late=True, ignore_result=True)
def send_due_mail() -> int:
    """Periodic: queued mail whose retry time came, or that never reached a worker."""
    ids = outbound.due_ids()
    for outbound_id in ids:
        outbound.deliver(outbound_id)
    return len(ids)


@shared_task(name="aduan.mail.process_pending", acks_late=True, ignore_result=True)
def process_pending_mail() -> int:
    """Periodic: stored messages whose processing was interrupted (a crash, a restart)."""
    return inbound.process_pending()


@shared_task(name="aduan.mail.poll", acks_late=True, ignore_result=True)
def poll_mailboxes() -> int:
    """Periodic: fetch new mail from every active IMAP mailbox once."""
    return sum(result.stored for result in imap.poll_all())
