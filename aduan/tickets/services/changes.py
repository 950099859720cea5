"""Classification and assignment: category, priority, subject, team and owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.services import snapshot
from aduan.core.errors import Conflict
from aduan.core.permissions import require
from aduan.core.validation import Errors, clean_text
from aduan.organisation.models import TeamKind
from aduan.tickets import deadlines, signals
from aduan.tickets.models import EventKind, Status, Ticket
from aduan.tickets.permissions import may_classify
from aduan.tickets.services.common import (
    AUDITED_FIELDS,
    SUBJECT_MAX,
    add_event,
    audit_ticket,
    check_version,
    find_assignee,
    find_category,
    find_priority,
    find_team,
    lock_ticket,
    save_ticket,
)

_UNSET: Any = object()


@dataclass(frozen=True)
class TicketChanges:
    """Fields to change; ``_UNSET`` means leave alone, ``None`` clears where allowed."""

    subject: str = _UNSET
    category: str | None = _UNSET
    priority: str = _UNSET
    is_technical: bool = _UNSET
    team: str | None = _UNSET
    assignee_id: int | None = _UNSET
    version: int | None = None


@transaction.atomic
def update_ticket(*, actor: User, reference: str, changes: TicketChanges) -> Ticket:
    """Classify (seed 000 1.1.3), reprioritise, move to another team or assign."""
    ticket = lock_ticket(actor, reference)
    require(may_classify, actor, ticket)
    check_version(ticket, changes.version)
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise Conflict(
            _("Ticket %(reference)s is %(status)s and can no longer be changed.")
            % {"reference": ticket.reference, "status": ticket.get_status_display()},
            field="status",
        )
    before = snapshot(ticket, AUDITED_FIELDS)
    errors = Errors()
    fields: list[str] = []
    if changes.subject is not _UNSET:
        subject = errors.check(
            "subject",
            lambda: clean_text(
                "subject", changes.subject, max_length=SUBJECT_MAX, single_line=True
            ),
        )
        if subject is not None:
            ticket.subject = str(subject)
            fields.append("subject")
    if changes.category is not _UNSET:
        ticket.category = find_category(errors, changes.category) if changes.category else None
        fields.append("category")
    if changes.is_technical is not _UNSET:
        if changes.is_technical is None:
            errors.add("is_technical", _("Must be true or false."))
        else:
            ticket.is_technical = changes.is_technical
            fields.append("is_technical")
    elif changes.category is not _UNSET and ticket.category is not None:
        ticket.is_technical = ticket.category.is_technical
        fields.append("is_technical")
    if changes.priority is not _UNSET:
        if not changes.priority:
            errors.add("priority", _("This field may not be empty."))
        else:
            priority = find_priority(errors, changes.priority)
            if priority is not None and priority.pk != ticket.priority_id:
                ticket.priority = priority
                fields.append("priority")
    if changes.team is not _UNSET:
        if changes.team is None:
            ticket.team = None
        else:
            team = find_team(errors, changes.team)
            if team is not None and team.kind == TeamKind.DIVISION:
                errors.add("team", _("Divisions receive tickets by forwarding, not ownership."))
            elif team is not None:
                ticket.team = team
        fields.append("team")
    if changes.assignee_id is not _UNSET:
        ticket.assignee = (
            find_assignee(errors, changes.assignee_id) if changes.assignee_id else None
        )
        fields.append("assignee")
    errors.raise_if_any()
    if not fields:
        return ticket
    reclassified = [
        name
        for name in ("category", "priority")
        if name in fields
        and before[name] != (ticket.category_id if name == "category" else ticket.priority_id)
    ]
    if reclassified:
        # The policy may differ for the new priority or category: due times follow.
        fields += deadlines.retarget(ticket)
    save_ticket(ticket, fields)
    after = snapshot(ticket, AUDITED_FIELDS)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changed:
        add_event(ticket, EventKind.ASSIGNMENT, actor, internal=True, changes=changed)
        audit_ticket(actor, "ticket.updated", ticket, before)
    if reclassified:
        signals.ticket_classified.send(
            sender=Ticket, ticket=ticket, actor=actor, fields=reclassified
        )
    return ticket
