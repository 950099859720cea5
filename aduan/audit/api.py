"""Reading the audit log: per ticket for staff, the whole log for auditors."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from aduan.accounts.models import Role
from aduan.accounts.roles import ALL_TICKET_READERS
from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Id, Reference
from aduan.audit.models import AuditEntry
from aduan.core.errors import PermissionDenied
from aduan.tickets.models import Attachment, Forwarding
from aduan.tickets.permissions import get_visible_ticket

router = Router(tags=["audit"])
# Who may read the whole log: the people an ISO auditor talks to.
AUDITORS = frozenset({Role.ADMIN, Role.DIRECTOR, Role.VERIFICATOR})


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


@router.get("/tickets/{reference}/audit", response={200: list[AuditEntryOut], **ERRORS})
def ticket_audit(request: HttpRequest, reference: Reference) -> list[AuditEntry]:
    """Every recorded change to the ticket, its forwarding forms and attachments, newest
    first. Staff who may read the ticket only; customers and divisions get 403."""
    user = actor(request)
    if user.role not in ALL_TICKET_READERS:
        raise PermissionDenied(_("Only staff may read the audit log."))
    ticket = get_visible_ticket(user, reference)
    forwarding_ids = [
        str(pk) for pk in Forwarding.objects.filter(ticket=ticket).values_list("pk", flat=True)
    ]
    attachment_ids = [
        str(pk) for pk in Attachment.objects.filter(ticket=ticket).values_list("pk", flat=True)
    ]
    entries = AuditEntry.objects.filter(
        Q(object_type="tickets.ticket", object_id=str(ticket.pk))
        | Q(object_type="tickets.forwarding", object_id__in=forwarding_ids)
        | Q(object_type="tickets.attachment", object_id__in=attachment_ids)
    )
    return list(entries.order_by("-id")[:500])


@router.get("/audit", response={200: list[AuditEntryOut], **ERRORS})
def audit_log(request: HttpRequest, filters: Query[AuditQuery]) -> list[AuditEntry]:
    """The whole audit log, newest first, for administrators, directors and verificators."""
    if actor(request).role not in AUDITORS:
        raise PermissionDenied(
            _("Only administrators, directors and verificators may read the whole audit log.")
        )
    entries = AuditEntry.objects.all()
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type)
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.before_id:
        entries = entries.filter(id__lt=filters.before_id)
    return list(entries.order_by("-id")[: filters.limit])
