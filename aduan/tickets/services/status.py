"""Every change of a ticket's status: checked against the workflow table (``check_move``),
then applied with everything that goes with it (``apply_move``): timestamps, the
service-level clock, withdrawn forwardings, timeline and audit entries. No other code assigns
``ticket.status`` (a test scans the source for it)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.accounts.system import SYSTEM_USERNAME
from aduan.audit.services import record, snapshot
from aduan.core.errors import Conflict
from aduan.core.permissions import require
from aduan.tickets import deadlines, signals, workflow
from aduan.tickets.models import (
    EventKind,
    Forwarding,
    ForwardingStatus,
    Status,
    Ticket,
    TicketEvent,
)
from aduan.tickets.permissions import allowed_moves, may_move
from aduan.tickets.services.common import AUDITED_FIELDS, add_event, audit_ticket, save_ticket
from aduan.tickets.workflow import ActorKind, Trigger


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


def actor_kind(actor: User | None) -> ActorKind:
    """Who ``actor`` is to the workflow table: no login or the system account is the system,
    a customer's login the customer, anyone else a person with a role."""
    if actor is None or actor.username == SYSTEM_USERNAME:
        return ActorKind.SYSTEM
    if actor.is_customer:
        return ActorKind.CUSTOMER
    return ActorKind.PERSON


def check_move(
    ticket: Ticket,
    actor: User | None,
    target: str,
    *,
    trigger: Trigger,
    by: ActorKind | None = None,
) -> None:
    """The one check of every status move against the workflow table (``apply_move`` makes
    it too). A person's or a customer's own choice the table does not allow them is refused
    as they are shown it: 409 with the moves allowed to them, or 403 for their role. Any
    other move the table lacks raises ``workflow.IllegalMove``: a bug in the caller. ``by``
    names the actor kind when ``actor`` does not say it (the customer writing by mail)."""
    kind = by or actor_kind(actor)
    if trigger == Trigger.CHOICE and actor is not None and kind != ActorKind.SYSTEM:
        if workflow.move_for(ticket.status, target) is None:
            raise refusal(ticket, actor, target)
        require(may_move, actor, ticket, target)
    workflow.check(ticket.status, target, kind, actor.role if actor else None, trigger=trigger)


def apply_move(
    ticket: Ticket,
    actor: User | None,
    target: str,
    *,
    trigger: Trigger,
    note: str,
    channel: str = "",
    by: ActorKind | None = None,
) -> None:
    """Check the move (``check_move``), then change the status and everything that goes
    with it. ``trigger`` says why the status moves: a person's choice or what it follows
    from."""
    check_move(ticket, actor, target, trigger=trigger, by=by)
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
