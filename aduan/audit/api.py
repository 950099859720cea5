"""Reading the whole audit log, for auditors. A ticket's history is the tickets API's
(``GET /tickets/{reference}/audit`` in aduan/tickets/api.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Id
from aduan.audit import selectors
from aduan.audit.models import AuditEntry

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    at: datetime.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: AuditEntry) -> str:
        return obj.actor_label


class AuditQuery(Schema):
    object_type: str | None = Field(
        None, max_length=60, pattern=r"^[a-z_]+\.[a-z_]+$", description="e.g. tickets.ticket"
    )
    object_id: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    action: str | None = Field(None, max_length=60, pattern=r"^[a-z_.]+$")
    before_id: Id | None = Field(None, description="Entries older than this id (paging).")
    limit: int = Field(50, ge=1, le=200)


@router.get("/audit", response={200: list[AuditEntryOut], **ERRORS})
def audit_log(request: HttpRequest, filters: Query[AuditQuery]) -> list[AuditEntry]:
    """The whole audit log, newest first, for administrators, directors and verificators."""
    return selectors.audit_log(
        actor(request),
        object_type=filters.object_type,
        object_id=filters.object_id,
        action=filters.action,
        before_id=filters.before_id,
        limit=filters.limit,
    )
