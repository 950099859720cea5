"""Reads of the audit log: the whole log for auditors (a ticket's history is
``aduan.tickets.selectors.ticket_history``).

Who may read is asked of aduan.audit.permissions here, so the API and any later page ask
the same question."""

from __future__ import annotations

from aduan.accounts.models import User
from aduan.audit.models import AuditEntry
from aduan.audit.permissions import may_read_audit
from aduan.core.permissions import require


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
