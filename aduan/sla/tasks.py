"""Celery tasks of the service-level module: thin, each calls one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import OperationalError

from aduan.sla import services


@shared_task(
    name="aduan.sla.sweep",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def sweep() -> dict[str, Any]:
    """One batch of due tickets. A full batch queues the next one at once, so a backlog is
    shared by every worker (each takes rows the others have not locked)."""
    result = services.sweep()
    if result.more:
        sweep.delay()
    return {
        "tickets": result.tickets,
        "breaches": result.breaches,
        "alerts": result.alerts,
        "escalations": result.escalations,
        "failures": result.failures,
    }
