"""Special actions (seed 002 steps 16-17): the customer stays unsatisfied and the director
decides."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Id, Reference
from aduan.care import selectors
from aduan.care.api.common import PersonOut, Text, TicketBrief, person, require_front, ticket_brief
from aduan.care.models import SpecialAction
from aduan.care.services import special

router = Router()


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
        return ticket_brief(obj.ticket)

    @staticmethod
    def resolve_requested_by(obj: SpecialAction) -> dict[str, Any] | None:
        return person(obj.requested_by)

    @staticmethod
    def resolve_decided_by(obj: SpecialAction) -> dict[str, Any] | None:
        return person(obj.decided_by)


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
    require_front(actor(request))
    rows = selectors.special_actions()
    if filters.status:
        rows = rows.filter(status=filters.status)
    return list(rows.order_by("-id")[: filters.limit])


@router.post("/special-actions/{action_id}/decision", response={200: SpecialActionOut, **ERRORS})
def decide(request: HttpRequest, action_id: Id, payload: DecisionIn) -> SpecialAction:
    """The director records the special action to take."""
    special.decide(actor=actor(request), action_id=action_id, decision=payload.decision)
    return selectors.special_actions().get(pk=action_id)
