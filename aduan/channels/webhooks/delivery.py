"""Replies posted to a channel's gateway: queued in the reply's transaction, posted after
commit with the same signature scheme as inbound posts, retried with back-off, and left
``failed`` with the error after the last attempt.

The JSON posted (``ReplyOut`` in api.py documents it in the OpenAPI document)::

    {"event": "reply", "delivery_id": "d9c5...", "channel": "chat",
     "ticket": "ADU-2026-000123", "recipient": {"id": "6281234567890", "name": "Budi"},
     "text": "...", "in_reply_to": "wa-msg-778", "created_at": "2026-05-01T09:00:00+07:00"}
"""

from __future__ import annotations

import datetime
import json
import logging
import uuid
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from aduan.channels import delivery
from aduan.channels.webhooks import signing
from aduan.channels.webhooks.models import (
    ChannelIdentity,
    DeliveryStatus,
    InboundWebhookMessage,
    OutboundDelivery,
    WebhookEndpoint,
)
from aduan.tickets.models import EventKind, TicketEvent

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 15
STALE_SENDING = datetime.timedelta(minutes=15)


def reply_endpoint(channel_id: int) -> WebhookEndpoint | None:
    """The endpoint replies on this channel are posted to, if any."""
    return (
        WebhookEndpoint.objects.select_related("channel")
        .filter(channel_id=channel_id, is_active=True)
        .exclude(outbound_url="")
        .first()
    )


def _capped(recipient: str, ticket_id: int) -> bool:
    since = timezone.now() - datetime.timedelta(minutes=settings.ADUAN_MAIL_CAP_MINUTES)
    return (
        OutboundDelivery.objects.filter(
            recipient=recipient, ticket_id=ticket_id, created_at__gte=since
        )
        .exclude(status=DeliveryStatus.SUPPRESSED)
        .count()
        >= settings.ADUAN_MAIL_CAP
    )


def queue_reply(event: TicketEvent, endpoint: WebhookEndpoint) -> OutboundDelivery | None:
    """Queue ``event`` (a reply or solution report) for the ticket's customer on the
    endpoint's channel; None when Aduan does not know them there."""
    ticket = event.ticket
    identity = (
        ChannelIdentity.objects.filter(
            channel_id=endpoint.channel_id, customer_id=ticket.customer_id
        )
        .order_by("-id")
        .first()
    )
    recipient = identity.external_id if identity is not None else ticket.customer.phone
    if not recipient:
        return None
    last_inbound = (
        InboundWebhookMessage.objects.filter(ticket=ticket, channel_id=endpoint.channel_id)
        .order_by("-id")
        .values_list("external_id", flat=True)
        .first()
    )
    delivery_id = uuid.uuid4().hex
    payload = {
        "event": "solution_report" if event.kind == EventKind.SOLUTION_REPORT else "reply",
        "delivery_id": delivery_id,
        "channel": endpoint.channel.code,
        "ticket": ticket.reference,
        "recipient": {"id": recipient, "name": ticket.customer.name},
        "text": event.body,
        "in_reply_to": last_inbound,
        "created_at": timezone.localtime(event.created_at).isoformat(),
    }
    capped = _capped(recipient, ticket.pk)
    outgoing = OutboundDelivery.objects.create(
        delivery_id=delivery_id,
        channel_id=endpoint.channel_id,
        ticket=ticket,
        event=event,
        recipient=recipient,
        payload=payload,
        status=DeliveryStatus.SUPPRESSED if capped else DeliveryStatus.QUEUED,
        last_error="too many replies to this recipient in a short time" if capped else "",
    )
    if not capped:
        hand_over(outgoing.pk)
    return outgoing


def hand_over(delivery_pk: int) -> None:
    from aduan.channels.webhooks import tasks

    delivery.after_commit(
        lambda: tasks.send_webhook.apply(args=(delivery_pk,)),
        lambda: tasks.send_webhook.apply_async(args=(delivery_pk,)),
    )


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_in: int | None = None


def deliver(delivery_pk: int) -> Outcome:
    """Post one queued reply (claimed with compare-and-set, like mail)."""
    now = timezone.now()
    claimed = (
        OutboundDelivery.objects.filter(pk=delivery_pk, status=DeliveryStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    )
    outgoing = OutboundDelivery.objects.select_related("channel").filter(pk=delivery_pk).first()
    if outgoing is None:
        return Outcome("missing")
    if not claimed:
        return Outcome(outgoing.status)
    endpoint = reply_endpoint(outgoing.channel_id)
    permanent = False
    try:
        if endpoint is None:
            permanent = True
            raise RuntimeError("the channel has no active reply URL any more")
        body = json.dumps(outgoing.payload, ensure_ascii=False).encode()
        response = httpx.post(
            endpoint.outbound_url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Aduan-Webhook/1",
                **signing.headers(endpoint.secret, body),
            },
            timeout=TIMEOUT_SECONDS,
            follow_redirects=False,
        )
        if response.status_code >= 300:
            # Client errors will not improve by waiting, except timeouts and rate limits.
            permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("Webhook delivery %s failed: %s", delivery_pk, error)
        if permanent or outgoing.attempts >= settings.ADUAN_DELIVERY_ATTEMPTS:
            OutboundDelivery.objects.filter(pk=delivery_pk).update(
                status=DeliveryStatus.FAILED, last_error=error, next_attempt_at=None
            )
            return Outcome(DeliveryStatus.FAILED)
        wait = delivery.retry_delay(outgoing.attempts)
        OutboundDelivery.objects.filter(pk=delivery_pk).update(
            status=DeliveryStatus.QUEUED,
            last_error=error,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=wait),
        )
        return Outcome(DeliveryStatus.QUEUED, retry_in=wait)
    OutboundDelivery.objects.filter(pk=delivery_pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return Outcome(DeliveryStatus.SENT)


def due_ids(limit: int = 500) -> list[int]:
    now = timezone.now()
    OutboundDelivery.objects.filter(
        status=DeliveryStatus.SENDING, next_attempt_at__lt=now - STALE_SENDING
    ).update(status=DeliveryStatus.QUEUED, next_attempt_at=None)
    return list(
        OutboundDelivery.objects.filter(status=DeliveryStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
