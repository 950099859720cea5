"""Hard complaints (seed 004 5.1): the flag and its criteria, the support desk's queue and
hard-complaint actions, and the phrase list behind the suggestions."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aduan.accounts.models import User
from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Id, Reference
from aduan.care import selectors
from aduan.care.api.common import PersonOut, Text, TicketBrief, person, require_staff, ticket_brief
from aduan.care.models import HardComplaint, HardComplaintPhrase
from aduan.care.permissions import may_see_hard_complaints
from aduan.care.services import hard
from aduan.core.permissions import require
from aduan.tickets.permissions import get_visible_ticket

router = Router()
CriterionName = Literal[
    "threatens_cancel", "threatens_press", "rude", "refuses_agent", "wont_hang_up"
]


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
    last_follow_up_at: datetime.datetime | None = Field(
        description="When the support desk last recorded a hard-complaint action (the name "
        "is kept for existing clients)."
    )
    suggested: list[SuggestionOut]


class HardComplaintIn(Schema):
    criteria: list[CriterionName] = Field(
        max_length=5, description="What the agent heard; an empty list un-marks the ticket."
    )
    note: Text = ""


class HardComplaintActionIn(Schema):
    note: Text = Field(min_length=1)
    status: Literal["following_up", "done"] = Field(
        "following_up", description="'following_up': the support desk is acting on it."
    )


class QueueItem(Schema):
    ticket: TicketBrief
    criteria: list[str]
    repeat_count: int
    status: str
    marked_at: datetime.datetime
    last_follow_up_at: datetime.datetime | None = Field(
        description="When the support desk last recorded a hard-complaint action (the name "
        "is kept for existing clients)."
    )

    @staticmethod
    def resolve_ticket(obj: HardComplaint) -> dict[str, Any]:
        return ticket_brief(obj.ticket)

    @staticmethod
    def resolve_last_follow_up_at(obj: HardComplaint) -> datetime.datetime | None:
        return obj.last_action_at


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
        "ticket": ticket_brief(ticket),
        "is_hard_complaint": ticket.is_hard_complaint,
        "criteria": complaint.criteria if complaint else [],
        "repeat_count": complaint.repeat_count if complaint else hard.repeat_count(ticket),
        "status": complaint.status if complaint else None,
        "marked_at": complaint.marked_at if complaint else None,
        "marked_by": person(complaint.marked_by) if complaint else None,
        "last_follow_up_at": complaint.last_action_at if complaint else None,
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
    require_staff(user)
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
    require(may_see_hard_complaints, user)
    return selectors.hard_complaint_queue(
        status=filters.status, before=filters.before, limit=filters.limit
    )


@router.post("/tickets/{reference}/hard-complaint/follow-ups", response={201: QueueItem, **ERRORS})
def follow_up(
    request: HttpRequest, reference: Reference, payload: HardComplaintActionIn
) -> Status[Any]:
    """The support desk records a hard-complaint action (seed 004 5.1.3-5.1.6). The path
    and the operation id keep their first name, ``follow-ups``, for existing clients."""
    complaint = hard.record_action(
        actor=actor(request), reference=reference, note=payload.note, status=payload.status
    )
    return Status(201, selectors.hard_complaint(complaint.pk))


@router.post("/hard-complaints/suggest", response={200: list[SuggestionOut], **ERRORS})
def suggest(request: HttpRequest, payload: SuggestIn) -> list[dict[str, Any]]:
    """The criteria the phrase list finds in a text, e.g. while typing a complaint in."""
    require_staff(actor(request))
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
    require_staff(actor(request))
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
