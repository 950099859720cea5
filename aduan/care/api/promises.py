"""Promises to the customer (seed 004 5.3), each guarded by a team leader."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Id, Reference
from aduan.care import selectors
from aduan.care.api.common import (
    PersonOut,
    Text,
    TicketBrief,
    person,
    require_front,
    require_staff,
    ticket_brief,
)
from aduan.care.models import Promise
from aduan.care.services import promises
from aduan.tickets.permissions import get_visible_ticket

router = Router()


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
        return ticket_brief(obj.ticket)

    @staticmethod
    def resolve_guardian(obj: Promise) -> dict[str, Any] | None:
        return person(obj.guardian)

    @staticmethod
    def resolve_made_by(obj: Promise) -> dict[str, Any] | None:
        return person(obj.made_by)


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
    require_staff(user)
    ticket = get_visible_ticket(user, reference)
    return list(selectors.promises().filter(ticket=ticket).order_by("id"))


@router.get("/promises", response={200: list[PromiseOut], **ERRORS})
def list_promises(request: HttpRequest, filters: Query[PromiseQuery]) -> list[Promise]:
    """Promises by due time (``guardian`` for one team leader's)."""
    require_front(actor(request))
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
