"""What the care endpoints share: who may call them, and how people and tickets are shown."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from aduan.accounts.models import User
from aduan.accounts.roles import FRONT_STAFF, STAFF_ROLES
from aduan.core.errors import PermissionDenied

Text = Annotated[str, Field(max_length=10_000)]


def require_staff(user: User) -> None:
    if user.role not in STAFF_ROLES:
        raise PermissionDenied(_("Only staff may do this."))


def require_front(user: User) -> None:
    if user.role not in FRONT_STAFF:
        raise PermissionDenied(_("Only front-line staff may do this."))


def person(user: User | None) -> dict[str, Any] | None:
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


def ticket_brief(obj: Any) -> dict[str, Any]:
    return {
        "reference": obj.reference,
        "subject": obj.subject,
        "status": obj.status,
        "tier": obj.tier,
        "due_at": obj.due_at,
        "customer": obj.customer.name,
    }
