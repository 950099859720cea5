"""Replies posted to a channel's gateway: queued in the reply's transaction, then sent by the
outbox (aduan/channels/outbox.py): posted after commit, signed like every Aduan webhook
(docs/webhooks.md), retried with back-off, and left ``failed`` with the error after the last
attempt.

The JSON posted (``ReplyOut`` in api.py documents it in the OpenAPI document)::

    {"event": "reply", "delivery_id": "d9c5...", "channel": "chat",
     "ticket": "ADU-2026-000123", "recipient": {"id": "6281234567890", "name": "Budi"},
     "text": "...", "in_reply_to": "wa-msg-778", "created_at": "2026-05-01T09:00:00+07:00"}
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.utils import timezone

from aduan.channels import outbox
from aduan.channels.webhooks.models import (
    ChannelIdentity,
    DeliveryStatus,
    InboundWebhookMessage,
    OutboundDelivery,
    WebhookEndpoint,
)
from aduan.tickets.models import EventKind, TicketEvent


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


def _send_task() -> Any:
    from aduan.channels.webhooks import tasks

    return tasks.send_webhook


def _post(outgoing: OutboundDelivery) -> outbox.WebhookPost:
    endpoint = reply_endpoint(outgoing.channel_id)
    if endpoint is None:
        raise outbox.Failure("the channel has no active reply URL any more", permanent=True)
    return outbox.WebhookPost(
        url=endpoint.outbound_url,
        secret=endpoint.secret,
        payload=outgoing.payload,
        event=str(outgoing.payload.get("event", "reply")),
        key=outgoing.delivery_id,
    )


OUTBOX: outbox.Outbox[OutboundDelivery, outbox.WebhookPost] = outbox.Outbox(
    name="webhook reply",
    model=OutboundDelivery,
    prepare=_post,
    transport=outbox.HTTP,
    task=_send_task,
)


def hand_over(delivery_pk: int) -> None:
    outbox.hand_over(OUTBOX, delivery_pk)


def deliver(delivery_pk: int) -> outbox.Outcome:
    """Post one queued reply (aduan/channels/outbox.py)."""
    return outbox.deliver(OUTBOX, delivery_pk)


def due_ids(limit: int = 500) -> list[int]:
    return outbox.due_ids(OUTBOX, limit=limit)
