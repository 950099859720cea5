"""REST API for customer care (seed 004, seed 002 steps 16-17): hard complaints and their
queue, the phrase list, super emergencies and external groups, promises, callbacks and
their report, and special actions by the director. Each endpoint checks who is asking in
the service it calls."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aduan.accounts.models import User
from aduan.accounts.roles import FRONT_STAFF, STAFF_ROLES
from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Code, Id, Reference
from aduan.care import selectors
from aduan.care.models import (
    Callback,
    ExternalGroup,
    HardComplaint,
    HardComplaintPhrase,
    ProgressUpdate,
    Promise,
    SpecialAction,
    SuperEmergency,
    WebhookDelivery,
)
from aduan.care.services import callbacks, emergency, hard, promises, special
from aduan.care.services.common import may_see_callbacks, may_see_hard_complaints
from aduan.core.errors import NotFound, PermissionDenied, ValidationFailed
from aduan.tickets.permissions import get_visible_ticket

router = Router(tags=["care"])
Text = Annotated[str, Field(max_length=10_000)]
CriterionName = Literal[
    "threatens_cancel", "threatens_press", "rude", "refuses_agent", "wont_hang_up"
]


def _staff(user: User) -> None:
    if user.role not in STAFF_ROLES:
        raise PermissionDenied(_("Only staff may do this."))


def _front(user: User) -> None:
    if user.role not in FRONT_STAFF:
        raise PermissionDenied(_("Only front-line staff may do this."))


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": str(user)}


class PersonOut(Schema):
    id: int
    username: str
    name: str


class TicketBrief(Schema):
    reference: str
    subject: str
    status: str
    tier: int
    due_at: datetime.datetime
    customer: str


def _ticket(obj: Any) -> dict[str, Any]:
    return {
        "reference": obj.reference,
        "subject": obj.subject,
        "status": obj.status,
        "tier": obj.tier,
        "due_at": obj.due_at,
        "customer": obj.customer.name,
    }


# --- hard complaints ----------------------------------------------------------------------


class SuggestionOut(Schema):
    criterion: str
    phrases: list[str]


class HardComplaintOut(Schema):
    ticket: TicketBrief
    is_hard_complaint: bool
    criteria: list[str]
    repeat_count: int
    status: str | None
    marked_at: datetime.datetime | None
    marked_by: PersonOut | None
    last_follow_up_at: datetime.datetime | None
    suggested: list[SuggestionOut]


class HardComplaintIn(Schema):
    criteria: list[CriterionName] = Field(
        max_length=5, description="What the agent heard; an empty list un-marks the ticket."
    )
    note: Text = ""


class FollowUpIn(Schema):
    note: Text = Field(min_length=1)
    status: Literal["following_up", "done"] = "following_up"


class QueueItem(Schema):
    ticket: TicketBrief
    criteria: list[str]
    repeat_count: int
    status: str
    marked_at: datetime.datetime
    last_follow_up_at: datetime.datetime | None

    @staticmethod
    def resolve_ticket(obj: HardComplaint) -> dict[str, Any]:
        return _ticket(obj.ticket)


class QueueQuery(Schema):
    status: Literal["open", "following_up", "done"] | None = Field(
        None, description="Default: not done yet."
    )
    before: Id | None = Field(None, description="Only entries older than this id.")
    limit: int = Field(50, ge=1, le=200)


class SuggestIn(Schema):
    text: Annotated[str, Field(min_length=1, max_length=20_000)]


def _hard_out(user: User, reference: str) -> dict[str, Any]:
    ticket = get_visible_ticket(user, reference)
    ticket = selectors.ticket_with_customer(ticket.pk)
    complaint = HardComplaint.objects.select_related("marked_by").filter(ticket=ticket).first()
    return {
        "ticket": _ticket(ticket),
        "is_hard_complaint": ticket.is_hard_complaint,
        "criteria": complaint.criteria if complaint else [],
        "repeat_count": complaint.repeat_count if complaint else hard.repeat_count(ticket),
        "status": complaint.status if complaint else None,
        "marked_at": complaint.marked_at if complaint else None,
        "marked_by": _person(complaint.marked_by) if complaint else None,
        "last_follow_up_at": complaint.last_follow_up_at if complaint else None,
        "suggested": [
            {"criterion": s.criterion, "phrases": s.phrases}
            for s in hard.suggest(hard.ticket_text(ticket))
        ],
    }


@router.get("/tickets/{reference}/hard-complaint", response={200: HardComplaintOut, **ERRORS})
def get_hard_complaint(request: HttpRequest, reference: Reference) -> dict[str, Any]:
    """Whether the ticket is a hard complaint, why, and the criteria the phrase list suggests
    from what the customer said (with the phrases that matched)."""
    user = actor(request)
    _staff(user)
    return _hard_out(user, reference)


@router.put("/tickets/{reference}/hard-complaint", response={200: HardComplaintOut, **ERRORS})
def set_hard_complaint(
    request: HttpRequest, reference: Reference, payload: HardComplaintIn
) -> dict[str, Any]:
    """Tick the criteria heard on the call (front-line staff). The counted "repeat"
    criterion stays; an empty list with no repeat un-marks the ticket."""
    user = actor(request)
    hard.set_criteria(
        actor=user, reference=reference, criteria=list(payload.criteria), note=payload.note
    )
    return _hard_out(user, reference)


@router.get("/hard-complaints", response={200: list[QueueItem], **ERRORS})
def hard_complaint_queue(request: HttpRequest, filters: Query[QueueQuery]) -> list[HardComplaint]:
    """The hard-complaint queue of the support desk, oldest first (staff who may read every
    ticket; not division staff)."""
    user = actor(request)
    if not may_see_hard_complaints(user):
        raise PermissionDenied(_("Only staff who may read every ticket see this queue."))
    return selectors.hard_complaint_queue(
        status=filters.status, before=filters.before, limit=filters.limit
    )


@router.post("/tickets/{reference}/hard-complaint/follow-ups", response={201: QueueItem, **ERRORS})
def follow_up(request: HttpRequest, reference: Reference, payload: FollowUpIn) -> Status[Any]:
    """The support desk records its follow-up (seed 004 5.1.3-5.1.6)."""
    complaint = hard.follow_up(
        actor=actor(request), reference=reference, note=payload.note, status=payload.status
    )
    return Status(201, selectors.hard_complaint(complaint.pk))


@router.post("/hard-complaints/suggest", response={200: list[SuggestionOut], **ERRORS})
def suggest(request: HttpRequest, payload: SuggestIn) -> list[dict[str, Any]]:
    """The criteria the phrase list finds in a text, e.g. while typing a complaint in."""
    _staff(actor(request))
    return [{"criterion": s.criterion, "phrases": s.phrases} for s in hard.suggest(payload.text)]


class PhraseOut(Schema):
    id: int
    criterion: str
    phrase: str
    language: str
    is_active: bool


class PhraseIn(Schema):
    criterion: CriterionName
    phrase: str = Field(min_length=1, max_length=120)
    language: Literal["", "id", "en"] = ""
    is_active: bool = True


@router.get("/hard-complaint-phrases", response={200: list[PhraseOut], **ERRORS})
def list_phrases(request: HttpRequest) -> list[HardComplaintPhrase]:
    """The phrase list behind the suggestions."""
    _staff(actor(request))
    return list(HardComplaintPhrase.objects.order_by("criterion", "phrase"))


@router.post("/hard-complaint-phrases", response={201: PhraseOut, **ERRORS})
def add_phrase(request: HttpRequest, payload: PhraseIn) -> Status[HardComplaintPhrase]:
    """Add a phrase (administrators)."""
    row = hard.add_phrase(actor=actor(request), data=hard.PhraseInput(**payload.dict()))
    return Status(201, row)


@router.put("/hard-complaint-phrases/{phrase_id}", response={200: PhraseOut, **ERRORS})
def update_phrase(request: HttpRequest, phrase_id: Id, payload: PhraseIn) -> HardComplaintPhrase:
    return hard.update_phrase(
        actor=actor(request), phrase_id=phrase_id, data=hard.PhraseInput(**payload.dict())
    )


@router.delete("/hard-complaint-phrases/{phrase_id}", response={204: None, **ERRORS})
def delete_phrase(request: HttpRequest, phrase_id: Id) -> Status[None]:
    hard.delete_phrase(actor=actor(request), phrase_id=phrase_id)
    return Status(204, None)


# --- super emergencies ----------------------------------------------------------------------


class GroupOut(Schema):
    code: str
    name: str
    is_active: bool


class ProgressOut(Schema):
    id: int
    group: str | None
    body: str
    recorded_by: PersonOut | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_group(obj: ProgressUpdate) -> str | None:
        return obj.group.code if obj.group else None

    @staticmethod
    def resolve_recorded_by(obj: ProgressUpdate) -> dict[str, Any] | None:
        return _person(obj.recorded_by)


class DeliveryOut(Schema):
    id: int
    group: str
    event: str
    status: str
    attempts: int
    last_error: str
    response_status: int | None
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None

    @staticmethod
    def resolve_group(obj: WebhookDelivery) -> str:
        return obj.group.code


class EmergencyOut(Schema):
    id: int
    ticket: TicketBrief
    status: str
    reason: str
    raised_by: PersonOut | None
    raised_at: datetime.datetime
    analysis: str
    analysed_by: PersonOut | None
    analysed_at: datetime.datetime | None
    groups: list[str]
    forwarded_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    updates: list[ProgressOut]
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_ticket(obj: SuperEmergency) -> dict[str, Any]:
        return _ticket(obj.ticket)

    @staticmethod
    def resolve_raised_by(obj: SuperEmergency) -> dict[str, Any] | None:
        return _person(obj.raised_by)

    @staticmethod
    def resolve_analysed_by(obj: SuperEmergency) -> dict[str, Any] | None:
        return _person(obj.analysed_by)

    @staticmethod
    def resolve_groups(obj: SuperEmergency) -> list[str]:
        return [group.code for group in obj.groups.all()]

    @staticmethod
    def resolve_updates(obj: SuperEmergency) -> list[ProgressUpdate]:
        return list(obj.updates.all())

    @staticmethod
    def resolve_deliveries(obj: SuperEmergency) -> list[WebhookDelivery]:
        return list(obj.deliveries.all())


class RaiseIn(Schema):
    reason: Text = Field(min_length=1)


class AnalysisIn(Schema):
    analysis: Text = Field(min_length=1)


class ForwardIn(Schema):
    groups: list[Code] = Field(min_length=1, max_length=20)
    message: Text = ""


class ProgressIn(Schema):
    body: Text = Field(min_length=1)
    group: Code | None = None


class CloseIn(Schema):
    note: Text = ""


class EmergencyQuery(Schema):
    status: Literal["raised", "analysed", "forwarded", "closed"] | None = Field(
        None, description="Default: not closed."
    )
    limit: int = Field(50, ge=1, le=200)


def _emergency_out(user: User, emergency_id: int) -> SuperEmergency:
    found = selectors.emergencies().filter(pk=emergency_id).first()
    if found is None or user.role not in STAFF_ROLES:
        raise NotFound(_("No super emergency %(id)s.") % {"id": emergency_id})
    get_visible_ticket(user, found.ticket.reference)
    return found


@router.post("/tickets/{reference}/super-emergency", response={201: EmergencyOut, **ERRORS})
def raise_emergency(request: HttpRequest, reference: Reference, payload: RaiseIn) -> Status[Any]:
    """The team leader raises the ticket to super emergency (seed 004 5.2.2)."""
    user = actor(request)
    found = emergency.raise_emergency(actor=user, reference=reference, reason=payload.reason)
    return Status(201, _emergency_out(user, found.pk))


@router.get("/super-emergencies", response={200: list[EmergencyOut], **ERRORS})
def list_emergencies(request: HttpRequest, filters: Query[EmergencyQuery]) -> list[SuperEmergency]:
    """Super emergencies, newest first: the support desk's list."""
    user = actor(request)
    _front(user)
    rows: QuerySet[SuperEmergency] = selectors.emergencies()
    rows = rows.filter(status=filters.status) if filters.status else rows.exclude(status="closed")
    return list(rows.order_by("-id")[: filters.limit])


@router.get("/super-emergencies/{emergency_id}", response={200: EmergencyOut, **ERRORS})
def get_emergency(request: HttpRequest, emergency_id: Id) -> SuperEmergency:
    return _emergency_out(actor(request), emergency_id)


@router.post("/super-emergencies/{emergency_id}/analysis", response={200: EmergencyOut, **ERRORS})
def analyse(request: HttpRequest, emergency_id: Id, payload: AnalysisIn) -> SuperEmergency:
    """The support desk's analysis (seed 004 5.2.4)."""
    user = actor(request)
    emergency.analyse(actor=user, emergency_id=emergency_id, analysis=payload.analysis)
    return _emergency_out(user, emergency_id)


@router.post("/super-emergencies/{emergency_id}/forward", response={200: EmergencyOut, **ERRORS})
def forward(request: HttpRequest, emergency_id: Id, payload: ForwardIn) -> SuperEmergency:
    """Post it to external groups' webhooks (seed 004 5.2.5); delivery is retried."""
    user = actor(request)
    emergency.forward(
        actor=user, emergency_id=emergency_id, groups=list(payload.groups), message=payload.message
    )
    return _emergency_out(user, emergency_id)


@router.post("/super-emergencies/{emergency_id}/progress", response={201: ProgressOut, **ERRORS})
def progress(request: HttpRequest, emergency_id: Id, payload: ProgressIn) -> Status[Any]:
    """Progress reported by a group, relayed to the team leader (seed 004 5.2.6-5.2.7)."""
    update = emergency.record_progress(
        actor=actor(request), emergency_id=emergency_id, body=payload.body, group=payload.group
    )
    return Status(201, update)


@router.post("/super-emergencies/{emergency_id}/close", response={200: EmergencyOut, **ERRORS})
def close_emergency(request: HttpRequest, emergency_id: Id, payload: CloseIn) -> SuperEmergency:
    user = actor(request)
    emergency.close(actor=user, emergency_id=emergency_id, note=payload.note)
    return _emergency_out(user, emergency_id)


@router.get("/external-groups", response={200: list[GroupOut], **ERRORS})
def external_groups(request: HttpRequest) -> list[ExternalGroup]:
    """Groups a super emergency can be forwarded to (configured in the administration)."""
    _front(actor(request))
    return list(ExternalGroup.objects.order_by("name"))


# --- promises -----------------------------------------------------------------------------


class PromiseOut(Schema):
    id: int
    ticket: TicketBrief
    kind: str
    description: str
    due_at: datetime.datetime
    guardian: PersonOut
    made_by: PersonOut | None
    created_at: datetime.datetime
    status: str
    overdue_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    outcome: str

    @staticmethod
    def resolve_ticket(obj: Promise) -> dict[str, Any]:
        return _ticket(obj.ticket)

    @staticmethod
    def resolve_guardian(obj: Promise) -> dict[str, Any] | None:
        return _person(obj.guardian)

    @staticmethod
    def resolve_made_by(obj: Promise) -> dict[str, Any] | None:
        return _person(obj.made_by)


class PromiseIn(Schema):
    description: Text = Field(min_length=1)
    due_at: datetime.datetime
    kind: Literal["super_emergency", "buzzer", "buzzer_visit", "other"] = "other"
    guardian_id: Id | None = Field(
        None, description="The team leader who guards it; default: you, if you are one."
    )


class PromiseCloseIn(Schema):
    note: Text = ""


class PromiseQuery(Schema):
    guardian: Id | None = None
    status: Literal["active", "kept", "cancelled"] | None = "active"
    overdue: bool = False
    limit: int = Field(50, ge=1, le=200)


@router.post("/tickets/{reference}/promises", response={201: PromiseOut, **ERRORS})
def make_promise(request: HttpRequest, reference: Reference, payload: PromiseIn) -> Status[Any]:
    """A promise to the customer, guarded by a team leader; refused (409
    ``promise_cap_reached``) when they already guard the most allowed (3 by default)."""
    user = actor(request)
    promise = promises.make_promise(
        actor=user,
        reference=reference,
        data=promises.PromiseInput(
            description=payload.description,
            due_at=payload.due_at,
            kind=payload.kind,
            guardian_id=payload.guardian_id,
        ),
    )
    return Status(201, selectors.promises().get(pk=promise.pk))


@router.get("/tickets/{reference}/promises", response={200: list[PromiseOut], **ERRORS})
def ticket_promises(request: HttpRequest, reference: Reference) -> list[Promise]:
    user = actor(request)
    _staff(user)
    ticket = get_visible_ticket(user, reference)
    return list(selectors.promises().filter(ticket=ticket).order_by("id"))


@router.get("/promises", response={200: list[PromiseOut], **ERRORS})
def list_promises(request: HttpRequest, filters: Query[PromiseQuery]) -> list[Promise]:
    """Promises by due time (``guardian`` for one team leader's)."""
    _front(actor(request))
    rows = selectors.promises()
    if filters.guardian is not None:
        rows = rows.filter(guardian_id=filters.guardian)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.overdue:
        rows = rows.filter(overdue_at__isnull=False)
    return list(rows.order_by("due_at", "id")[: filters.limit])


@router.post("/promises/{promise_id}/keep", response={200: PromiseOut, **ERRORS})
def keep_promise(request: HttpRequest, promise_id: Id, payload: PromiseCloseIn) -> Promise:
    promises.close_promise(
        actor=actor(request), promise_id=promise_id, kept=True, note=payload.note
    )
    return selectors.promises().get(pk=promise_id)


@router.post("/promises/{promise_id}/cancel", response={200: PromiseOut, **ERRORS})
def cancel_promise(request: HttpRequest, promise_id: Id, payload: PromiseCloseIn) -> Promise:
    promises.close_promise(
        actor=actor(request), promise_id=promise_id, kept=False, note=payload.note
    )
    return selectors.promises().get(pk=promise_id)


# --- callbacks ----------------------------------------------------------------------------


class CallbackOut(Schema):
    id: int
    ticket: TicketBrief
    customer_phone: str
    round: int
    reasons: list[str]
    status: str
    created_at: datetime.datetime
    attempts: int
    last_attempt_at: datetime.datetime | None
    reached: bool | None
    solved: bool | None
    satisfaction: int | None
    remarks: str
    recorded_by: PersonOut | None

    @staticmethod
    def resolve_ticket(obj: Callback) -> dict[str, Any]:
        return _ticket(obj.ticket)

    @staticmethod
    def resolve_customer_phone(obj: Callback) -> str:
        return obj.ticket.customer.phone

    @staticmethod
    def resolve_recorded_by(obj: Callback) -> dict[str, Any] | None:
        return _person(obj.recorded_by)


class CallbackQuery(Schema):
    status: Literal["pending", "done", "unreachable"] | None = "pending"
    before: Id | None = None
    limit: int = Field(50, ge=1, le=200)


class OutcomeIn(Schema):
    reached: bool
    solved: bool | None = Field(None, description="Required when the customer was reached.")
    satisfaction: int | None = Field(None, ge=1, le=5)
    remarks: Text = ""


class OutcomeOut(Schema):
    callback: CallbackOut
    reopened: bool
    closed: bool
    special_action_id: int | None
    notes: list[str]


class CallbackReportQuery(Schema):
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None


class CategoryRow(Schema):
    category: str | None
    listed: int
    reached: int
    solved: int
    average_satisfaction: float | None


class CallbackReportOut(Schema):
    listed: int
    pending: int
    reached: int
    unreachable: int
    solved: int
    not_solved: int
    average_satisfaction: float | None
    satisfaction: dict[str, int]
    by_category: list[CategoryRow]


def _callers(user: User) -> None:
    if not may_see_callbacks(user):
        raise PermissionDenied(_("Only tier-2 outbound agents and team leaders see callbacks."))


@router.get("/callbacks", response={200: list[CallbackOut], **ERRORS})
def list_callbacks(request: HttpRequest, filters: Query[CallbackQuery]) -> list[Callback]:
    """The tier-2 outbound callback list, oldest first."""
    _callers(actor(request))
    return selectors.callback_list(
        status=filters.status, before=filters.before, limit=filters.limit
    )


@router.get("/callbacks/report", response={200: CallbackReportOut, **ERRORS})
def callback_report(request: HttpRequest, filters: Query[CallbackReportQuery]) -> dict[str, Any]:
    """Caring results: reached, solved, satisfaction, per category."""
    user = actor(request)
    _staff(user)
    for field, value in (("since", filters.since), ("until", filters.until)):
        if value is not None and value.tzinfo is None:
            raise ValidationFailed(
                [(field, _("Give a time zone, e.g. 2026-05-01T09:00:00+07:00."))]
            )
        if value is not None and not 2000 <= value.year <= 2100:
            raise ValidationFailed([(field, _("Between the years 2000 and 2100."))])
    return callbacks.report(filters.since, filters.until)


@router.get("/callbacks/{callback_id}", response={200: CallbackOut, **ERRORS})
def get_callback(request: HttpRequest, callback_id: Id) -> Callback:
    _callers(actor(request))
    found = selectors.callbacks().filter(pk=callback_id).first()
    if found is None:
        raise NotFound(_("No callback %(id)s.") % {"id": callback_id})
    return found


@router.post("/callbacks/{callback_id}/outcome", response={200: OutcomeOut, **ERRORS})
def record_outcome(request: HttpRequest, callback_id: Id, payload: OutcomeIn) -> dict[str, Any]:
    """What the customer said (tier-2 outbound agents, team leaders). Not solved reopens the
    ticket; solved closes a resolved one."""
    result = callbacks.record_outcome(
        actor=actor(request),
        callback_id=callback_id,
        data=callbacks.Outcome(
            reached=payload.reached,
            solved=payload.solved,
            satisfaction=payload.satisfaction,
            remarks=payload.remarks,
        ),
    )
    return {
        "callback": selectors.callbacks().get(pk=callback_id),
        "reopened": result.reopened,
        "closed": result.closed,
        "special_action_id": result.special_action_id,
        "notes": result.notes,
    }


# --- special action -----------------------------------------------------------------------


class SpecialActionOut(Schema):
    id: int
    ticket: TicketBrief
    reason: str
    automatic: bool
    requested_by: PersonOut | None
    requested_at: datetime.datetime
    status: str
    decision: str
    decided_by: PersonOut | None
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_ticket(obj: SpecialAction) -> dict[str, Any]:
        return _ticket(obj.ticket)

    @staticmethod
    def resolve_requested_by(obj: SpecialAction) -> dict[str, Any] | None:
        return _person(obj.requested_by)

    @staticmethod
    def resolve_decided_by(obj: SpecialAction) -> dict[str, Any] | None:
        return _person(obj.decided_by)


class SpecialRequestIn(Schema):
    reason: Text = Field(min_length=1)


class DecisionIn(Schema):
    decision: Text = Field(min_length=1)


class SpecialQuery(Schema):
    status: Literal["requested", "decided"] | None = "requested"
    limit: int = Field(50, ge=1, le=200)


@router.post("/tickets/{reference}/special-action", response={201: SpecialActionOut, **ERRORS})
def request_special_action(
    request: HttpRequest, reference: Reference, payload: SpecialRequestIn
) -> Status[Any]:
    """The customer stays unsatisfied: bring the director in (seed 002 steps 16-17)."""
    action = special.request(actor=actor(request), reference=reference, reason=payload.reason)
    return Status(201, selectors.special_actions().get(pk=action.pk))


@router.get("/special-actions", response={200: list[SpecialActionOut], **ERRORS})
def list_special_actions(request: HttpRequest, filters: Query[SpecialQuery]) -> list[SpecialAction]:
    _front(actor(request))
    rows = selectors.special_actions()
    if filters.status:
        rows = rows.filter(status=filters.status)
    return list(rows.order_by("-id")[: filters.limit])


@router.post("/special-actions/{action_id}/decision", response={200: SpecialActionOut, **ERRORS})
def decide(request: HttpRequest, action_id: Id, payload: DecisionIn) -> SpecialAction:
    """The director records the special action to take."""
    special.decide(actor=actor(request), action_id=action_id, decision=payload.decision)
    return selectors.special_actions().get(pk=action_id)
