"""Administrators' changes to the service-level configuration: policies, escalation steps and
the calendar's closed days. One transaction each, with an audit entry.

A changed policy applies to tickets recorded (or reprioritised) from then on; tickets
already running keep the due times they were given, as a promise made is a promise kept.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.services import record, snapshot
from aduan.core.errors import Conflict, NotFound
from aduan.core.permissions import require
from aduan.core.validation import Errors
from aduan.organisation import selectors as org
from aduan.sla.models import (
    Action,
    BusinessCalendar,
    ClockKind,
    ClosedDay,
    EscalationStep,
    SlaPolicy,
    Trigger,
)
from aduan.sla.permissions import may_configure_service_levels

MAX_MINUTES = 525_600
POLICY_FIELDS = [
    "code",
    "name",
    "priority",
    "category",
    "channel",
    "first_response_minutes",
    "resolution_minutes",
    "clock",
    "calendar",
    "pause_when_pending",
    "warn_percent",
    "order",
    "is_active",
]
STEP_FIELDS = ["policy", "trigger", "offset_minutes", "action", "is_active"]
_UNSET: Any = object()


def require_admin(actor: User) -> None:
    require(may_configure_service_levels, actor)


@dataclass(frozen=True)
class PolicyChanges:
    """Fields to set; ``_UNSET`` leaves a field alone (PATCH), ``None`` clears a criterion."""

    code: str = _UNSET
    name: str = _UNSET
    priority: str | None = _UNSET
    category: str | None = _UNSET
    channel: str | None = _UNSET
    first_response_minutes: int = _UNSET
    resolution_minutes: int = _UNSET
    clock: str = _UNSET
    calendar: str | None = _UNSET
    pause_when_pending: bool = _UNSET
    warn_percent: int = _UNSET
    order: int = _UNSET
    is_active: bool = _UNSET


def _minutes(errors: Errors, field: str, value: int) -> None:
    if not 1 <= value <= MAX_MINUTES:
        errors.add(field, _("Between 1 and %(max)d minutes.") % {"max": MAX_MINUTES})


def _apply_policy(policy: SlaPolicy, changes: PolicyChanges) -> None:
    errors = Errors()
    given = {f.name: getattr(changes, f.name) for f in fields(changes)}
    given = {name: value for name, value in given.items() if value is not _UNSET}
    if "code" in given:
        code = given["code"]
        if SlaPolicy.objects.filter(code=code).exclude(pk=policy.pk).exists():
            errors.add("code", _("Another policy has the code '%(code)s'.") % {"code": code})
        policy.code = code
    if "name" in given:
        name = errors.text("name", given["name"], max_length=120, single_line=True)
        policy.name = name
    for field, lookup in (
        ("priority", org.priority_by_code),
        ("category", org.category_by_code),
        ("channel", org.channel_by_code),
    ):
        if field not in given:
            continue
        code = given[field]
        if code is None:
            setattr(policy, field, None)
            continue
        found = lookup(code)
        if found is None:
            errors.add(field, _("Unknown %(field)s '%(code)s'.") % {"field": field, "code": code})
        else:
            setattr(policy, field, found)
    for field in ("first_response_minutes", "resolution_minutes"):
        if field in given:
            _minutes(errors, field, given[field])
            setattr(policy, field, given[field])
    if "clock" in given:
        if given["clock"] not in ClockKind.values:
            errors.add(
                "clock", _("One of: %(choices)s.") % {"choices": ", ".join(ClockKind.values)}
            )
        policy.clock = given["clock"]
    if "calendar" in given:
        if given["calendar"] is None:
            policy.calendar = None
        else:
            calendar = BusinessCalendar.objects.filter(code=given["calendar"]).first()
            if calendar is None:
                errors.add(
                    "calendar", _("Unknown calendar '%(code)s'.") % {"code": given["calendar"]}
                )
            policy.calendar = calendar
    if "warn_percent" in given:
        if not 1 <= given["warn_percent"] <= 99:
            errors.add("warn_percent", _("Between 1 and 99."))
        policy.warn_percent = given["warn_percent"]
    if "order" in given:
        if not 0 <= given["order"] <= 1_000_000:
            errors.add("order", _("Between 0 and 1000000."))
        policy.order = given["order"]
    for field in ("pause_when_pending", "is_active"):
        if field in given:
            setattr(policy, field, bool(given[field]))
    errors.raise_if_any()


@transaction.atomic
def create_policy(*, actor: User, changes: PolicyChanges) -> SlaPolicy:
    require_admin(actor)
    errors = Errors()
    for field in ("code", "name", "first_response_minutes", "resolution_minutes"):
        if getattr(changes, field) is _UNSET:
            errors.add(field, _("This field is required."))
    errors.raise_if_any()
    policy = SlaPolicy()
    _apply_policy(policy, changes)
    policy.save()
    record(
        actor=actor,
        action="sla.policy_created",
        instance=policy,
        after=snapshot(policy, POLICY_FIELDS),
    )
    return policy


def _policy(code: str, *, for_update: bool = False) -> SlaPolicy:
    rows = SlaPolicy.objects.select_related("priority", "category", "channel", "calendar")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    policy = rows.filter(code=code).first()
    if policy is None:
        raise NotFound(_("No service-level policy '%(code)s'.") % {"code": code})
    return policy


@transaction.atomic
def update_policy(*, actor: User, code: str, changes: PolicyChanges) -> SlaPolicy:
    require_admin(actor)
    policy = _policy(code, for_update=True)
    before = snapshot(policy, POLICY_FIELDS)
    _apply_policy(policy, changes)
    policy.save()
    record(
        actor=actor,
        action="sla.policy_updated",
        instance=policy,
        before=before,
        after=snapshot(policy, POLICY_FIELDS),
    )
    return policy


@dataclass(frozen=True)
class StepInput:
    trigger: str
    action: str
    offset_minutes: int = 0
    policy: str | None = None
    is_active: bool = True


def _apply_step(step: EscalationStep, data: StepInput) -> None:
    errors = Errors()
    if data.trigger not in Trigger.values:
        errors.add("trigger", _("One of: %(choices)s.") % {"choices": ", ".join(Trigger.values)})
    if data.action not in Action.values:
        errors.add("action", _("One of: %(choices)s.") % {"choices": ", ".join(Action.values)})
    if not 0 <= data.offset_minutes <= MAX_MINUTES:
        errors.add("offset_minutes", _("Between 0 and %(max)d minutes.") % {"max": MAX_MINUTES})
    policy = None
    if data.policy is not None:
        policy = SlaPolicy.objects.filter(code=data.policy).first()
        if policy is None:
            errors.add("policy", _("No service-level policy '%(code)s'.") % {"code": data.policy})
    errors.raise_if_any()
    step.policy = policy
    step.trigger = data.trigger
    step.action = data.action
    step.offset_minutes = data.offset_minutes
    step.is_active = data.is_active


@transaction.atomic
def create_step(*, actor: User, data: StepInput) -> EscalationStep:
    require_admin(actor)
    step = EscalationStep()
    _apply_step(step, data)
    step.save()
    record(actor=actor, action="sla.step_created", instance=step, after=snapshot(step, STEP_FIELDS))
    return step


def _step(step_id: int) -> EscalationStep:
    step = EscalationStep.objects.select_for_update().filter(pk=step_id).first()
    if step is None:
        raise NotFound(_("No escalation step %(id)s.") % {"id": step_id})
    return step


@transaction.atomic
def update_step(*, actor: User, step_id: int, data: StepInput) -> EscalationStep:
    require_admin(actor)
    step = _step(step_id)
    before = snapshot(step, STEP_FIELDS)
    _apply_step(step, data)
    step.save()
    record(
        actor=actor,
        action="sla.step_updated",
        instance=step,
        before=before,
        after=snapshot(step, STEP_FIELDS),
    )
    return step


@transaction.atomic
def delete_step(*, actor: User, step_id: int) -> None:
    """Remove a step. Steps already taken stay in tickets' ledgers and timelines."""
    require_admin(actor)
    step = _step(step_id)
    record(
        actor=actor, action="sla.step_deleted", instance=step, before=snapshot(step, STEP_FIELDS)
    )
    step.delete()


def _calendar(code: str) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(code=code).first()
    if calendar is None:
        raise NotFound(_("No business calendar '%(code)s'.") % {"code": code})
    return calendar


@transaction.atomic
def add_closed_day(*, actor: User, calendar: str, date: datetime.date, name: str) -> ClosedDay:
    """A day the organisation is closed (its anniversary, a regional holiday)."""
    require_admin(actor)
    row = _calendar(calendar)
    errors = Errors()
    reason = errors.text("name", name, max_length=120, single_line=True)
    errors.raise_if_any()
    if ClosedDay.objects.filter(calendar=row, date=date).exists():
        raise Conflict(
            _("%(date)s is already a closed day.") % {"date": date.isoformat()}, field="date"
        )
    day = ClosedDay.objects.create(calendar=row, date=date, name=reason)
    record(
        actor=actor,
        action="sla.closed_day_added",
        instance=day,
        after={"calendar": row.code, "date": date.isoformat(), "name": reason},
    )
    return day


@transaction.atomic
def remove_closed_day(*, actor: User, calendar: str, date: datetime.date) -> None:
    require_admin(actor)
    row = _calendar(calendar)
    day = ClosedDay.objects.filter(calendar=row, date=date).first()
    if day is None:
        raise NotFound(_("%(date)s is not a closed day.") % {"date": date.isoformat()})
    record(
        actor=actor,
        action="sla.closed_day_removed",
        instance=day,
        before={"calendar": row.code, "date": date.isoformat(), "name": day.name},
    )
    day.delete()
