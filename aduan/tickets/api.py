"""REST API for tickets. Each endpoint parses input, calls one service or selector, renders."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from aduan.accounts.models import User
from aduan.api import rendering
from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Code, Id, Reference
from aduan.audit.api import AuditEntryOut
from aduan.audit.models import AuditEntry
from aduan.core.errors import NotFound
from aduan.tickets import deadlines, permissions, selectors, services
from aduan.tickets.attachments import add_attachment, download_response
from aduan.tickets.models import (
    Attachment,
    Forwarding,
    Ticket,
    TicketEvent,
)
from aduan.tickets.permissions import get_visible_ticket

router = Router(tags=["tickets"])
Text = Annotated[str, Field(max_length=20_000)]
StatusName = Literal[
    "new", "open", "in_progress", "forwarded", "pending", "resolved", "closed", "cancelled"
]
SolutionChannelName = Literal["phone", "email", "letter", "verbal", "portal", "chat"]
SlaStateName = Literal["ok", "near", "breached", "paused", "met", "missed", "none"]


class Named(Schema):
    code: str
    name: str


class PersonOut(Schema):
    id: int
    username: str
    name: str


class CustomerBrief(Schema):
    id: int
    name: str
    phone: str
    email: str
    is_verified: bool


# Resolvers hand plain dicts to the schema: it validates each nested object once, where a
# Named(...) or PersonOut(...) built here was validated twice (see docs/performance.md).


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": str(user)}


def _named(obj: Any) -> dict[str, Any] | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


class TicketSummary(Schema):
    reference: str
    subject: str
    status: str
    tier: int
    channel: Named
    category: Named | None
    priority: Named
    is_technical: bool
    team: Named | None
    assignee: PersonOut | None
    customer: CustomerBrief
    received_at: datetime.datetime
    due_at: datetime.datetime
    first_response_due_at: datetime.datetime | None
    updated_at: datetime.datetime
    sla_state: SlaStateName = Field(
        description="Against the targets: ok, near, breached or paused while open; met or "
        "missed once resolved; none when cancelled. For colouring queues."
    )
    first_response_breached_at: datetime.datetime | None
    resolution_breached_at: datetime.datetime | None
    is_hard_complaint: bool
    is_super_emergency: bool

    @staticmethod
    def resolve_sla_state(obj: Ticket) -> str:
        return deadlines.state(obj)

    @staticmethod
    def resolve_channel(obj: Ticket) -> dict[str, Any] | None:
        return _named(obj.channel)

    @staticmethod
    def resolve_category(obj: Ticket) -> dict[str, Any] | None:
        return _named(obj.category)

    @staticmethod
    def resolve_priority(obj: Ticket) -> dict[str, Any] | None:
        return _named(obj.priority)

    @staticmethod
    def resolve_team(obj: Ticket) -> dict[str, Any] | None:
        return _named(obj.team)

    @staticmethod
    def resolve_assignee(obj: Ticket) -> dict[str, Any] | None:
        return _person(obj.assignee)


class TicketOut(TicketSummary):
    description: str
    first_response_warn_at: datetime.datetime | None
    resolution_warn_at: datetime.datetime | None
    pending_since: datetime.datetime | None
    sla_paused_at: datetime.datetime | None
    status_label: str
    first_response_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    reopen_count: int
    version: int
    created_at: datetime.datetime
    allowed_transitions: list[str]

    @staticmethod
    def resolve_status_label(obj: Ticket) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_allowed_transitions(obj: Ticket, context: dict[str, Any]) -> list[str]:
        user = actor(context["request"])
        return permissions.allowed_moves(user, obj)


class TicketPage(Schema):
    items: list[TicketSummary]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; null on the last page."
    )


class TicketIn(Schema):
    subject: str = Field(min_length=1, max_length=200)
    description: Text = Field(min_length=1)
    customer_id: Id | None = Field(None, description="Required for staff; customers omit it.")
    channel: Code | None = Field(None, description="Channel code; customers always use 'web'.")
    category: Code | None = None
    priority: Code | None = Field(None, description="Default: the organisation's default.")
    is_technical: bool | None = Field(None, description="Default: the category's flag.")
    team: Code | None = Field(None, description="Default: the category's default team.")
    assignee_id: Id | None = None
    received_at: datetime.datetime | None = Field(
        None, description="When the complaint arrived (letters, fax); default now."
    )


class TicketPatch(Schema):
    subject: str | None = Field(None, min_length=1, max_length=200)
    category: Code | None = None
    priority: Code | None = None
    is_technical: bool | None = None
    team: Code | None = None
    assignee_id: Id | None = None
    version: int | None = Field(None, ge=1, le=2**31, description="Refuse if changed since.")


class TicketQuery(Schema):
    status: list[StatusName] | None = Field(None, description="One or more statuses.")
    open: bool = Field(False, description="Only tickets still being worked on.")
    team: Code | None = None
    assignee: Id | None = None
    unassigned: bool = False
    customer: Id | None = None
    tier: int | None = Field(None, ge=1, le=3)
    text: str | None = Field(None, max_length=200, description="Words in subject or description.")
    ordering: Literal["-id", "due_at"] = "-id"
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(25, ge=1, le=100)


class TransitionIn(Schema):
    to: StatusName
    note: Text = ""
    team: Code | None = Field(None, description="The division, when moving to 'forwarded'.")
    channel: SolutionChannelName | None = Field(
        None, description="How the solution reached the customer, when moving to 'resolved'."
    )
    version: int | None = Field(None, ge=1, le=2**31)


class EscalateIn(Schema):
    note: Text = Field(min_length=1)
    team: Code | None = Field(None, description="Default: the first team of the next tier.")
    version: int | None = Field(None, ge=1, le=2**31)


class ForwardIn(Schema):
    team: Code
    instructions: Text = Field(min_length=1)
    version: int | None = Field(None, ge=1, le=2**31)


class MessageIn(Schema):
    body: Text = Field(min_length=1)
    internal: bool = False
    channel: SolutionChannelName | None = None


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    internal: bool
    created_at: datetime.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Attachment) -> str:
        return f"/api/v1/attachments/{obj.pk}/download"


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    author: PersonOut | None
    internal: bool
    body: str
    channel: str
    data: dict[str, Any]
    forwarding_id: int | None
    created_at: datetime.datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_kind_label(obj: TicketEvent) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_author(obj: TicketEvent) -> dict[str, Any] | None:
        return _person(obj.author)

    @staticmethod
    def resolve_attachments(obj: TicketEvent) -> list[Attachment]:
        return list(obj.attachments.all())


class ForwardingOut(Schema):
    id: int
    ticket: str
    ticket_subject: str
    team: Named
    instructions: str
    status: str
    created_by: PersonOut | None
    created_at: datetime.datetime
    findings: str
    solution: str
    user_steps: str
    responded_by: PersonOut | None
    responded_at: datetime.datetime | None

    @staticmethod
    def resolve_ticket(obj: Forwarding) -> str:
        return obj.ticket.reference

    @staticmethod
    def resolve_ticket_subject(obj: Forwarding) -> str:
        return obj.ticket.subject

    @staticmethod
    def resolve_team(obj: Forwarding) -> dict[str, Any] | None:
        return _named(obj.team)

    @staticmethod
    def resolve_created_by(obj: Forwarding) -> dict[str, Any] | None:
        return _person(obj.created_by)

    @staticmethod
    def resolve_responded_by(obj: Forwarding) -> dict[str, Any] | None:
        return _person(obj.responded_by)


class ForwardingQuery(Schema):
    status: Literal["sent", "responded", "withdrawn"] | None = None
    team: Code | None = None
    limit: int = Field(50, ge=1, le=200)


class ResponseIn(Schema):
    findings: Text = Field(min_length=1, description="What the division found.")
    solution: Text = Field("", description="The solution, if the division solved it.")
    user_steps: Text = Field("", description="Steps the user must take themselves.")


def _detail(user: User, reference: str) -> Ticket:
    ticket = get_visible_ticket(user, reference)
    return Ticket.objects.select_related(
        "channel", "category", "priority", "team", "assignee", "customer"
    ).get(pk=ticket.pk)


@router.post("/tickets", response={201: TicketOut, **ERRORS})
def create_ticket(request: HttpRequest, payload: TicketIn) -> Status[Ticket]:
    """Record a complaint. Staff enter it for a registered customer on any channel
    (seed 001 step 9); customers file their own on the web channel. With files, or with
    the outcome of a call: ``POST /complaints`` (multipart)."""
    recorded = services.record_complaint(
        actor=actor(request), data=services.TicketInput(**payload.dict())
    )
    # Rendered the normal way: aduan.api.rendering would save 0.1 ms of the 8-10 ms of CPU
    # a creation costs (bench/rendering.py); it earns its keep only on the list and look-up.
    return Status(201, recorded.ticket)


class ComplaintIn(TicketIn):
    outcome: Literal["open", "resolved", "pending"] = Field(
        "open",
        description="Staff: what came of the call. 'resolved' (solved on the spot, with the "
        "solution report in `note`) or 'pending' (with the reason in `note`).",
    )
    note: Text = Field("", description="The solution report or the reason for pending.")


@router.post("/complaints", response={201: TicketOut, **ERRORS})
def record_complaint(
    request: HttpRequest,
    payload: Form[ComplaintIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[Ticket]:
    """Record a complaint with its attachments (multipart/form-data: the fields of
    ``POST /tickets`` as form fields, files in ``attachments``, repeated) and what came of
    the call, in one go: if a file or a field is refused, nothing is recorded and the error
    names it. Files are limited as for any upload (type by extension, size)."""
    user = actor(request)
    given = payload.dict(exclude={"outcome", "note"})
    recorded = services.record_complaint(
        actor=user,
        data=services.TicketInput(**given),
        files=[services.Upload(upload.name or "", upload) for upload in attachments or []],
        outcome=payload.outcome,
        note=payload.note,
    )
    return Status(201, _detail(user, recorded.ticket.reference))


@router.get("/tickets", response={200: TicketPage, **ERRORS})
def list_tickets(request: HttpRequest, filters: Query[TicketQuery]) -> HttpResponse:
    """The tickets you may see, newest first or by due time, a page at a time."""
    rows, cursor = selectors.list_ticket_rows(
        actor(request),
        selectors.TicketFilters(
            status=list(filters.status) if filters.status else None,
            open_only=filters.open,
            team=filters.team,
            assignee=filters.assignee,
            unassigned=filters.unassigned,
            customer=filters.customer,
            tier=filters.tier,
            text=filters.text,
            ordering=filters.ordering,
            cursor=filters.cursor,
            limit=filters.limit,
        ),
    )
    return rendering.render(request, TicketPage, {"items": rows, "next_cursor": cursor})


@router.get("/tickets/{reference}", response={200: TicketOut, **ERRORS})
def get_ticket(request: HttpRequest, reference: Reference) -> Ticket:
    return _detail(actor(request), reference)


@router.get(
    "/tickets/{reference}/audit",
    response={200: list[AuditEntryOut], **ERRORS},
    tags=["audit"],
    operation_id="aduan_audit_api_ticket_audit",
)
def ticket_audit(request: HttpRequest, reference: Reference) -> list[AuditEntry]:
    """Every recorded change to the ticket, its forwarding forms and attachments, newest
    first. Staff who may read the ticket only; customers and divisions get 403."""
    return selectors.ticket_history(actor(request), reference)


@router.patch("/tickets/{reference}", response={200: TicketOut, **ERRORS})
def update_ticket(request: HttpRequest, reference: Reference, payload: TicketPatch) -> Ticket:
    """Classify, reprioritise, move to another team or (un)assign."""
    given = payload.dict(exclude_unset=True)
    services.update_ticket(
        actor=actor(request), reference=reference, changes=services.TicketChanges(**given)
    )
    return _detail(actor(request), reference)


@router.post("/tickets/{reference}/transition", response={200: TicketOut, **ERRORS})
def transition(request: HttpRequest, reference: Reference, payload: TransitionIn) -> Ticket:
    """Move the ticket to another status. A move the workflow does not allow from the current
    status answers 409 with ``current`` and ``allowed``."""
    services.transition(
        actor=actor(request),
        reference=reference,
        data=services.TransitionInput(
            to=payload.to,
            note=payload.note,
            team=payload.team,
            channel=payload.channel,
            version=payload.version,
        ),
    )
    return _detail(actor(request), reference)


@router.post("/tickets/{reference}/escalate", response={200: TicketOut, **ERRORS})
def escalate(request: HttpRequest, reference: Reference, payload: EscalateIn) -> Ticket:
    """Move the ticket to the next tier: support team, then management (seed 001 step 6)."""
    services.escalate(
        actor=actor(request),
        reference=reference,
        note=payload.note,
        team=payload.team,
        version=payload.version,
    )
    return _detail(actor(request), reference)


@router.post("/tickets/{reference}/forward", response={201: ForwardingOut, **ERRORS})
def forward(request: HttpRequest, reference: Reference, payload: ForwardIn) -> Status[Forwarding]:
    """Send the forwarding form to a division with instructions (seed 000 1.2.4)."""
    forwarding = services.forward(
        actor=actor(request),
        reference=reference,
        team=payload.team,
        instructions=payload.instructions,
        version=payload.version,
    )
    return Status(201, forwarding)


@router.post("/tickets/{reference}/messages", response={201: EventOut, **ERRORS})
def add_message(
    request: HttpRequest, reference: Reference, payload: MessageIn
) -> Status[TicketEvent]:
    """A customer message, a reply to the customer, or an internal note (``internal``)."""
    event = services.add_message(
        actor=actor(request),
        reference=reference,
        body=payload.body,
        internal=payload.internal,
        channel=payload.channel,
    )
    return Status(201, event)


@router.get("/tickets/{reference}/timeline", response={200: list[EventOut], **ERRORS})
def timeline(request: HttpRequest, reference: Reference) -> list[TicketEvent]:
    """Everything that happened to the ticket, oldest first. Customers see no internal entries."""
    user = actor(request)
    ticket = get_visible_ticket(user, reference)
    return selectors.timeline(user, ticket)


@router.get("/tickets/{reference}/forwardings", response={200: list[ForwardingOut], **ERRORS})
def ticket_forwardings(request: HttpRequest, reference: Reference) -> list[Forwarding]:
    user = actor(request)
    ticket = get_visible_ticket(user, reference)
    return list(permissions.visible_forwardings(user).filter(ticket=ticket).order_by("id"))


@router.get("/tickets/{reference}/attachments", response={200: list[AttachmentOut], **ERRORS})
def list_attachments(request: HttpRequest, reference: Reference) -> list[Attachment]:
    user = actor(request)
    return selectors.ticket_attachments(user, get_visible_ticket(user, reference))


@router.post("/tickets/{reference}/attachments", response={201: AttachmentOut, **ERRORS})
def upload_attachment(
    request: HttpRequest,
    reference: Reference,
    file: File[UploadedFile],
    internal: Form[bool] = False,
    note: Form[str] = "",
) -> Status[Attachment]:
    """Attach a supporting document (multipart/form-data, field ``file``)."""
    attachment = add_attachment(
        actor=actor(request),
        reference=reference,
        file=file,
        name=file.name or "",
        internal=internal,
        note=note[:2001],
    )
    return Status(201, attachment)


@router.get("/attachments/{attachment_id}/download", response={200: None, **ERRORS})
def download_attachment(request: HttpRequest, attachment_id: Id) -> FileResponse:
    """The file, always as a download, never rendered by the browser."""
    attachment = selectors.get_visible_attachment(actor(request), attachment_id)
    return download_response(attachment)


@router.get("/forwardings", response={200: list[ForwardingOut], **ERRORS}, tags=["divisions"])
def list_forwardings(request: HttpRequest, filters: Query[ForwardingQuery]) -> list[Forwarding]:
    """The division inbox: forwarding forms sent to your divisions (all of them for the front
    line), newest first."""
    forwardings = permissions.visible_forwardings(actor(request))
    if filters.status:
        forwardings = forwardings.filter(status=filters.status)
    if filters.team:
        forwardings = forwardings.filter(team__code=filters.team)
    return list(forwardings.order_by("-id")[: filters.limit])


@router.get(
    "/forwardings/{forwarding_id}", response={200: ForwardingOut, **ERRORS}, tags=["divisions"]
)
def get_forwarding(request: HttpRequest, forwarding_id: Id) -> Forwarding:
    forwarding = permissions.visible_forwardings(actor(request)).filter(pk=forwarding_id).first()
    if forwarding is None:
        raise NotFound(_("No forwarding form %(id)s for you.") % {"id": forwarding_id})
    return forwarding


@router.post(
    "/forwardings/{forwarding_id}/response",
    response={200: ForwardingOut, **ERRORS},
    tags=["divisions"],
)
def respond(request: HttpRequest, forwarding_id: Id, payload: ResponseIn) -> Forwarding:
    """The division's findings and solution or steps for the user (seed 000 1.2.6-1.2.7)."""
    forwarding = services.respond_to_forwarding(
        actor=actor(request),
        forwarding_id=forwarding_id,
        data=services.DivisionResponse(
            findings=payload.findings, solution=payload.solution, user_steps=payload.user_steps
        ),
    )
    return permissions.visible_forwardings(actor(request)).get(pk=forwarding.pk)
