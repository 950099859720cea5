"""A status move that the caller has already checked, with everything that goes with it:
timestamps, the service-level clock, withdrawn forwardings, timeline and audit entries."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.services import record, snapshot
from aduan.core.errors import Conflict
from aduan.tickets import deadlines, signals, workflow
from aduan.tickets.models import (
    EventKind,
    Forwarding,
    ForwardingStatus,
    Status,
    Ticket,
    TicketEvent,
)
from aduan.tickets.permissions import allowed_moves
from aduan.tickets.services.common import AUDITED_FIELDS, add_event, audit_ticket, save_ticket


def refusal(ticket: Ticket, actor: User, target: str) -> Conflict:
    """The 409 for a move the workflow table does not have, with the moves allowed to this
    person."""
    allowed = allowed_moves(actor, ticket)
    return Conflict(
        _(
            "Ticket %(reference)s is %(status)s; it cannot move to '%(target)s'. "
            "Allowed for you: %(allowed)s."
        )
        % {
            "reference": ticket.reference,
            "status": ticket.status,
            "target": target,
            "allowed": ", ".join(allowed) or _("none"),
        },
        field="to",
        extra={"current": ticket.status, "allowed": allowed},
    )


def apply_move(
    ticket: Ticket, actor: User | None, target: str, *, note: str, channel: str = ""
) -> None:
    """Change the status and everything that goes with it. Callers have checked the move."""
    before = snapshot(ticket, AUDITED_FIELDS)
    source = ticket.status
    now = timezone.now()
    fields = ["status"]
    ticket.status = target
    if target == Status.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            fields.append("first_response_at")
        withdraw_open_forwardings(ticket, actor)
    elif target == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    elif target == Status.CANCELLED:
        ticket.closed_at = now
        fields.append("closed_at")
        withdraw_open_forwardings(ticket, actor)
    if source in workflow.REOPEN_SOURCES and target == Status.OPEN:
        ticket.reopen_count += 1
        ticket.resolved_at = None
        ticket.closed_at = None
        fields += ["reopen_count", "resolved_at", "closed_at"]
    # Pending pauses the clock, reopening gives a fresh resolution target from now,
    # resolving late records the missed target (aduan.sla).
    sla_fields, sla_events = deadlines.on_status_change(ticket, source, target, now)
    fields += sla_fields
    save_ticket(ticket, fields)
    add_event(
        ticket,
        EventKind.STATUS_CHANGE,
        actor,
        body=note,
        internal=False,
        source=source,
        target=target,
    )
    if target == Status.RESOLVED:
        add_event(ticket, EventKind.SOLUTION_REPORT, actor, body=note, channel=channel)
    TicketEvent.objects.bulk_create(sla_events)
    audit_ticket(actor, "ticket.status", ticket, before)
    signals.status_changed.send(
        sender=Ticket, ticket=ticket, actor=actor, source=source, target=target
    )


def withdraw_open_forwardings(ticket: Ticket, actor: User | None) -> None:
    # One row per division still working on it, rarely more than one or two.
    for forwarding in Forwarding.objects.filter(ticket=ticket, status=ForwardingStatus.SENT):
        forwarding.status = ForwardingStatus.WITHDRAWN
        forwarding.save(update_fields=["status"])
        record(
            actor=actor,
            action="forwarding.withdrawn",
            instance=forwarding,
            before={"status": ForwardingStatus.SENT},
            after={"status": ForwardingStatus.WITHDRAWN},
        )
