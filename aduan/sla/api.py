"""REST API for service levels: the configuration (read by staff, changed by
administrators), a ticket's clock and ledger, the report against the targets, and a sweep
on demand."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aduan.accounts.models import User
from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Code, Id, Reference
from aduan.core.errors import ValidationFailed
from aduan.core.permissions import require
from aduan.sla import clock, configuration, selectors, services
from aduan.sla.models import BusinessCalendar, EscalationStep, SlaEvent, SlaPolicy
from aduan.sla.permissions import may_read_service_levels
from aduan.tickets.models import Ticket
from aduan.tickets.permissions import get_visible_ticket

router = Router(tags=["service levels"])
Minutes = Annotated[int, Field(ge=1, le=configuration.MAX_MINUTES)]
TriggerName = Literal[
    "first_response_near",
    "first_response_breached",
    "resolution_near",
    "resolution_breached",
    "pending",
]
ActionName = Literal["notify_assignee", "notify_leader", "notify_management", "escalate"]
ClockName = Literal["business", "calendar"]


def _staff(user: User) -> None:
    require(may_read_service_levels, user)


class PolicyOut(Schema):
    code: str
    name: str
    priority: str | None
    category: str | None
    channel: str | None
    first_response_minutes: int
    resolution_minutes: int
    clock: str
    calendar: str | None
    pause_when_pending: bool
    warn_percent: int
    order: int
    is_active: bool

    @staticmethod
    def resolve_priority(obj: SlaPolicy) -> str | None:
        return obj.priority.code if obj.priority else None

    @staticmethod
    def resolve_category(obj: SlaPolicy) -> str | None:
        return obj.category.code if obj.category else None

    @staticmethod
    def resolve_channel(obj: SlaPolicy) -> str | None:
        return obj.channel.code if obj.channel else None

    @staticmethod
    def resolve_calendar(obj: SlaPolicy) -> str | None:
        return obj.calendar.code if obj.calendar else None


class PolicyIn(Schema):
    code: Code
    name: str = Field(min_length=1, max_length=120)
    priority: Code | None = Field(None, description="Empty: any priority.")
    category: Code | None = Field(None, description="Empty: any category.")
    channel: Code | None = Field(None, description="Empty: any channel.")
    first_response_minutes: Minutes
    resolution_minutes: Minutes
    clock: ClockName = "business"
    calendar: Code | None = Field(None, description="Empty: the default calendar.")
    pause_when_pending: bool = True
    warn_percent: int = Field(75, ge=1, le=99)
    order: int = Field(100, ge=0, le=1_000_000)
    is_active: bool = True


class PolicyPatch(Schema):
    code: Code | None = None
    name: str | None = Field(None, min_length=1, max_length=120)
    priority: Code | None = None
    category: Code | None = None
    channel: Code | None = None
    first_response_minutes: Minutes | None = None
    resolution_minutes: Minutes | None = None
    clock: ClockName | None = None
    calendar: Code | None = None
    pause_when_pending: bool | None = None
    warn_percent: int | None = Field(None, ge=1, le=99)
    order: int | None = Field(None, ge=0, le=1_000_000)
    is_active: bool | None = None


# Fields that may be cleared with null; for the others null means "leave alone".
_NULLABLE = {"priority", "category", "channel", "calendar"}


class StepOut(Schema):
    id: int
    policy: str | None
    trigger: str
    offset_minutes: int
    action: str
    is_active: bool

    @staticmethod
    def resolve_policy(obj: EscalationStep) -> str | None:
        return obj.policy.code if obj.policy else None


class StepIn(Schema):
    policy: Code | None = Field(None, description="Empty: the default ladder.")
    trigger: TriggerName
    offset_minutes: int = Field(0, ge=0, le=configuration.MAX_MINUTES)
    action: ActionName
    is_active: bool = True


class PeriodOut(Schema):
    weekday: int
    start: datetime.time
    end: datetime.time


class ClosedDayOut(Schema):
    date: datetime.date
    name: str


class CalendarOut(Schema):
    code: str
    name: str
    timezone: str
    national_holidays: bool
    collective_leave: bool
    is_default: bool
    periods: list[PeriodOut]
    closed_days: list[ClosedDayOut]

    @staticmethod
    def resolve_periods(obj: BusinessCalendar) -> list[Any]:
        return list(obj.periods.all())

    @staticmethod
    def resolve_closed_days(obj: BusinessCalendar) -> list[Any]:
        return list(obj.closed_days.all())


class ClosedDayIn(Schema):
    date: datetime.date
    name: str = Field(min_length=1, max_length=120)


class LedgerOut(Schema):
    key: str
    trigger: str
    action: str
    due_at: datetime.datetime
    done_at: datetime.datetime
    outcome: str


class TicketSlaOut(Schema):
    reference: str
    state: str
    policy: str | None
    cycle: int
    first_response_due_at: datetime.datetime | None
    first_response_warn_at: datetime.datetime | None
    first_response_at: datetime.datetime | None
    first_response_breached_at: datetime.datetime | None
    due_at: datetime.datetime
    resolution_warn_at: datetime.datetime | None
    resolution_breached_at: datetime.datetime | None
    pending_since: datetime.datetime | None
    paused_since: datetime.datetime | None
    paused_seconds: int
    next_check_at: datetime.datetime | None
    ledger: list[LedgerOut]


class SweepOut(Schema):
    tickets: int
    breaches: int
    alerts: int
    escalations: int
    failures: int
    more: bool


class ReportQuery(Schema):
    since: datetime.datetime | None = Field(None, description="Default: 30 days ago.")
    until: datetime.datetime | None = Field(None, description="Default: now.")


class ReportRow(Schema):
    priority: str
    received: int
    answered: int
    first_response_met: int
    first_response_missed: int
    resolved: int
    resolution_met: int
    resolution_missed: int
    open: int
    open_overdue: int


class ReportTotals(Schema):
    received: int = 0
    answered: int = 0
    first_response_met: int = 0
    first_response_missed: int = 0
    resolved: int = 0
    resolution_met: int = 0
    resolution_missed: int = 0
    open: int = 0
    open_overdue: int = 0


class ReportOut(Schema):
    since: datetime.datetime
    until: datetime.datetime
    totals: ReportTotals
    by_priority: list[ReportRow]


# --- configuration ------------------------------------------------------------------------


@router.get("/sla/policies", response={200: list[PolicyOut], **ERRORS})
def list_policies(request: HttpRequest) -> list[SlaPolicy]:
    """Service-level policies, in the order they are tried (most specific match wins)."""
    _staff(actor(request))
    return list(selectors.policies())


@router.post("/sla/policies", response={201: PolicyOut, **ERRORS})
def create_policy(request: HttpRequest, payload: PolicyIn) -> Status[SlaPolicy]:
    """A new policy (administrators). It applies to tickets recorded from now on."""
    policy = configuration.create_policy(
        actor=actor(request), changes=configuration.PolicyChanges(**payload.dict())
    )
    return Status(201, policy)


@router.patch("/sla/policies/{code}", response={200: PolicyOut, **ERRORS})
def update_policy(request: HttpRequest, code: Code, payload: PolicyPatch) -> SlaPolicy:
    """Change a policy (administrators); ``null`` clears a criterion or the calendar."""
    given = payload.dict(exclude_unset=True)
    given = {k: v for k, v in given.items() if v is not None or k in _NULLABLE}
    return configuration.update_policy(
        actor=actor(request), code=code, changes=configuration.PolicyChanges(**given)
    )


@router.get("/sla/escalation-steps", response={200: list[StepOut], **ERRORS})
def list_steps(request: HttpRequest) -> list[EscalationStep]:
    """The escalation ladders: the default one (policy null) and the policies' own."""
    _staff(actor(request))
    return list(selectors.steps())


@router.post("/sla/escalation-steps", response={201: StepOut, **ERRORS})
def create_step(request: HttpRequest, payload: StepIn) -> Status[EscalationStep]:
    step = configuration.create_step(
        actor=actor(request), data=configuration.StepInput(**payload.dict())
    )
    return Status(201, step)


@router.put("/sla/escalation-steps/{step_id}", response={200: StepOut, **ERRORS})
def update_step(request: HttpRequest, step_id: Id, payload: StepIn) -> EscalationStep:
    return configuration.update_step(
        actor=actor(request), step_id=step_id, data=configuration.StepInput(**payload.dict())
    )


@router.delete("/sla/escalation-steps/{step_id}", response={204: None, **ERRORS})
def delete_step(request: HttpRequest, step_id: Id) -> Status[None]:
    configuration.delete_step(actor=actor(request), step_id=step_id)
    return Status(204, None)


@router.get("/sla/calendars", response={200: list[CalendarOut], **ERRORS})
def list_calendars(request: HttpRequest) -> list[BusinessCalendar]:
    """Business calendars: working periods per weekday (0 is Monday) and closed days.
    Indonesian public holidays come from the holidays package and are not listed."""
    _staff(actor(request))
    return list(selectors.calendars())


@router.post("/sla/calendars/{code}/closed-days", response={201: ClosedDayOut, **ERRORS})
def add_closed_day(request: HttpRequest, code: Code, payload: ClosedDayIn) -> Status[Any]:
    """A day the organisation is closed (administrators)."""
    day = configuration.add_closed_day(
        actor=actor(request), calendar=code, date=payload.date, name=payload.name
    )
    return Status(201, day)


@router.delete("/sla/calendars/{code}/closed-days/{date}", response={204: None, **ERRORS})
def remove_closed_day(request: HttpRequest, code: Code, date: datetime.date) -> Status[None]:
    configuration.remove_closed_day(actor=actor(request), calendar=code, date=date)
    return Status(204, None)


# --- tickets, report, sweep -----------------------------------------------------------------


@router.get("/tickets/{reference}/sla", response={200: TicketSlaOut, **ERRORS})
def ticket_sla(request: HttpRequest, reference: Reference) -> dict[str, Any]:
    """A ticket's clock: its policy, due and near times, breaches, pause, and every timer
    step taken (the ledger). Staff only."""
    user = actor(request)
    # Someone who may not see the ticket learns nothing, not even that it exists.
    ticket: Ticket = get_visible_ticket(user, reference)
    _staff(user)
    policy = ticket.sla_policy
    events: list[SlaEvent] = selectors.ledger(ticket)
    return {
        "reference": ticket.reference,
        "state": clock.state(ticket),
        "policy": policy.code if policy else None,
        "cycle": ticket.sla_cycle,
        "first_response_due_at": ticket.first_response_due_at,
        "first_response_warn_at": ticket.first_response_warn_at,
        "first_response_at": ticket.first_response_at,
        "first_response_breached_at": ticket.first_response_breached_at,
        "due_at": ticket.due_at,
        "resolution_warn_at": ticket.resolution_warn_at,
        "resolution_breached_at": ticket.resolution_breached_at,
        "pending_since": ticket.pending_since,
        "paused_since": ticket.sla_paused_at,
        "paused_seconds": ticket.sla_paused_seconds,
        "next_check_at": ticket.sla_next_check_at,
        "ledger": events,
    }


@router.get("/sla/report", response={200: ReportOut, **ERRORS})
def report(request: HttpRequest, filters: Query[ReportQuery]) -> dict[str, Any]:
    """First response and resolution against the targets, per priority, for tickets received
    in the period (at most 92 days). Staff only."""
    _staff(actor(request))
    now = timezone.now()
    for field, given in (("since", filters.since), ("until", filters.until)):
        if given is not None and not 2000 <= given.year <= 2100:
            raise ValidationFailed([(field, _("Between the years 2000 and 2100."))])
    until = filters.until or now
    since = filters.since or until - datetime.timedelta(days=30)
    errors = []
    for field, value in (("since", since), ("until", until)):
        if timezone.is_naive(value):
            errors.append((field, _("Give a time zone, e.g. 2026-05-01T09:00:00+07:00.")))
    if not errors and since >= until:
        errors.append(("since", _("Must be before 'until'.")))
    elif not errors and until - since > datetime.timedelta(days=selectors.MAX_REPORT_DAYS):
        errors.append(("since", _("At most %(days)d days.") % {"days": selectors.MAX_REPORT_DAYS}))
    if errors:
        raise ValidationFailed(errors)
    return selectors.report(since, until, now)


@router.post("/sla/sweep", response={200: SweepOut, **ERRORS})
def sweep(request: HttpRequest) -> services.SweepResult:
    """Run one sweep batch now (administrators), as the periodic job does."""
    configuration.require_admin(actor(request))
    return services.sweep()
