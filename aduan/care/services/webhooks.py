"""Posting to external groups' webhooks, at least once and never twice at the same time.

A delivery is an outbox row written in the transaction that caused it. After commit a task
sends it; the periodic sweep sends any that are due (a lost task, a retry after back-off, a
worker killed mid-post). Whoever sends first claims the row with a compare-and-set update
(``pending`` and due, or ``sending`` with an expired lease, becomes ``sending`` with a new
lease), so two workers never post the same delivery concurrently. A post whose answer was
lost may be repeated: the ``Idempotency-Key`` header (the delivery's UUID) lets the receiver
drop the repeat.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from aduan.care.models import DeliveryStatus, ExternalGroup, SuperEmergency, WebhookDelivery
from aduan.care.permissions import support_desk
from aduan.notifications import services as notifications

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# 1, 2, 4, ... minutes, at most an hour between attempts.
BACKOFF_BASE = datetime.timedelta(minutes=1)
BACKOFF_MAX = datetime.timedelta(hours=1)
FAILED_TITLE = gettext_lazy("Could not post to %(group)s after %(attempts)s attempts")


def lease() -> datetime.timedelta:
    # Longer than one post can take, so a live sender never loses its claim.
    return datetime.timedelta(seconds=settings.ADUAN_WEBHOOK_TIMEOUT * 3 + 30)


def queue(
    group: ExternalGroup,
    *,
    event: str,
    payload: dict[str, Any],
    emergency: SuperEmergency | None = None,
) -> WebhookDelivery:
    """Write the outbox row; send it after the transaction commits."""
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        group=group,
        emergency=emergency,
        event=event,
        payload=payload,
        next_attempt_at=now,
        created_at=now,
    )
    from aduan.care import tasks

    transaction.on_commit(lambda: tasks.deliver_webhook.delay(delivery.pk))
    return delivery


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST and return the HTTP status (raises OSError when nothing answers)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _claim(delivery_id: int, now: datetime.datetime) -> bool:
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, locked_until__lt=now
    )
    claimed = WebhookDelivery.objects.filter(due, pk=delivery_id).update(
        status=DeliveryStatus.SENDING,
        locked_until=now + lease(),
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def deliver(delivery_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one delivery if it is due and nobody else is sending it. Returns what happened:
    ``delivered``, ``retry``, ``failed`` or ``skipped``."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("group").get(pk=delivery_id)
    group = delivery.group
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Aduan",
        "Idempotency-Key": str(delivery.key),
        "X-Aduan-Event": delivery.event,
    }
    if group.secret:
        headers["X-Aduan-Signature"] = sign(group.secret, body)
    status: int | None = None
    error = ""
    try:
        status = post(group.webhook_url, body, headers, settings.ADUAN_WEBHOOK_TIMEOUT)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except (OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    finished = timezone.now()
    if not error:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=finished,
            response_status=status,
            locked_until=None,
            last_error="",
        )
        return "delivered"
    logger.warning("webhook %s to %s failed: %s", delivery.pk, group.code, error)
    if delivery.attempts >= MAX_ATTEMPTS:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED,
            response_status=status,
            locked_until=None,
            last_error=error[:300],
        )
        notifications.notify(
            support_desk(),
            notifications.Message(
                kind="care.webhook_failed",
                title=FAILED_TITLE,
                params={"group": group.name, "attempts": delivery.attempts},
                ticket_id=delivery.emergency.ticket_id if delivery.emergency else None,
                data={"delivery": delivery.pk, "group": group.code, "error": error[:300]},
            ),
            dedupe_key=f"webhook-failed:{delivery.pk}",
        )
        return "failed"
    wait = min(BACKOFF_BASE * (2 ** (delivery.attempts - 1)), BACKOFF_MAX)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING,
        next_attempt_at=finished + wait,
        response_status=status,
        locked_until=None,
        last_error=error[:300],
    )
    return "retry"


def due_deliveries(now: datetime.datetime, limit: int = 200) -> list[int]:
    """Deliveries to send now: due retries, and claims whose lease expired (the sender
    died)."""
    return list(
        WebhookDelivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=DeliveryStatus.SENDING, locked_until__lt=now)
        )
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
