"""REST API for mail: inbound messages (failed ones listed for administrators and run again
after a fix), outgoing mail and its delivery state, templates and mailboxes. Thin: parse,
call one service or selector, render."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aduan.accounts.models import User
from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Id
from aduan.channels.email import selectors, services
from aduan.channels.email.downloads import inbound_attachment_response
from aduan.channels.email.loops import REASONS
from aduan.channels.email.models import (
    ACCOUNT_KINDS,
    InboundAttachment,
    InboundMessage,
    Mailbox,
    OutboundMessage,
)
from aduan.channels.email.text import safe_html

router = Router(tags=["mail"])
InboundStatusName = Literal["received", "processed", "ignored", "held", "failed", "refused"]
OutboundStatusName = Literal["queued", "sending", "sent", "failed", "suppressed", "bounced"]
KindName = Literal["acknowledgement", "reply", "solution_report", "refusal"]
LanguageName = Literal["id", "en"]
Cursor = Annotated[str, Field(max_length=20, pattern=r"^[0-9]+$")]
Line = Annotated[str, Field(max_length=255)]


class InboundSummary(Schema):
    id: int
    message_id: str
    source: str
    mailbox: str
    received_at: datetime.datetime
    status: str
    reason: str
    reason_label: str
    error: str
    attempts: int
    duplicates: int
    size: int
    from_address: str
    from_name: str
    subject: str
    ticket: str | None

    @staticmethod
    def resolve_reason_label(obj: InboundMessage) -> str:
        label = REASONS.get(obj.reason)
        return str(label) if label else ""

    @staticmethod
    def resolve_ticket(obj: InboundMessage) -> str | None:
        return obj.ticket.reference if obj.ticket_id and obj.ticket else None


class InboundAttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    inline: bool
    accepted: bool
    reason: str
    attachment_id: int | None
    url: str = Field(description="The file as it came (administrators), as a download.")

    @staticmethod
    def resolve_url(obj: InboundAttachment) -> str:
        return f"/api/v1/mail/inbound/{obj.message_id}/attachments/{obj.pk}"


class InboundDetail(InboundSummary):
    in_reply_to: str
    envelope_from: str
    envelope_to: str
    processed_at: datetime.datetime | None
    text: str = Field(description="The full text, quoted history and signature included.")
    html: str = Field(description="The HTML part, sanitised (nh3): safe to show.")
    attachments: list[InboundAttachmentOut]
    raw_url: str

    @staticmethod
    def resolve_html(obj: InboundMessage) -> str:
        return safe_html(obj.html) if obj.html else ""

    @staticmethod
    def resolve_attachments(obj: InboundMessage) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_raw_url(obj: InboundMessage) -> str:
        return f"/api/v1/mail/inbound/{obj.pk}/raw"


class InboundPage(Schema):
    items: list[InboundSummary]
    next_cursor: str | None = None


class InboundQuery(Schema):
    status: InboundStatusName | None = Field(None, description="e.g. 'failed' for the list to fix.")
    cursor: Cursor | None = None
    limit: int = Field(50, ge=1, le=200)


class RetryIn(Schema):
    force: bool = Field(
        False, description="Also take a message held (flooding sender) or ignored (automatic)."
    )


class OutboundOut(Schema):
    id: int
    kind: str
    status: str
    ticket: str | None
    to_address: str
    to_name: str
    from_address: str
    subject: str
    body: str
    language: str
    message_id: str
    in_reply_to: str
    references: str
    auto_submitted: str
    attempts: int
    last_error: str
    created_at: datetime.datetime
    next_attempt_at: datetime.datetime | None
    sent_at: datetime.datetime | None

    @staticmethod
    def resolve_ticket(obj: OutboundMessage) -> str | None:
        return obj.ticket.reference if obj.ticket_id and obj.ticket else None

    @staticmethod
    def resolve_body(obj: OutboundMessage) -> str:
        # A sign-up or password link is for its owner only: whoever read it could use it.
        return "" if obj.kind in ACCOUNT_KINDS else obj.body


class OutboundPage(Schema):
    items: list[OutboundOut]
    next_cursor: str | None = None


class OutboundQuery(Schema):
    status: OutboundStatusName | None = None
    ticket: str | None = Field(None, max_length=32, pattern=r"^[A-Z0-9-]+$")
    cursor: Cursor | None = None
    limit: int = Field(50, ge=1, le=200)


class TemplateOut(Schema):
    kind: str
    language: str
    subject: str
    body: str
    is_default: bool


class TemplateIn(Schema):
    subject: str = Field(
        min_length=1,
        max_length=200,
        description="Django template language; {{ reference }} is added if missing.",
    )
    body: str = Field(
        min_length=1,
        max_length=20_000,
        description="Context: reference, subject, customer_name, organisation, status, text.",
    )


class MailboxOut(Schema):
    id: int
    name: str
    host: str
    port: int
    security: str
    username: str
    folder: str
    after_store: str
    move_to: str
    address: str
    use_idle: bool
    accept_auto_generated: bool
    is_active: bool
    last_polled_at: datetime.datetime | None
    last_error: str
    password_set: bool

    @staticmethod
    def resolve_password_set(obj: Mailbox) -> bool:
        return bool(obj.password)


class MailboxIn(Schema):
    name: Line = Field(min_length=1, max_length=100)
    host: Line = Field(min_length=1)
    port: int = Field(993, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = "ssl"
    username: Line = Field(min_length=1)
    password: Line = Field("", description="Write-only.")
    folder: Line = "INBOX"
    after_store: Literal["delete", "move", "flag"] = "delete"
    move_to: Line = ""
    address: Line = Field("", description="Answers to mail from this mailbox come from it.")
    use_idle: bool = True
    accept_auto_generated: bool = Field(
        False,
        description="Let in mail marked 'Auto-Submitted: auto-generated' (monitoring) as "
        "tickets, never acknowledged.",
    )
    is_active: bool = True


class MailboxPatch(Schema):
    name: Line | None = Field(None, min_length=1, max_length=100)
    host: Line | None = Field(None, min_length=1)
    port: int | None = Field(None, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] | None = None
    username: Line | None = Field(None, min_length=1)
    password: Line | None = None
    folder: Line | None = None
    after_store: Literal["delete", "move", "flag"] | None = None
    move_to: Line | None = None
    address: Line | None = None
    use_idle: bool | None = None
    accept_auto_generated: bool | None = None
    is_active: bool | None = None


# --- inbound ---------------------------------------------------------------------------------


@router.get("/mail/inbound", response={200: InboundPage, **ERRORS})
def list_inbound(request: HttpRequest, filters: Query[InboundQuery]) -> dict[str, Any]:
    """Messages as they arrived, newest first (administrators). ``status=failed`` is the list
    of messages that could not be processed, each with its error."""
    rows, cursor = selectors.inbound_messages(
        actor(request), status=filters.status, cursor=filters.cursor, limit=filters.limit
    )
    return {"items": rows, "next_cursor": cursor}


@router.get("/mail/inbound/{message_id}", response={200: InboundDetail, **ERRORS})
def get_inbound(request: HttpRequest, message_id: Id) -> InboundMessage:
    """One message with its full text (the timeline shows it without quoted history and
    signature) and every attachment, accepted or withheld."""
    return selectors.inbound_message(actor(request), message_id)


@router.get("/mail/inbound/{message_id}/raw", response={200: None, **ERRORS})
def get_inbound_raw(request: HttpRequest, message_id: Id) -> HttpResponse:
    """The message exactly as it arrived (administrators), as an .eml download."""
    message = selectors.inbound_message(actor(request), message_id, with_raw=True)
    response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.get(
    "/mail/inbound/{message_id}/attachments/{attachment_id}", response={200: None, **ERRORS}
)
def get_inbound_attachment(request: HttpRequest, message_id: Id, attachment_id: Id) -> FileResponse:
    """One file of a message as it came, withheld ones and those of ignored or failed
    messages included (administrators). Always a download, never shown in the browser."""
    item = selectors.inbound_attachment(actor(request), message_id, attachment_id)
    return inbound_attachment_response(item)


@router.post("/mail/inbound/{message_id}/retry", response={200: InboundDetail, **ERRORS})
def retry_inbound(request: HttpRequest, message_id: Id, payload: RetryIn) -> InboundMessage:
    """Process a stored message again, after a fix (administrators)."""
    services.retry_inbound(actor=actor(request), message_id=message_id, force=payload.force)
    return selectors.inbound_message(actor(request), message_id)


# --- outbound --------------------------------------------------------------------------------


@router.get("/mail/outbound", response={200: OutboundPage, **ERRORS})
def list_outbound(request: HttpRequest, filters: Query[OutboundQuery]) -> dict[str, Any]:
    """Mail Aduan sent or is sending, with the delivery state: ``failed`` after the last
    attempt, with the error (front-line staff)."""
    rows, cursor = selectors.outbound_messages(
        actor(request),
        status=filters.status,
        ticket=filters.ticket,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": rows, "next_cursor": cursor}


@router.get("/mail/outbound/{outbound_id}", response={200: OutboundOut, **ERRORS})
def get_outbound(request: HttpRequest, outbound_id: Id) -> OutboundMessage:
    return selectors.outbound_message(actor(request), outbound_id)


@router.post("/mail/outbound/{outbound_id}/retry", response={200: OutboundOut, **ERRORS})
def resend_outbound(request: HttpRequest, outbound_id: Id) -> OutboundMessage:
    """Send a failed, bounced or held-back mail again."""
    services.resend_outbound(actor=actor(request), outbound_id=outbound_id)
    return selectors.outbound_message(actor(request), outbound_id)


# --- templates -------------------------------------------------------------------------------


@router.get("/mail/templates", response={200: list[TemplateOut], **ERRORS})
def list_templates(request: HttpRequest) -> list[Any]:
    """Every mail in Indonesian and English: the organisation's wording or the built-in one
    (administrators)."""
    return selectors.effective_templates(actor(request))


@router.put("/mail/templates/{kind}/{language}", response={200: TemplateOut, **ERRORS})
def save_template(
    request: HttpRequest, kind: KindName, language: LanguageName, payload: TemplateIn
) -> dict[str, Any]:
    row = services.save_template(
        actor=actor(request),
        kind=kind,
        language=language,
        subject=payload.subject,
        body=payload.body,
    )
    return {
        "kind": row.kind,
        "language": row.language,
        "subject": row.subject,
        "body": row.body,
        "is_default": False,
    }


@router.delete("/mail/templates/{kind}/{language}", response={204: None, **ERRORS})
def reset_template(request: HttpRequest, kind: KindName, language: LanguageName) -> Status[None]:
    """Back to the built-in wording."""
    services.reset_template(actor=actor(request), kind=kind, language=language)
    return Status(204, None)


# --- mailboxes -------------------------------------------------------------------------------


def _mailboxes(user: User) -> list[Mailbox]:
    services.require_admin(user)
    return list(Mailbox.objects.order_by("name"))


@router.get("/mail/mailboxes", response={200: list[MailboxOut], **ERRORS})
def list_mailboxes(request: HttpRequest) -> list[Mailbox]:
    """The IMAP mailboxes Aduan polls, with when each was last polled and its last error."""
    return _mailboxes(actor(request))


@router.post("/mail/mailboxes", response={201: MailboxOut, **ERRORS})
def create_mailbox(request: HttpRequest, payload: MailboxIn) -> Status[Mailbox]:
    mailbox = services.save_mailbox(
        actor=actor(request), data=services.MailboxInput(**payload.dict())
    )
    return Status(201, mailbox)


@router.patch("/mail/mailboxes/{mailbox_id}", response={200: MailboxOut, **ERRORS})
def update_mailbox(request: HttpRequest, mailbox_id: Id, payload: MailboxPatch) -> Mailbox:
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.save_mailbox(
        actor=actor(request), data=services.MailboxInput(**given), mailbox_id=mailbox_id
    )


@router.delete("/mail/mailboxes/{mailbox_id}", response={204: None, **ERRORS})
def delete_mailbox(request: HttpRequest, mailbox_id: Id) -> Status[None]:
    services.delete_mailbox(actor=actor(request), mailbox_id=mailbox_id)
    return Status(204, None)
