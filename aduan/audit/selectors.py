"""Reads of the audit log: one ticket's history for staff, the whole log for auditors.

Who may read is asked of aduan.audit.permissions here, so the API and any later page ask
the same question."""

from __future__ import annotations

from django.db.models import Q

from aduan.accounts.models import User
from aduan.audit.models import AuditEntry
from aduan.audit.permissions import may_read_audit, may_read_ticket_history
from aduan.core.permissions import require
from aduan.tickets.models import Attachment, Forwarding
from aduan.tickets.permissions import get_visible_ticket

TICKET_HISTORY_LIMIT = 500


def ticket_history(user: User, reference: str) -> list[AuditEntry]:
    """Every recorded change to the ticket, its forwarding forms and attachments, newest
    first (the latest ``TICKET_HISTORY_LIMIT``). Staff who may read the ticket only."""
    require(may_read_ticket_history, user)
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
    return list(entries.order_by("-id")[:TICKET_HISTORY_LIMIT])


def audit_log(
    user: User,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[AuditEntry]:
    """The whole audit log, newest first, for administrators, directors and verificators."""
    require(may_read_audit, user)
    entries = AuditEntry.objects.all()
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if action:
        entries = entries.filter(action=action)
    if before_id:
        entries = entries.filter(id__lt=before_id)
    return list(entries.order_by("-id")[:limit])
