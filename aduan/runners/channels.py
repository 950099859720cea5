"""The channels' share of the periodic work: poll the IMAP mailboxes, process messages whose
processing a crash interrupted, send the mail and webhooks whose time came.

Runs from ``aduan.runners.periodic.run_once`` (``aduan sweep``, which ``aduan serve`` loops when
Aduan runs embedded), from Celery beat (``aduan.channels.sweep``) and from
``aduan mail-worker``, which also keeps IDLE connections to the mailboxes."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def send_due() -> dict[str, int]:
    """Process interrupted mail, and send every outbox row now due: mail, channel replies
    and posts to external groups (aduan/channels/outbox.py)."""
    from aduan.care.services import webhooks as groups
    from aduan.channels import outbox
    from aduan.channels.email import inbound, outbound
    from aduan.channels.webhooks import delivery as webhooks

    result = {"processed": inbound.process_pending()}
    kinds: tuple[tuple[str, outbox.Outbox[Any, Any]], ...] = (
        ("mail", outbound.OUTBOX),
        ("webhooks", webhooks.OUTBOX),
        ("group_webhooks", groups.OUTBOX),
    )
    for key, kind in kinds:
        ids = outbox.due_ids(kind)
        result[key] = sum(outbox.deliver(kind, pk).claimed for pk in ids)
    return result


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
