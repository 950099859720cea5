"""Messages from chat, SMS and social media gateways: stored first, then made a ticket or a
message on one; and the administrators' writes (endpoint configuration, re-runs)."""

from __future__ import annotations

import base64
import binascii
import datetime
import logging
import secrets
import traceback
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.services import record
from aduan.channels import delivery
from aduan.channels.email.text import clean, single_line
from aduan.channels.webhooks.models import (
    ChannelIdentity,
    InboundStatus,
    InboundWebhookMessage,
    OutboundDelivery,
    WebhookEndpoint,
)
from aduan.channels.webhooks.permissions import may_configure_webhooks
from aduan.core.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    ValidationFailed,
)
from aduan.core.permissions import require
from aduan.core.validation import Errors
from aduan.customers.models import Customer
from aduan.customers.phones import InvalidPhoneNumber, normalise_phone
from aduan.customers.services import CustomerInput, clean_email, register_customer
from aduan.organisation import selectors as org
from aduan.organisation.models import Channel, ChannelKind
from aduan.tickets import services as tickets
from aduan.tickets.models import OPEN_STATUSES, Ticket

logger = logging.getLogger(__name__)
WEBHOOK_KINDS = (ChannelKind.CHAT, ChannelKind.SMS, ChannelKind.SOCIAL)
TIMELINE_MAX = 20_000
# A chat message with no ticket named joins the sender's open ticket on the channel if it
# was active this recently; otherwise it opens a new one.
CONVERSATION_WINDOW = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Sender:
    id: str
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class FileIn:
    filename: str
    content_type: str
    content_base64: str


@dataclass(frozen=True)
class MessageIn:
    message_id: str
    sender: Sender
    text: str = ""
    subject: str = ""
    ticket: str = ""
    in_reply_to: str = ""
    attachments: list[FileIn] = field(default_factory=list)


@dataclass(frozen=True)
class Received:
    status: str  # created, appended, duplicate, failed
    message: InboundWebhookMessage

    @property
    def reference(self) -> str | None:
        ticket = self.message.ticket
        return ticket.reference if ticket is not None else None


def endpoint_for(code: str) -> WebhookEndpoint | None:
    """The active webhook endpoint of channel ``code``, if it has one."""
    channel = org.channel_by_code(code)
    if channel is None or not channel.is_active or channel.kind not in WEBHOOK_KINDS:
        return None
    return (
        WebhookEndpoint.objects.select_related("channel")
        .filter(channel=channel, is_active=True)
        .first()
    )


def receive(*, endpoint: WebhookEndpoint, payload: dict[str, Any], data: MessageIn) -> Received:
    """Store the post, then process it. A message id seen before on this channel is a
    duplicate: nothing happens twice."""
    try:
        with transaction.atomic():
            stored = InboundWebhookMessage.objects.create(
                channel=endpoint.channel, external_id=data.message_id, payload=payload
            )
    except IntegrityError:
        existing = InboundWebhookMessage.objects.select_related("ticket").get(
            channel=endpoint.channel, external_id=data.message_id
        )
        return Received("duplicate", existing)
    return process(stored.pk, data=data)


def _phone(raw: str) -> str:
    try:
        return normalise_phone(raw) if raw else ""
    except InvalidPhoneNumber:
        return ""


def customer_for(channel: Channel, sender: Sender) -> Customer:
    """The customer behind a sender: known by their account on the channel, else by phone
    or email, else registered now (unverified)."""
    delivery.lock(f"identity:{channel.pk}:{sender.id}")
    identity = (
        ChannelIdentity.objects.select_related("customer")
        .filter(channel=channel, external_id=sender.id)
        .first()
    )
    if identity is not None:
        return identity.customer
    phone = _phone(sender.phone) or (
        _phone(sender.id) if channel.kind in (ChannelKind.SMS, ChannelKind.CHAT) else ""
    )
    errors = Errors()
    address = clean_email(errors, sender.email) if sender.email else ""
    customer = None
    if phone:
        customer = Customer.objects.filter(phone=phone).order_by("id").first()
    if customer is None and address:
        customer = Customer.objects.filter(email=address).order_by("id").first()
    if customer is None:
        name = single_line(sender.name, 200) or single_line(sender.id, 200)
        customer = register_customer(
            actor=None,
            data=CustomerInput(name=name, phone=phone or None, email=address or None),
            require_contact=False,
        )
    ChannelIdentity.objects.create(
        channel=channel,
        external_id=sender.id,
        customer=customer,
        display_name=single_line(sender.name, 200),
    )
    return customer


def _thread(channel: Channel, customer: Customer, data: MessageIn) -> Ticket | None:
    if data.ticket:
        # Only the sender's own tickets: a reference typed in a chat never reaches another
        # customer's complaint.
        ticket = Ticket.objects.filter(reference=data.ticket.upper(), customer=customer).first()
        if ticket is not None:
            return ticket
    if data.in_reply_to:
        sent = (
            OutboundDelivery.objects.select_related("ticket")
            .filter(channel=channel, delivery_id=data.in_reply_to, ticket__customer=customer)
            .first()
        )
        if sent is not None and sent.ticket is not None:
            return sent.ticket
    return (
        Ticket.objects.filter(
            customer=customer,
            channel=channel,
            status__in=OPEN_STATUSES,
            updated_at__gte=timezone.now() - CONVERSATION_WINDOW,
        )
        .order_by("-updated_at", "-id")
        .first()
    )


def _files(data: MessageIn) -> list[tuple[str, bytes]]:
    files = []
    for item in data.attachments:
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed(
                [
                    (
                        "attachments",
                        _("'%(name)s' is not valid base64.") % {"name": item.filename[:80]},
                    )
                ]
            ) from exc
        files.append((item.filename, content))
    return files


def _handle(stored: InboundWebhookMessage, data: MessageIn) -> str:
    channel = stored.channel
    files = _files(data)
    customer = customer_for(channel, data.sender)
    text = clean(data.text)[:TIMELINE_MAX] or (
        _("(The message has no text; see its attachments.)") if files else ""
    )
    if not text:
        raise ValidationFailed([("text", _("Send a text or an attachment."))])
    details: dict[str, Any] = {"webhook_message": stored.pk, "sender": data.sender.id}
    uploads = [tickets.Upload(name, ContentFile(content)) for name, content in files]
    subject = single_line(data.subject, 200) or single_line(text, 80) or _("(no subject)")
    ticket = _thread(channel, customer, data)
    if ticket is None:
        recorded = tickets.record_complaint(
            actor=None,
            customer=customer,
            data=tickets.TicketInput(subject=subject, description=text, channel=channel.code),
            files=uploads,
            details=details,
        )
        stored.ticket, stored.event = recorded.ticket, recorded.event
        return "created"
    # Joins the ticket, reopens it, or opens one that follows it: tickets.services.intake.
    received = tickets.receive_customer_message(
        ticket=ticket,
        customer=customer,
        body=text,
        channel=channel.code,
        subject=subject,
        files=uploads,
        details=details,
    )
    stored.ticket, stored.event = received.ticket, received.event
    return "created" if received.created else "appended"


def process(stored_id: int, *, data: MessageIn | None = None) -> Received:
    """Make a stored post a ticket or a message; on failure it stays ``failed`` with the
    error, for an administrator to run again (``retry``)."""
    try:
        with transaction.atomic():
            stored = (
                InboundWebhookMessage.objects.select_for_update()
                .select_related("channel")
                .get(pk=stored_id)
            )
            if stored.status == InboundStatus.PROCESSED:
                return Received("duplicate", stored)
            message = data or message_from_payload(stored.payload)
            stored.attempts += 1
            status = _handle(stored, message)
            stored.status, stored.error = InboundStatus.PROCESSED, ""
            stored.save()
        return Received(status, stored)
    except Exception as exc:
        if isinstance(exc, ApplicationError):
            error = exc.message
        else:
            logger.exception("Processing webhook message %s failed", stored_id)
            error = "".join(traceback.format_exception_only(exc)).strip()
        InboundWebhookMessage.objects.filter(pk=stored_id).exclude(
            status=InboundStatus.PROCESSED
        ).update(status=InboundStatus.FAILED, error=error[:5000], attempts=F("attempts") + 1)
        return Received("failed", InboundWebhookMessage.objects.get(pk=stored_id))


def message_from_payload(payload: dict[str, Any]) -> MessageIn:
    sender = payload.get("sender") or {}
    return MessageIn(
        message_id=str(payload.get("message_id", "")),
        sender=Sender(
            id=str(sender.get("id", "")),
            name=str(sender.get("name") or ""),
            phone=str(sender.get("phone") or ""),
            email=str(sender.get("email") or ""),
        ),
        text=str(payload.get("text") or ""),
        subject=str(payload.get("subject") or ""),
        ticket=str(payload.get("ticket") or ""),
        in_reply_to=str(payload.get("in_reply_to") or ""),
        attachments=[
            FileIn(
                filename=str(item.get("filename", "")),
                content_type=str(item.get("content_type") or ""),
                content_base64=str(item.get("content_base64", "")),
            )
            for item in payload.get("attachments") or []
        ],
    )


# --- administrators -------------------------------------------------------------------------


def require_admin(actor: User) -> None:
    require(may_configure_webhooks, actor)


def retry(*, actor: User, message_id: int) -> Received:
    require_admin(actor)
    stored = InboundWebhookMessage.objects.filter(pk=message_id).first()
    if stored is None:
        raise NotFound(_("No webhook message %(id)s.") % {"id": message_id})
    if stored.status == InboundStatus.PROCESSED:
        raise Conflict(
            _("Webhook message %(id)s is already processed.") % {"id": message_id},
            extra={"current": stored.status},
        )
    record(actor=actor, action="webhook.retry", instance=stored, after={"status": stored.status})
    return process(stored.pk)


@dataclass(frozen=True)
class EndpointInput:
    secret: str | None = None
    outbound_url: str = ""
    is_active: bool = True


@transaction.atomic
def configure_endpoint(*, actor: User, code: str, data: EndpointInput) -> WebhookEndpoint:
    """Create or change the webhook of channel ``code``. Without a secret on creation one is
    generated (shown once, in the answer)."""
    require_admin(actor)
    channel = org.channel_by_code(code)
    if channel is None:
        raise NotFound(_("No channel %(code)s.") % {"code": code})
    if channel.kind not in WEBHOOK_KINDS:
        raise ValidationFailed(
            [("code", _("Only chat, SMS and social media channels take webhooks."))]
        )
    endpoint = WebhookEndpoint.objects.select_for_update().filter(channel=channel).first()
    errors = Errors()
    secret = data.secret
    if secret is not None and len(secret) < 16:
        errors.add("secret", _("At least 16 characters."))
    url = (data.outbound_url or "").strip()
    if url and not url.startswith(("https://", "http://")):
        errors.add("outbound_url", _("Must be an http(s) URL."))
    errors.raise_if_any()
    if endpoint is None:
        endpoint = WebhookEndpoint(channel=channel, secret=secret or secrets.token_urlsafe(32))
    elif secret:
        endpoint.secret = secret
    endpoint.outbound_url = url
    endpoint.is_active = data.is_active
    endpoint.save()
    record(
        actor=actor,
        action="webhook.configured",
        instance=endpoint,
        after={"channel": code, "outbound_url": url, "is_active": data.is_active},
    )
    return endpoint
