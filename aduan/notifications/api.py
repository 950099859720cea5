"""REST API for one's own in-app notifications."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Id
from aduan.notifications import selectors, services
from aduan.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    ticket: str | None
    data: dict[str, Any]
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    @staticmethod
    def resolve_ticket(obj: Notification) -> str | None:
        return obj.ticket.reference if obj.ticket_id and obj.ticket else None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_before: int | None = Field(
        None, description="Pass as `before` for the next (older) page; null on the last page."
    )


class NotificationQuery(Schema):
    unread: bool = Field(False, description="Only notifications not read yet.")
    before: Id | None = Field(None, description="Only notifications older than this id.")
    limit: int = Field(25, ge=1, le=selectors.MAX_PAGE)


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


@router.get("/notifications", response={200: NotificationPage, **ERRORS})
def list_notifications(request: HttpRequest, filters: Query[NotificationQuery]) -> dict[str, Any]:
    """Your notifications, newest first."""
    rows, next_before = selectors.page(
        actor(request), unread_only=filters.unread, before_id=filters.before, limit=filters.limit
    )
    return {"items": rows, "next_before": next_before}


@router.get("/notifications/unread-count", response={200: UnreadOut, **ERRORS})
def unread_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(actor(request))}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS})
def mark_read(request: HttpRequest, notification_id: Id) -> Notification:
    """Mark one of your notifications read (again is harmless)."""
    return services.mark_read(actor=actor(request), notification_id=notification_id)


@router.post("/notifications/read-all", response={200: MarkedOut, **ERRORS})
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    """Mark all your notifications read; answers how many were unread."""
    return {"marked": services.mark_all_read(actor=actor(request))}
