"""Escalation one tier up (seed 001 step 6)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.services import snapshot
from aduan.core.errors import Conflict
from aduan.core.permissions import require
from aduan.core.validation import Errors, clean_text
from aduan.organisation import selectors as org
from aduan.tickets.models import EventKind, Status, Ticket, Tier
from aduan.tickets.permissions import may_escalate
from aduan.tickets.services.common import (
    AUDITED_FIELDS,
    BODY_MAX,
    add_event,
    audit_ticket,
    check_version,
    find_team,
    lock_ticket,
    save_ticket,
)
from aduan.tickets.services.status import apply_move
from aduan.tickets.workflow import Trigger


@transaction.atomic
def escalate(
    *, actor: User, reference: str, note: str, team: str | None = None, version: int | None = None
) -> Ticket:
    """Move the ticket one tier up: front line to support, support to management
    (seed 001 step 6)."""
    ticket = lock_ticket(actor, reference)
    check_version(ticket, version)
    require(may_escalate, actor, ticket)
    text = clean_text("note", note, max_length=BODY_MAX)
    if ticket.status not in (
        Status.NEW,
        Status.OPEN,
        Status.IN_PROGRESS,
        Status.FORWARDED,
        Status.PENDING,
    ):
        raise Conflict(
            _("Ticket %(reference)s is %(status)s; only open tickets can be escalated.")
            % {"reference": ticket.reference, "status": ticket.status},
            extra={"current": ticket.status},
        )
    if ticket.tier >= Tier.MANAGEMENT:
        raise Conflict(
            _("Ticket %(reference)s is already with management (tier 3).")
            % {"reference": ticket.reference},
            extra={"current_tier": ticket.tier},
        )
    errors = Errors()
    new_tier = ticket.tier + 1
    target_team = find_team(errors, team) if team else org.team_for_tier(new_tier)
    if target_team is not None and target_team.tier != new_tier:
        errors.add(
            "team",
            _("'%(code)s' does not work tier %(tier)d.")
            % {"code": target_team.code, "tier": new_tier},
        )
    errors.raise_if_any()
    before = snapshot(ticket, AUDITED_FIELDS)
    old_tier = ticket.tier
    ticket.tier = new_tier
    fields = ["tier"]
    if target_team is not None:
        ticket.team = target_team
        # The new tier picks its own owner.
        ticket.assignee = None
        fields += ["team", "assignee"]
    save_ticket(ticket, fields)
    add_event(
        ticket,
        EventKind.ESCALATION,
        actor,
        body=text,
        internal=True,
        source_tier=old_tier,
        target_tier=new_tier,
        team=target_team.code if target_team else None,
    )
    audit_ticket(actor, "ticket.escalated", ticket, before)
    if ticket.status == Status.NEW:
        apply_move(ticket, actor, Status.OPEN, trigger=Trigger.ESCALATION, note="")
    return ticket
