"""Super emergencies (seed 004 5.2): raised by the team leader, analysed by the support desk,
forwarded to external groups, their progress, and closing."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aduan.accounts.models import User
from aduan.accounts.permissions import is_staff_member
from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Code, Id, Reference
from aduan.care import selectors
from aduan.care.api.common import PersonOut, Text, TicketBrief, person, require_front, ticket_brief
from aduan.care.models import ExternalGroup, ProgressUpdate, SuperEmergency, WebhookDelivery
from aduan.care.services import emergency
from aduan.core.errors import NotFound
from aduan.tickets.permissions import get_visible_ticket

router = Router()


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
        return person(obj.recorded_by)


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
        return ticket_brief(obj.ticket)

    @staticmethod
    def resolve_raised_by(obj: SuperEmergency) -> dict[str, Any] | None:
        return person(obj.raised_by)

    @staticmethod
    def resolve_analysed_by(obj: SuperEmergency) -> dict[str, Any] | None:
        return person(obj.analysed_by)

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
    if found is None or not is_staff_member(user):
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
    require_front(user)
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
    require_front(actor(request))
    return list(ExternalGroup.objects.order_by("name"))
