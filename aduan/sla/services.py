"""The service-level sweep: record missed targets and climb the escalation ladder.

Every ticket with a timer running has ``sla_next_check_at``, the next moment something may
happen to it. A sweep takes the tickets due by now (an index range scan over that column,
so its cost follows the number of due tickets, not the table), locks them with
``FOR UPDATE SKIP LOCKED`` so that concurrent sweeps on several workers take disjoint
tickets, and for each one does every step whose time has come and that the ledger
(``SlaEvent``, unique per ticket and step) does not hold yet. Everything is one transaction:
a worker killed half-way leaves nothing done, and the next sweep does it all.

Tier moves go through ``aduan.tickets.services.escalate``, the same service a person uses,
acting as the ``system`` account; they appear in the timeline and the audit log like any
other escalation.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts.models import User
from aduan.accounts.system import system_user
from aduan.audit.models import AuditEntry
from aduan.core.errors import ApplicationError
from aduan.notifications import services as notifications
from aduan.notifications.models import Notification
from aduan.organisation import selectors as org
from aduan.sla import clock, rows, rules
from aduan.sla.models import Action, SlaEvent, Trigger
from aduan.sla.rules import Configuration
from aduan.tickets import services as ticket_services
from aduan.tickets import writes as ticket_writes
from aduan.tickets.models import EventKind, Ticket, TicketEvent

logger = logging.getLogger(__name__)

BATCH = 500
# A ticket whose processing fails (a bug, bad data) is looked at again after this long,
# instead of blocking every sweep.
RETRY_AFTER = datetime.timedelta(minutes=5)
# Steps of one ticket that become due together are done in one pass; escalating can make
# more due (a new ticket opens), so a few passes are allowed.
MAX_PASSES = 4

ALERT_TITLES: dict[str, Promise] = {
    Trigger.FIRST_RESPONSE_NEAR: gettext_lazy("%(reference)s: first response due soon (%(due)s)"),
    Trigger.FIRST_RESPONSE_BREACHED: gettext_lazy(
        "%(reference)s: first response target missed (due %(due)s)"
    ),
    Trigger.RESOLUTION_NEAR: gettext_lazy("%(reference)s: resolution due soon (%(due)s)"),
    Trigger.RESOLUTION_BREACHED: gettext_lazy(
        "%(reference)s: resolution target missed (due %(due)s)"
    ),
    Trigger.PENDING: gettext_lazy("%(reference)s: pending since %(since)s"),
}
ESCALATED_TITLE = gettext_lazy("%(reference)s was escalated to your team (tier %(tier)s)")
ESCALATION_NOTE = gettext_lazy("Automatic escalation: %(reason)s.")
ESCALATION_REASONS: dict[str, Promise] = {
    Trigger.FIRST_RESPONSE_NEAR: gettext_lazy("the first response is due soon"),
    Trigger.FIRST_RESPONSE_BREACHED: gettext_lazy("the first response target was missed"),
    Trigger.RESOLUTION_NEAR: gettext_lazy("the resolution is due soon"),
    Trigger.RESOLUTION_BREACHED: gettext_lazy("the resolution target was missed"),
    Trigger.PENDING: gettext_lazy("the ticket has been pending too long"),
}


@dataclass
class SweepResult:
    tickets: int = 0
    breaches: int = 0
    alerts: int = 0
    escalations: int = 0
    failures: int = 0
    # The batch was full: more tickets may be due (run again, possibly on another worker).
    more: bool = False

    def add(self, other: SweepResult) -> None:
        for name in ("tickets", "breaches", "alerts", "escalations", "failures"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.more = other.more


@dataclass
class Writes:
    """Rows a sweep batch inserts at the end, a few statements instead of one per step."""

    # Plain {attname: value} rows (see rows.py): no model instance per row.
    events: list[rows.Row] = field(default_factory=list)
    ledger: list[rows.Row] = field(default_factory=list)
    audits: list[rows.Row] = field(default_factory=list)
    notifications: list[rows.Row] = field(default_factory=list)

    def flush(self, *, fast: bool = True) -> None:
        rows.insert(TicketEvent, self.events)
        rows.insert(SlaEvent, self.ledger)
        rows.insert(AuditEntry, self.audits)
        if fast:
            # Dedupe keys hold the ticket, its cycle and the step: under the row locks no
            # two sweeps make the same one (a clash fails the batch, and the one-by-one
            # retry skips the duplicate).
            rows.insert(Notification, self.notifications)
        else:
            notifications.save_all([Notification(**row) for row in self.notifications])
        self.events, self.ledger, self.audits, self.notifications = [], [], [], []


def _local(moment: datetime.datetime, zone: datetime.tzinfo | None = None) -> str:
    return moment.astimezone(zone or timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M")


def _notify(
    writes: Writes,
    recipients: Iterable[User],
    ticket: Ticket,
    key: str,
    title: Promise | str,
    params: dict[str, object],
    kind: str,
) -> list[str]:
    message = notifications.Message(
        kind=kind,
        title=title,
        params=params,
        ticket_id=ticket.pk,
        data={"reference": ticket.reference},
    )
    names = []
    seen: set[int] = set()
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        names.append(user.username)
        writes.notifications.append(
            notifications.build_row(user, message, dedupe_key=f"sla:{ticket.pk}:{key}")
        )
    return names


class Sweeper:
    def __init__(self, now: datetime.datetime, config: Configuration) -> None:
        self.now = now
        self.config = config
        # Who gets told, loaded once per sweep and only when needed.
        self.people = org.Directory()
        self.result = SweepResult()
        self.writes = Writes()
        self._system: User | None = None
        # Times in notifications read in the installation's zone (Asia/Jakarta).
        self.zone = timezone.get_current_timezone()

    @property
    def system(self) -> User:
        if self._system is None:
            self._system = system_user()
        return self._system

    def process(self, ticket: Ticket, done: set[str]) -> Ticket:
        """Every due step of one ticket; returns the ticket as it now is."""
        visible_change = False
        points = clock.points(ticket, self.config)
        for _pass in range(MAX_PASSES):
            due = [point for point in points if point.at <= self.now and point.key not in done]
            if not due:
                break
            escalated = False
            for point in due:
                if point.key in done:
                    continue
                done.add(point.key)
                if point.step is None:
                    event, ledger, audit = clock.breach_rows(ticket, point.target, now=self.now)
                    self.writes.events.append(event)
                    self.writes.ledger.append(ledger)
                    self.writes.audits.append(audit)
                    self.result.breaches += 1
                    visible_change = True
                elif point.step.action == Action.ESCALATE:
                    ticket = self._escalate(ticket, point)
                    escalated = True
                else:
                    self._alert(ticket, point)
            if not escalated:
                break
            # A tier move can change the status (a new ticket opens): look again.
            points = clock.points(ticket, self.config)
        ticket.sla_next_check_at = next((p.at for p in points if p.key not in done), None)
        if visible_change:
            ticket.version += 1
            ticket.updated_at = self.now
        return ticket

    def _ledger(self, ticket: Ticket, point: clock.Point, outcome: str) -> None:
        step = point.step
        self.writes.ledger.append(
            {
                "ticket_id": ticket.pk,
                "key": point.key,
                "trigger": point.trigger,
                "action": step.action if step else "",
                "step_id": step.id if step else None,
                "due_at": point.due_at,
                "done_at": self.now,
                "outcome": outcome[:200],
            }
        )

    def _alert(self, ticket: Ticket, point: clock.Point) -> None:
        step = point.step
        assert step is not None
        if step.action == Action.NOTIFY_ASSIGNEE:
            recipients = (
                [ticket.assignee]
                if ticket.assignee is not None and ticket.assignee.is_active
                else self.people.leaders(ticket.team_id)
            )
        elif step.action == Action.NOTIFY_LEADER:
            recipients = self.people.leaders(ticket.team_id)
        else:
            recipients = self.people.management()
        params: dict[str, object] = {
            "reference": ticket.reference,
            "due": _local(point.due_at, self.zone),
            "since": _local(ticket.pending_since, self.zone) if ticket.pending_since else "",
        }
        names = _notify(
            self.writes,
            recipients,
            ticket,
            point.key,
            ALERT_TITLES[point.trigger],
            params,
            kind=f"sla.{point.trigger}",
        )
        stamp = timezone.now()
        self.writes.events.append(
            {
                "ticket_id": ticket.pk,
                "kind": EventKind.SLA_ALERT,
                "author_id": None,
                "internal": True,
                "body": "",
                "channel": "",
                "forwarding_id": None,
                "data": {
                    "trigger": point.trigger,
                    "action": step.action,
                    "target": point.target,
                    "due_at": point.due_at.isoformat(),
                    "notified": names,
                },
                "created_at": stamp,
            }
        )
        self.writes.audits.append(
            {
                "at": stamp,
                "actor_id": None,
                "actor_label": "system",
                "action": "ticket.sla_alert",
                "object_type": "tickets.ticket",
                "object_id": str(ticket.pk),
                "object_repr": str(ticket)[:200],
                "changes": {
                    "sla_step": [None, f"{point.trigger}:{step.action}"],
                    "notified": [None, names],
                },
            }
        )
        self._ledger(ticket, point, "notified " + ", ".join(names))
        self.result.alerts += 1

    def _escalate(self, ticket: Ticket, point: clock.Point) -> Ticket:
        note = str(ESCALATION_NOTE) % {"reason": ESCALATION_REASONS[point.trigger]}
        try:
            # escalate() is atomic itself: a refused escalation (already at tier 3, say)
            # rolls back to its own savepoint and leaves this transaction usable.
            escalated = ticket_services.escalate(
                actor=self.system, reference=ticket.reference, note=note
            )
        except ApplicationError as exc:
            # Nowhere higher to go: management hears of it instead.
            names = _notify(
                self.writes,
                self.people.management(),
                ticket,
                point.key,
                ALERT_TITLES[point.trigger],
                {
                    "reference": ticket.reference,
                    "due": _local(point.due_at, self.zone),
                    "since": _local(ticket.pending_since, self.zone)
                    if ticket.pending_since
                    else "",
                },
                kind=f"sla.{point.trigger}",
            )
            self._ledger(
                ticket, point, f"not escalated ({exc.message}); notified " + ", ".join(names)
            )
            self.result.alerts += 1
            return ticket
        # The service loaded and saved its own copy of the row; carry over what this sweep
        # recorded but has not saved yet (the write-back at the end saves it).
        escalated.first_response_breached_at = ticket.first_response_breached_at
        escalated.resolution_breached_at = ticket.resolution_breached_at
        team = escalated.team
        self._ledger(
            ticket,
            point,
            f"escalated to tier {escalated.tier}" + (f" ({team.code})" if team else ""),
        )
        _notify(
            self.writes,
            self.people.leaders(escalated.team_id),
            escalated,
            point.key,
            ESCALATED_TITLE,
            {"reference": escalated.reference, "tier": escalated.tier},
            kind="sla.escalated",
        )
        self.result.escalations += 1
        return escalated


# What the sweep reads of a due ticket (and its assignee): converting the other columns of
# a thousand rows cost a tenth of the sweep.
SWEEP_FIELDS = (
    "reference",
    "subject",
    "status",
    "team_id",
    "sla_policy_id",
    "sla_cycle",
    "sla_paused_at",
    "sla_next_check_at",
    "first_response_at",
    "first_response_due_at",
    "first_response_warn_at",
    "first_response_breached_at",
    "due_at",
    "resolution_warn_at",
    "resolution_breached_at",
    "pending_since",
    "version",
    "updated_at",
    "assignee__username",
    "assignee__is_active",
    "assignee__language",
)


def _due_tickets(now: datetime.datetime, limit: int) -> list[Ticket]:
    return list(
        Ticket.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("assignee")
        .only(*SWEEP_FIELDS)
        .filter(sla_next_check_at__lte=now)
        .order_by("sla_next_check_at", "id")[:limit]
    )


def _done_keys(ticket_ids: list[int]) -> dict[int, set[str]]:
    done: dict[int, set[str]] = {ticket_id: set() for ticket_id in ticket_ids}
    for ticket_id, key in SlaEvent.objects.filter(ticket_id__in=ticket_ids).values_list(
        "ticket_id", "key"
    ):
        done[ticket_id].add(key)
    return done


def _sweep_batch(now: datetime.datetime, limit: int, *, one_by_one: bool) -> SweepResult:
    sweeper = Sweeper(now, rules.current())
    tickets = _due_tickets(now, limit)
    done = _done_keys([ticket.pk for ticket in tickets])
    finished: list[Ticket] = []
    for ticket in tickets:
        if not one_by_one:
            finished.append(sweeper.process(ticket, done[ticket.pk]))
            continue
        try:
            with transaction.atomic():
                ticket_done = set(
                    SlaEvent.objects.filter(ticket_id=ticket.pk).values_list("key", flat=True)
                )
                processed = sweeper.process(ticket, ticket_done)
                sweeper.writes.flush(fast=False)
                ticket_writes.save_timers(processed)
        except Exception:
            logger.exception("service-level sweep failed on ticket %s", ticket.pk)
            sweeper.writes = Writes()
            sweeper.result.failures += 1
            ticket_writes.postpone_check(ticket.pk, now + RETRY_AFTER)
    if not one_by_one:
        sweeper.writes.flush()
        ticket_writes.save_many_timers(finished)
    sweeper.result.tickets = len(tickets)
    sweeper.result.more = len(tickets) >= limit
    return sweeper.result


def sweep(*, now: datetime.datetime | None = None, limit: int = BATCH) -> SweepResult:
    """One batch of due tickets: at most ``limit``. ``more`` says whether to run again."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _sweep_batch(now, limit, one_by_one=False)
    except OperationalError:
        # The database is away: let the task queue retry the whole sweep later.
        raise
    except Exception:
        # One bad ticket must not stop the others: again, each in its own savepoint.
        logger.exception("service-level sweep batch failed; retrying ticket by ticket")
        with transaction.atomic():
            return _sweep_batch(now, limit, one_by_one=True)


def sweep_all(*, now: datetime.datetime | None = None, limit: int = BATCH) -> SweepResult:
    """Batches until no due ticket is left (the embedded mode and tests)."""
    total = SweepResult()
    while True:
        result = sweep(now=now, limit=limit)
        total.add(result)
        if not result.more or result.tickets == 0:
            return total


def describe(result: SweepResult) -> str:
    return _(
        "%(tickets)d tickets looked at: %(breaches)d targets missed, %(alerts)d alerts, "
        "%(escalations)d escalations, %(failures)d failures."
    ) % {
        "tickets": result.tickets,
        "breaches": result.breaches,
        "alerts": result.alerts,
        "escalations": result.escalations,
        "failures": result.failures,
    }
