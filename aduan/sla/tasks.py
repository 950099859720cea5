"""Celery tasks of the service-level module: thin, each calls one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

# Binds the tasks to Aduan's Celery app, created on first use (aduan/config/__init__.py).
import aduan.config.celery  # noqa: F401
from aduan.sla import services


@shared_task(
    name="aduan.sla.sweep",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def sweep() -> dict[str, Any]:
    """One batch of due tickets. A full batch queues the next one at once (before this one is
    acknowledged), so a backlog is shared by every worker, each taking rows the others have
    not locked."""
    result = services.sweep(limit=settings.ADUAN_SWEEP_BATCH)
    if result.more:
        sweep.delay()
    return {
        "tickets": result.tickets,
        "breaches": result.breaches,
        "alerts": result.alerts,
        "escalations": result.escalations,
        "failures": result.failures,
    }
