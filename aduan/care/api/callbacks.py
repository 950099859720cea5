"""Callbacks ("caring", seed 004 5.2.8 and 5.3.9): the tier-2 outbound list, the outcome of
each call and the report."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from aduan.accounts.models import User
from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Id
from aduan.care import selectors
from aduan.care.api.common import PersonOut, Text, TicketBrief, person, require_staff, ticket_brief
from aduan.care.models import Callback
from aduan.care.permissions import may_see_callbacks
from aduan.care.services import callbacks
from aduan.core.errors import NotFound, ValidationFailed
from aduan.core.permissions import require

router = Router()


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
        return ticket_brief(obj.ticket)

    @staticmethod
    def resolve_customer_phone(obj: Callback) -> str:
        return obj.ticket.customer.phone

    @staticmethod
    def resolve_recorded_by(obj: Callback) -> dict[str, Any] | None:
        return person(obj.recorded_by)


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
    require(may_see_callbacks, user)


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
    require_staff(user)
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
