"""Service-level configuration for tests."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aduan.sla import rules
from aduan.sla.models import BusinessCalendar, EscalationStep, SlaPolicy

WIB = ZoneInfo("Asia/Jakarta")


def at(day: str, time: str = "08:00") -> datetime.datetime:
    """A moment in Jakarta time, e.g. ``at("2026-03-03", "09:30")``."""
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=WIB)


def office() -> BusinessCalendar:
    """The default calendar the migration creates: Monday-Friday 08:00-16:00."""
    return BusinessCalendar.objects.get(is_default=True)


def make_policy(code: str = "standard", **fields: Any) -> SlaPolicy:
    values: dict[str, Any] = {
        "name": code.title(),
        "first_response_minutes": 60,
        "resolution_minutes": 8 * 60,
        "clock": "business",
        "pause_when_pending": True,
    }
    values.update(fields)
    policy = SlaPolicy.objects.create(code=code, **values)
    rules.clear_cache()
    return policy


def ladder(*steps: tuple[str, int, str], policy: SlaPolicy | None = None) -> list[EscalationStep]:
    """Replace the ladder (the default one unless ``policy``) with ``steps``:
    (trigger, minutes after, action)."""
    EscalationStep.objects.filter(policy=policy).delete()
    made = [
        EscalationStep.objects.create(
            policy=policy, trigger=trigger, offset_minutes=minutes, action=action
        )
        for trigger, minutes, action in steps
    ]
    rules.clear_cache()
    return made
