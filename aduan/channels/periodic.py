"""The channels' share of the periodic work: poll the IMAP mailboxes, process messages whose
processing a crash interrupted, send mail and webhook replies whose retry time came.

Runs from ``aduan.core.periodic.run_once`` (``aduan sweep``, which ``aduan serve`` loops when
Aduan runs embedded), from Celery beat (``aduan.channels.sweep``) and from
``aduan mail-worker``, which also keeps IDLE connections to the mailboxes."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def send_due() -> dict[str, int]:
    from aduan.channels.email import inbound, outbound
    from aduan.channels.webhooks import delivery as webhooks

    mail_ids = outbound.due_ids()
    for outbound_id in mail_ids:
        outbound.deliver(outbound_id)
    webhook_ids = webhooks.due_ids()
    for delivery_id in webhook_ids:
        webhooks.deliver(delivery_id)
    return {
        "processed": inbound.process_pending(),
        "mail": len(mail_ids),
        "webhooks": len(webhook_ids),
    }


def run_once(*, poll: bool = True) -> dict[str, int]:
    """One round; a failing part is logged and the others still run."""
    from aduan.channels.email import imap

    result = {"stored": 0}
    if poll:
        try:
            result["stored"] = sum(r.stored for r in imap.poll_all())
        except Exception:
            logger.exception("Polling the mailboxes failed")
    try:
        result.update(send_due())
    except Exception:
        logger.exception("The mail and webhook sweep failed")
    return result
