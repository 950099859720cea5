"""What mail and webhooks share besides the outbox loop (aduan/channels/outbox.py): how
queued deliveries reach a worker, and a lock that keeps two processes from registering the
same sender twice."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger(__name__)


def mode() -> str:
    """``celery``, ``inline`` or ``worker`` (see ADUAN_DELIVERY in settings)."""
    configured: str = settings.ADUAN_DELIVERY
    return configured or "celery"


def after_commit(run_inline: Callable[[], object], enqueue: Callable[[], object]) -> None:
    """Hand a queued delivery to its worker once the transaction that queued it commits.

    ``celery``: ``enqueue`` (a task's apply_async: a worker takes it, or this process when
    Aduan runs embedded); if the broker cannot be reached the row stays queued and the
    periodic sweep sends it. ``inline``: ``run_inline`` in this process (the task's eager
    ``apply``). ``worker``: nothing; the sweep (``aduan mail-worker``) sends it.
    """
    how = mode()
    if how == "worker":
        return

    def go() -> None:
        try:
            enqueue() if how == "celery" else run_inline()
        except Exception:
            # The outbox row is the queue: whatever went wrong here, the sweep retries it.
            logger.exception("Could not hand a queued delivery over; the sweep will retry it")

    transaction.on_commit(go)


def lock(key: str) -> None:
    """Serialise transactions on ``key`` until they end. PostgreSQL takes an advisory lock;
    SQLite already lets only one writer in at a time (transactions start IMMEDIATE)."""
    if connection.vendor != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])
