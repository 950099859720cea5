"""What the care endpoints share: who may call them, and how people and tickets are shown."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from aduan.accounts.models import User
from aduan.accounts.permissions import is_front_staff, is_staff_member
from aduan.core.permissions import require

Text = Annotated[str, Field(max_length=10_000)]


def require_staff(user: User) -> None:
    require(is_staff_member, user)


def require_front(user: User) -> None:
    require(is_front_staff, user)


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
