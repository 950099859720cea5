"""The service-level rules in force (policies, escalation ladders, business clocks) as
plain, immutable values, cached per process. Administrators change the stored configuration
through ``aduan.sla.configuration``; this module only reads it.

Every ticket creation picks a policy and computes due times, and every sweep walks the
escalation ladder of each due ticket; neither may cost a query per ticket. The tables are
small and change rarely, so they are read once into frozen values and kept in a short
per-process cache (``aduan.core.cache``; cleared at once in the process that saves a change,
like the organisation's).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from aduan.core.cache import TtlCache
from aduan.organisation.models import Organisation
from aduan.sla.calendar import BusinessClock, CalendarClock, Clock, Period
from aduan.sla.models import (
    BusinessCalendar,
    ClockKind,
    EscalationStep,
    SlaPolicy,
)

_CALENDAR_CLOCK = CalendarClock()


@dataclass(frozen=True)
class Step:
    id: int
    trigger: str
    offset_seconds: int
    action: str


@dataclass(frozen=True)
class Policy:
    id: int
    code: str
    name: str
    priority_id: int | None
    category_id: int | None
    channel_id: int | None
    first_response_seconds: int
    resolution_seconds: int
    clock_kind: str
    calendar_id: int | None
    pause_when_pending: bool
    warn_percent: int
    order: int

    def matches(self, priority_id: int | None, category_id: int | None, channel_id: int) -> int:
        """How many criteria match (higher is more specific), or -1 if one does not."""
        score = 0
        for wanted, value in (
            (self.priority_id, priority_id),
            (self.category_id, category_id),
            (self.channel_id, channel_id),
        ):
            if wanted is None:
                continue
            if wanted != value:
                return -1
            score += 1
        return score


@dataclass(frozen=True)
class Configuration:
    policies: tuple[Policy, ...]
    steps: dict[int | None, tuple[Step, ...]]  # policy id (None: the default ladder)
    clocks: dict[int, Clock]  # calendar id
    default_calendar_id: int | None

    def policy(self, policy_id: int | None) -> Policy | None:
        if policy_id is None:
            return None
        for policy in self.policies:
            if policy.id == policy_id:
                return policy
        return None

    def choose(
        self, priority_id: int | None, category_id: int | None, channel_id: int
    ) -> Policy | None:
        best: Policy | None = None
        best_score = -1
        for policy in self.policies:  # already in (order, id) order
            score = policy.matches(priority_id, category_id, channel_id)
            if score > best_score:
                best, best_score = policy, score
        return best

    def clock(self, policy: Policy | None) -> Clock:
        if policy is None or policy.clock_kind == ClockKind.CALENDAR:
            return _CALENDAR_CLOCK
        calendar_id = policy.calendar_id or self.default_calendar_id
        if calendar_id is None or calendar_id not in self.clocks:
            # No calendar configured at all: count calendar hours rather than fail.
            return _CALENDAR_CLOCK
        return self.clocks[calendar_id]

    def ladder(self, policy: Policy | None) -> tuple[Step, ...]:
        if policy is not None and policy.id in self.steps:
            return self.steps[policy.id]
        return self.steps.get(None, ())


_cache = TtlCache("sla.rules")


def clear_cache() -> None:
    _cache.clear()


def _zone(name: str, organisation_zone: str) -> ZoneInfo:
    for candidate in (name, organisation_zone, settings.TIME_ZONE, "Asia/Jakarta"):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def _load() -> Configuration:
    clocks: dict[int, Clock] = {}
    default_calendar_id = None
    organisation_zone = (
        Organisation.objects.order_by("id").values_list("timezone", flat=True).first() or ""
    )
    for calendar in BusinessCalendar.objects.prefetch_related("periods", "closed_days"):
        periods: list[list[Period]] = [[] for _ in range(7)]
        for period in calendar.periods.all():
            periods[period.weekday].append((period.start, period.end))
        clocks[calendar.pk] = BusinessClock(
            tz=_zone(calendar.timezone, organisation_zone),
            periods=tuple(tuple(sorted(day)) for day in periods),
            closed_days=frozenset(day.date for day in calendar.closed_days.all()),
            national_holidays=calendar.national_holidays,
            collective_leave=calendar.collective_leave,
        )
        if calendar.is_default:
            default_calendar_id = calendar.pk
    if default_calendar_id is None and clocks:
        default_calendar_id = min(clocks)
    policies = tuple(
        Policy(
            id=p.pk,
            code=p.code,
            name=p.name,
            priority_id=p.priority_id,
            category_id=p.category_id,
            channel_id=p.channel_id,
            first_response_seconds=p.first_response_minutes * 60,
            resolution_seconds=p.resolution_minutes * 60,
            clock_kind=p.clock,
            calendar_id=p.calendar_id,
            pause_when_pending=p.pause_when_pending,
            warn_percent=p.warn_percent,
            order=p.order,
        )
        for p in SlaPolicy.objects.filter(is_active=True).order_by("order", "id")
    )
    steps: dict[int | None, list[Step]] = {}
    for step in EscalationStep.objects.filter(is_active=True).order_by(
        "trigger", "offset_minutes", "id"
    ):
        steps.setdefault(step.policy_id, []).append(
            Step(
                id=step.pk,
                trigger=step.trigger,
                offset_seconds=step.offset_minutes * 60,
                action=step.action,
            )
        )
    return Configuration(
        policies=policies,
        steps={key: tuple(value) for key, value in steps.items()},
        clocks=clocks,
        default_calendar_id=default_calendar_id,
    )


def current() -> Configuration:
    return _cache.get("configuration", _load)
