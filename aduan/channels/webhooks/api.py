"""REST API for chat, SMS and social media gateways: the inbound webhook (signed with the
channel's shared secret) and its configuration; the replies Aduan posts back are described
here too (``ReplyOut``, the inbound operation's OpenAPI callback)."""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from typing import Any, Literal

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import APIKeyHeader
from pydantic import Field, field_validator

from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Code, Id
from aduan.channels.webhooks import services, signing
from aduan.channels.webhooks.models import (
    InboundWebhookMessage,
    OutboundDelivery,
    WebhookEndpoint,
)
from aduan.channels.webhooks.permissions import may_see_channel_replies
from aduan.core.errors import NotFound, ValidationFailed
from aduan.core.permissions import require

router = Router(tags=["channels"])
MAX_FILE_BASE64 = 5 * 1024 * 1024
_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")


class WebhookSignature(APIKeyHeader):
    """``X-Aduan-Signature: t=<unix time>,v1=<hex>``, the HMAC-SHA256 of ``"<t>." + body``
    with the channel's shared secret, made within five minutes of now (docs/webhooks.md;
    the older ``sha256=<hex>`` with ``X-Aduan-Timestamp`` is still accepted)."""

    param_name = signing.SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        match = request.resolver_match
        code = str(match.kwargs.get("code", "")) if match else ""
        # The path is not validated yet: only a well-formed code reaches the database.
        endpoint = services.endpoint_for(code) if _CODE.fullmatch(code) else None
        if endpoint is None:
            return None
        timestamp = request.headers.get(signing.TIMESTAMP_HEADER)
        try:
            body = request.body
        except RequestDataTooBig as exc:
            raise ValidationFailed(
                [("body", _("The request body is larger than Aduan accepts."))]
            ) from exc
        if not signing.verify(endpoint.secret, body, key, timestamp=timestamp):
            return None
        return endpoint


class SenderIn(Schema):
    id: str = Field(
        min_length=1,
        max_length=200,
        description="The sender on the channel: a phone number, a chat or social media id.",
    )
    name: str = Field("", max_length=200)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)


class FileIn(Schema):
    filename: str = Field(min_length=1, max_length=200)
    content_type: str = Field("", max_length=100, description="Ignored: the extension decides.")
    content_base64: str = Field(max_length=MAX_FILE_BASE64, description="The file, base64.")

    @field_validator("content_base64")
    @classmethod
    def _is_base64(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(_("Not valid base64.")) from exc
        return value


class InboundIn(Schema):
    """One message a customer sent on the channel."""

    message_id: str = Field(
        min_length=1,
        max_length=200,
        description="The gateway's id of the message; a repeated post with it counts once.",
    )
    sender: SenderIn
    text: str = Field("", max_length=20_000)
    subject: str = Field("", max_length=200, description="For a new ticket; default the text.")
    ticket: str | None = Field(
        None,
        max_length=32,
        pattern=r"^[A-Za-z0-9-]+$",
        description="A reference the customer quoted; honoured only for their own tickets.",
    )
    in_reply_to: str | None = Field(
        None, max_length=64, description="The delivery_id of an Aduan reply this answers."
    )
    sent_at: datetime.datetime | None = None
    attachments: list[FileIn] = Field(default_factory=list, max_length=10)


class InboundOut(Schema):
    status: Literal["created", "appended", "duplicate", "failed"] = Field(
        description="created: a new ticket; appended: a message on an existing one; "
        "duplicate: this message_id was received before; failed: stored, but it could not be "
        "processed (an administrator will run it again)."
    )
    ticket: str | None
    message: int = Field(description="Aduan's id of the stored message.")
    error: str = ""


class RecipientOut(Schema):
    id: str
    name: str


class ReplyOut(Schema):
    """What Aduan posts to the channel's reply URL, signed like inbound posts."""

    event: Literal["reply", "solution_report"]
    delivery_id: str = Field(description="Unique; a retried post repeats it.")
    channel: str
    ticket: str
    recipient: RecipientOut
    text: str
    in_reply_to: str | None = Field(description="The last message_id received on the ticket.")
    created_at: datetime.datetime


class EndpointOut(Schema):
    channel: str
    outbound_url: str
    is_active: bool
    secret: str | None = Field(
        None, description="Only in the answer that created or changed it; store it then."
    )


class EndpointIn(Schema):
    secret: str | None = Field(
        None, min_length=16, max_length=200, description="Default on creation: generated."
    )
    outbound_url: str = Field("", max_length=500)
    is_active: bool = True


class DeliveryOut(Schema):
    id: int
    delivery_id: str
    ticket: str | None
    recipient: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime.datetime
    sent_at: datetime.datetime | None
    payload: dict[str, Any]

    @staticmethod
    def resolve_ticket(obj: OutboundDelivery) -> str | None:
        return obj.ticket.reference if obj.ticket_id and obj.ticket else None


class StoredOut(Schema):
    id: int
    channel: str
    external_id: str
    status: str
    error: str
    attempts: int
    received_at: datetime.datetime
    ticket: str | None

    @staticmethod
    def resolve_channel(obj: InboundWebhookMessage) -> str:
        return obj.channel.code

    @staticmethod
    def resolve_ticket(obj: InboundWebhookMessage) -> str | None:
        return obj.ticket.reference if obj.ticket_id and obj.ticket else None


class DeliveryQuery(Schema):
    status: Literal["queued", "sending", "sent", "failed", "suppressed"] | None = None
    limit: int = Field(50, ge=1, le=200)


class StoredQuery(Schema):
    status: Literal["received", "processed", "failed"] | None = None
    limit: int = Field(50, ge=1, le=200)


def _inline(schema: Any, defs: dict[str, Any] | None = None) -> Any:
    """A JSON schema with its ``$defs`` written in place, to stand alone in a callback."""
    if defs is None and isinstance(schema, dict):
        defs = schema.pop("$defs", {})
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and defs is not None:
            return _inline(dict(defs[ref.removeprefix("#/$defs/")]), defs)
        return {key: _inline(value, defs) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inline(item, defs) for item in schema]
    return schema


# The reply URL is configured per channel (PUT /channels/{code}/webhook).
_CALLBACK = {
    "reply": {
        "{$request.header.X-Aduan-Reply-Url}": {
            "post": {
                "summary": "A reply to the customer, posted to the channel's reply URL",
                "description": (
                    "Signed like every Aduan webhook (docs/webhooks.md): X-Aduan-Signature "
                    "'t=<unix time>,v1=<hex HMAC-SHA256 of \"<t>.\" + body>' with the shared "
                    "secret; refuse it when t is more than 300 seconds from now. "
                    "Answer 2xx; other answers are retried with back-off (4xx except 408 and "
                    "429 are not)."
                ),
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _inline(ReplyOut.model_json_schema())}
                    },
                },
                "responses": {"200": {"description": "Delivered"}},
            }
        }
    }
}


def _result(received: services.Received) -> Status[dict[str, Any]]:
    status = {"created": 201, "appended": 200, "duplicate": 200, "failed": 202}[received.status]
    return Status(
        status,
        {
            "status": received.status,
            "ticket": received.reference,
            "message": received.message.pk,
            "error": received.message.error if received.status == "failed" else "",
        },
    )


@router.post(
    "/channels/{code}/inbound",
    auth=WebhookSignature(),
    response={200: InboundOut, 201: InboundOut, 202: InboundOut, **ERRORS},
    openapi_extra={"callbacks": _CALLBACK},
)
def inbound(request: HttpRequest, code: Code, payload: InboundIn) -> Status[dict[str, Any]]:
    """A message from a chat, SMS or social media gateway: a new ticket, or a message on the
    sender's ticket (the one named in ``ticket`` or ``in_reply_to``, else their open ticket on
    this channel from the last week). Signed with the channel's shared secret; a wrong or
    missing signature answers 401. The post is stored before it is processed."""
    endpoint: WebhookEndpoint = request.auth  # type: ignore[attr-defined]
    data = services.MessageIn(
        message_id=payload.message_id,
        sender=services.Sender(
            id=payload.sender.id,
            name=payload.sender.name,
            phone=payload.sender.phone or "",
            email=payload.sender.email or "",
        ),
        text=payload.text,
        subject=payload.subject,
        ticket=payload.ticket or "",
        in_reply_to=payload.in_reply_to or "",
        attachments=[
            services.FileIn(f.filename, f.content_type, f.content_base64)
            for f in payload.attachments
        ],
    )
    received = services.receive(
        endpoint=endpoint, payload=payload.dict(exclude={"sent_at"}), data=data
    )
    return _result(received)


@router.get("/channels/{code}/webhook", response={200: EndpointOut, **ERRORS})
def get_endpoint(request: HttpRequest, code: Code) -> dict[str, Any]:
    """The channel's webhook configuration, without its secret (administrators)."""
    services.require_admin(actor(request))
    endpoint = services.endpoint_for(code)
    if endpoint is None:
        raise NotFound(_("Channel %(code)s has no webhook.") % {"code": code})
    return {
        "channel": code,
        "outbound_url": endpoint.outbound_url,
        "is_active": endpoint.is_active,
        "secret": None,
    }


@router.put("/channels/{code}/webhook", response={200: EndpointOut, **ERRORS})
def configure_endpoint(request: HttpRequest, code: Code, payload: EndpointIn) -> dict[str, Any]:
    """Create or change the channel's webhook (administrators). The answer shows the secret
    once: the one given, or the one generated."""
    endpoint = services.configure_endpoint(
        actor=actor(request),
        code=code,
        data=services.EndpointInput(
            secret=payload.secret, outbound_url=payload.outbound_url, is_active=payload.is_active
        ),
    )
    return {
        "channel": code,
        "outbound_url": endpoint.outbound_url,
        "is_active": endpoint.is_active,
        "secret": endpoint.secret,
    }


@router.get("/channels/{code}/deliveries", response={200: list[DeliveryOut], **ERRORS})
def list_deliveries(
    request: HttpRequest, code: Code, filters: Query[DeliveryQuery]
) -> list[OutboundDelivery]:
    """Replies posted (or being posted) to the channel's gateway, newest first, with their
    delivery state (front-line staff)."""
    require(may_see_channel_replies, actor(request))
    rows = OutboundDelivery.objects.select_related("ticket").filter(channel__code=code)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return list(rows.order_by("-id")[: filters.limit])


@router.get("/channels/webhook-messages", response={200: list[StoredOut], **ERRORS})
def list_stored(request: HttpRequest, filters: Query[StoredQuery]) -> list[InboundWebhookMessage]:
    """Posts as received, newest first; ``status=failed`` for the ones to run again."""
    services.require_admin(actor(request))
    rows = InboundWebhookMessage.objects.select_related("channel", "ticket")
    if filters.status:
        rows = rows.filter(status=filters.status)
    return list(rows.order_by("-id")[: filters.limit])


@router.post("/channels/webhook-messages/{message_id}/retry", response={200: InboundOut, **ERRORS})
def retry_stored(request: HttpRequest, message_id: Id) -> dict[str, Any]:
    """Process a stored post again, after a fix (administrators)."""
    received = services.retry(actor=actor(request), message_id=message_id)
    return {
        "status": received.status,
        "ticket": received.reference,
        "message": received.message.pk,
        "error": received.message.error if received.status == "failed" else "",
    }
