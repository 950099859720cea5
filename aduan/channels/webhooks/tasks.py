"""Background jobs for webhook replies (thin, like the mail ones)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

# Binds the tasks to Aduan's Celery app, created on first use (aduan/config/__init__.py).
import aduan.config.celery  # noqa: F401
from aduan.channels.webhooks import delivery


@shared_task(
    name="aduan.webhooks.send", bind=True, acks_late=True, max_retries=None, ignore_result=True
)
def send_webhook(self: Any, delivery_pk: int) -> str:
    outcome = delivery.deliver(delivery_pk)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="aduan.webhooks.send_due", acks_late=True, ignore_result=True)
def send_due_webhooks() -> int:
    ids = delivery.due_ids()
    for delivery_pk in ids:
        delivery.deliver(delivery_pk)
    return len(ids)
