"""Celery tasks of the care module: thin, each calls one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import OperationalError

# Binds the tasks to Aduan's Celery app, created on first use (aduan/config/__init__.py).
import aduan.config.celery  # noqa: F401
from aduan.care.services import promises, webhooks


@shared_task(
    name="aduan.care.deliver_webhook",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def deliver_webhook(delivery_id: int) -> str:
    return webhooks.deliver(delivery_id)


@shared_task(
    name="aduan.care.sweep_promises",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def sweep_promises() -> dict[str, Any]:
    result = promises.sweep_overdue()
    if result.more:
        sweep_promises.delay()
    return {"promises": result.promises, "escalated": result.escalated}


@shared_task(
    name="aduan.care.retry_webhooks",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def retry_webhooks() -> int:
    """Queue the deliveries that are due again (back-off over, or the sender died)."""
    from django.utils import timezone

    ids = webhooks.due_deliveries(timezone.now())
    for delivery_id in ids:
        deliver_webhook.delay(delivery_id)
    return len(ids)
