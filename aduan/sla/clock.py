"""A ticket's service-level clock: which policy applies, when its targets are due, what
pending and reopening do to them, and which timer steps lie ahead.

The ticket services call these functions through ``aduan.tickets.deadlines``, where
``SlaConfig.ready`` registers this module, inside their own transaction, with the ticket row
locked. Each function changes the ticket in memory and returns the names of the fields it
changed, for the caller's single ``save``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from aduan.audit.models import AuditEntry
from aduan.sla import rules
from aduan.sla.models import SlaEvent, Trigger
from aduan.sla.rules import Configuration, Policy, Step
from aduan.tickets.deadlines import SlaState
from aduan.tickets.models import OPEN_STATUSES, EventKind, Status, Ticket, TicketEvent

# Without a policy the priority's hours count on the calendar clock (the behaviour before
# policies existed), and the target is "near" at this share of it.
DEFAULT_WARN_PERCENT = 75
FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
TARGET_LABELS = {
    FIRST_RESPONSE: gettext_lazy("first response"),
    RESOLUTION: gettext_lazy("resolution"),
}

TARGET_FIELDS = [
    "sla_policy",
    "sla_started_at",
    "sla_paused_seconds",
    "sla_paused_at",
    "sla_cycle",
    "first_response_due_at",
    "first_response_warn_at",
    "due_at",
    "resolution_warn_at",
    "sla_next_check_at",
]


@dataclass(frozen=True)
class Point:
    """A moment the sweep must act at: record a breach (``step`` None) or take a ladder
    step. ``key`` identifies it in the ledger (``SlaEvent``), so it happens once."""

    key: str
    at: datetime.datetime
    trigger: str
    step: Step | None
    target: str
    due_at: datetime.datetime


def _targets(ticket: Ticket, policy: Policy | None) -> tuple[int, int]:
    if policy is not None:
        return policy.first_response_seconds, policy.resolution_seconds
    priority = ticket.priority
    return priority.response_hours * 3600, priority.resolution_hours * 3600


def _compute(ticket: Ticket, config: Configuration) -> None:
    """Due and warning times from the clock's start, target and time paused so far."""
    policy = config.policy(ticket.sla_policy_id)
    clock = config.clock(policy)
    share = (policy.warn_percent if policy else DEFAULT_WARN_PERCENT) / 100
    first_response, resolution = _targets(ticket, policy)
    paused = ticket.sla_paused_seconds
    if ticket.first_response_at is None:
        ticket.first_response_due_at = clock.add(ticket.received_at, first_response + paused)
        ticket.first_response_warn_at = clock.add(
            ticket.received_at, first_response * share + paused
        )
    start = ticket.sla_started_at or ticket.received_at
    ticket.due_at = clock.add(start, resolution + paused)
    ticket.resolution_warn_at = clock.add(start, resolution * share + paused)


def points(ticket: Ticket, config: Configuration) -> list[Point]:
    """Every timer moment of the ticket's current state, earliest first."""
    if ticket.status not in OPEN_STATUSES:
        return []
    policy = config.policy(ticket.sla_policy_id)
    clock = config.clock(policy)
    ladder = config.ladder(policy)
    cycle = ticket.sla_cycle
    found: list[Point] = []

    def add_steps(
        trigger: str,
        base: datetime.datetime | None,
        target: str,
        due: datetime.datetime,
        suffix: str = "",
    ) -> None:
        if base is None:
            return
        for step in ladder:
            if step.trigger == trigger:
                found.append(
                    Point(
                        f"c{cycle}:s{step.id}{suffix}",
                        clock.add(base, step.offset_seconds),
                        trigger,
                        step,
                        target,
                        due,
                    )
                )

    if ticket.sla_paused_at is None:
        due = ticket.first_response_due_at
        if ticket.first_response_at is None and due is not None:
            found.append(
                Point(
                    f"c{cycle}:fr", due, Trigger.FIRST_RESPONSE_BREACHED, None, FIRST_RESPONSE, due
                )
            )
            add_steps(
                Trigger.FIRST_RESPONSE_NEAR, ticket.first_response_warn_at, FIRST_RESPONSE, due
            )
            add_steps(Trigger.FIRST_RESPONSE_BREACHED, due, FIRST_RESPONSE, due)
        due = ticket.due_at
        found.append(
            Point(f"c{cycle}:res", due, Trigger.RESOLUTION_BREACHED, None, RESOLUTION, due)
        )
        add_steps(Trigger.RESOLUTION_NEAR, ticket.resolution_warn_at, RESOLUTION, due)
        add_steps(Trigger.RESOLUTION_BREACHED, due, RESOLUTION, due)
    if ticket.status == Status.PENDING and ticket.pending_since is not None:
        # Each time a ticket is put on hold its "pending too long" steps start over.
        stamp = int(ticket.pending_since.timestamp())
        add_steps(
            Trigger.PENDING, ticket.pending_since, RESOLUTION, ticket.due_at, suffix=f":p{stamp}"
        )
    found.sort(key=lambda point: (point.at, point.key))
    return found


def next_check(
    ticket: Ticket, config: Configuration, done: set[str] | frozenset[str] = frozenset()
) -> datetime.datetime | None:
    for point in points(ticket, config):
        if point.key not in done:
            return point.at
    return None


def _schedule(ticket: Ticket, config: Configuration) -> None:
    # Steps already done in the past only cost the sweep one look at the ticket.
    ticket.sla_next_check_at = next_check(ticket, config)


# --- called by the ticket services ----------------------------------------------------------


def start(ticket: Ticket) -> list[str]:
    """A new ticket: choose the policy for its priority, category and channel, and set its
    due times from the time the complaint was received."""
    config = rules.current()
    policy = config.choose(ticket.priority_id, ticket.category_id, ticket.channel_id)
    ticket.sla_policy_id = policy.id if policy else None
    ticket.sla_started_at = None
    ticket.sla_paused_seconds = 0
    ticket.sla_paused_at = None
    _compute(ticket, config)
    _schedule(ticket, config)
    return list(TARGET_FIELDS)


def retarget(ticket: Ticket) -> list[str]:
    """Priority or category changed: the policy may change, and the targets are counted
    again from the same start. The ladder starts over; breaches already recorded stay."""
    config = rules.current()
    policy = config.choose(ticket.priority_id, ticket.category_id, ticket.channel_id)
    ticket.sla_policy_id = policy.id if policy else None
    ticket.sla_cycle += 1
    if ticket.sla_paused_at is not None and not (policy and policy.pause_when_pending):
        _resume(ticket, config, timezone.now())
    _compute(ticket, config)
    _schedule(ticket, config)
    return list(TARGET_FIELDS)


def _resume(ticket: Ticket, config: Configuration, now: datetime.datetime) -> None:
    paused_at = ticket.sla_paused_at
    ticket.sla_paused_at = None
    if paused_at is None or paused_at >= ticket.due_at:
        # Put on hold after the target was already missed: the miss stands.
        return
    clock = config.clock(config.policy(ticket.sla_policy_id))
    ticket.sla_paused_seconds += int(clock.between(paused_at, now))


def on_status_change(
    ticket: Ticket, source: str, target: str, now: datetime.datetime
) -> tuple[list[str], list[TicketEvent]]:
    """Pending pauses the clock (where the policy says so), leaving pending resumes it,
    reopening starts a new resolution clock, and resolving late records the breach.
    Returns the changed fields and the timeline entries to add."""
    config = rules.current()
    policy = config.policy(ticket.sla_policy_id)
    fields = [*TARGET_FIELDS, "pending_since"]
    events: list[TicketEvent] = []
    if source == Status.PENDING and target != Status.PENDING:
        ticket.pending_since = None
        if ticket.sla_paused_at is not None:
            _resume(ticket, config, now)
            _compute(ticket, config)
    if target == Status.PENDING and source != Status.PENDING:
        ticket.pending_since = now
        if policy is not None and policy.pause_when_pending:
            ticket.sla_paused_at = now
    if source in (Status.RESOLVED, Status.CLOSED) and target == Status.OPEN:
        # "The problem persists" (seed 000 1.3.4): a fresh resolution target from now.
        ticket.sla_cycle += 1
        ticket.sla_started_at = now
        ticket.sla_paused_seconds = 0
        ticket.sla_paused_at = None
        ticket.resolution_breached_at = None
        fields.append("resolution_breached_at")
        _compute(ticket, config)
    if target == Status.RESOLVED:
        events += on_first_response(ticket, now)[1]
        if now > ticket.due_at and ticket.resolution_breached_at is None:
            events.append(record_breach(ticket, RESOLUTION, now=now))
        fields += ["first_response_breached_at", "resolution_breached_at"]
    _schedule(ticket, config)
    return fields, events


def on_first_response(
    ticket: Ticket, now: datetime.datetime
) -> tuple[list[str], list[TicketEvent]]:
    """The first answer reached the customer: the first-response timer stops, recording
    the breach if it came late."""
    events: list[TicketEvent] = []
    due = ticket.first_response_due_at
    answered = ticket.first_response_at or now
    if due is not None and answered > due and ticket.first_response_breached_at is None:
        events.append(record_breach(ticket, FIRST_RESPONSE, now=now))
    _schedule(ticket, rules.current())
    return ["first_response_breached_at", "sla_next_check_at"], events


# --- breaches -------------------------------------------------------------------------------


def record_breach(ticket: Ticket, target: str, *, now: datetime.datetime) -> TicketEvent:
    """Mark the target missed at its due time. Returns the (unsaved) timeline entry and
    saves the ledger row and the audit entry; the caller saves the ticket's field."""
    event, ledger, audit = breach_rows(ticket, target, now=now)
    SlaEvent.objects.bulk_create([SlaEvent(**ledger)], ignore_conflicts=True)
    AuditEntry.objects.bulk_create([AuditEntry(**audit)])
    return TicketEvent(**event)


Row = dict[str, Any]


def breach_rows(ticket: Ticket, target: str, *, now: datetime.datetime) -> tuple[Row, Row, Row]:
    """Set the ticket's field, and return the rows that record it (``{attname: value}``):
    timeline entry, ledger row, audit entry. Used one at a time by the ticket services and in
    bulk by the sweep."""
    if target == FIRST_RESPONSE:
        due = ticket.first_response_due_at
        assert due is not None
        before = ticket.first_response_breached_at
        if before is None:
            ticket.first_response_breached_at = due
        field = "first_response_breached_at"
        key = f"c{ticket.sla_cycle}:fr"
        trigger = Trigger.FIRST_RESPONSE_BREACHED
    else:
        due = ticket.due_at
        before = ticket.resolution_breached_at
        if before is None:
            ticket.resolution_breached_at = due
        field = "resolution_breached_at"
        key = f"c{ticket.sla_cycle}:res"
        trigger = Trigger.RESOLUTION_BREACHED
    stamp = timezone.now()
    event: Row = {
        "ticket_id": ticket.pk,
        "kind": EventKind.SLA_BREACH,
        "author_id": None,
        "internal": True,
        "body": "",
        "channel": "",
        "forwarding_id": None,
        "data": {"target": target, "due_at": due.isoformat(), "cycle": ticket.sla_cycle},
        "created_at": stamp,
    }
    ledger: Row = {
        "ticket_id": ticket.pk,
        "key": key,
        "trigger": trigger,
        "action": "",
        "step_id": None,
        "due_at": due,
        "done_at": now,
        "outcome": "breach",
    }
    audit: Row = {
        "at": stamp,
        "actor_id": None,
        "actor_label": "system",
        "action": "ticket.sla_breached",
        "object_type": "tickets.ticket",
        "object_id": str(ticket.pk),
        "object_repr": str(ticket)[:200],
        "changes": {field: [before.isoformat() if before else None, due.isoformat()]},
    }
    return event, ledger, audit


# --- reading --------------------------------------------------------------------------------


def state(ticket: Ticket, now: datetime.datetime | None = None) -> str:
    """ok / near / breached / paused while open; met / missed once resolved."""
    now = now or timezone.now()
    if ticket.status not in OPEN_STATUSES:
        if ticket.status == Status.CANCELLED:
            return SlaState.NONE
        return SlaState.MISSED if ticket.resolution_breached_at else SlaState.MET
    if ticket.sla_paused_at is not None:
        return SlaState.PAUSED
    first_due = ticket.first_response_due_at if ticket.first_response_at is None else None
    if now > ticket.due_at or (first_due is not None and now > first_due):
        return SlaState.BREACHED
    warn = [ticket.resolution_warn_at]
    if first_due is not None:
        warn.append(ticket.first_response_warn_at)
    if any(at is not None and now >= at for at in warn):
        return SlaState.NEAR
    return SlaState.OK
