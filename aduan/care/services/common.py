"""What the care services share: the settings and timeline writes (who may do what:
aduan.care.permissions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aduan.accounts.models import User
from aduan.audit.services import record
from aduan.care.models import CareSettings
from aduan.core.cache import TtlCache
from aduan.tickets import writes as ticket_writes
from aduan.tickets.models import Ticket, TicketEvent


@dataclass(frozen=True)
class Settings:
    repeat_threshold: int
    repeat_window_days: int
    promise_cap: int
    callback_super_emergency: bool
    callback_hard_complaint: bool
    callback_promise: bool
    callback_categories: frozenset[int]
    callback_priorities: frozenset[int]
    callback_max_attempts: int
    unsatisfied_at_most: int


_cache = TtlCache("care.settings")


def clear_cache() -> None:
    _cache.clear()


def settings_row() -> CareSettings:
    row, _created = CareSettings.objects.get_or_create(pk=1)
    return row


def care_settings() -> Settings:
    """The settings, cached per process (every ticket creation reads the repeat rule)."""
    return _cache.get("settings", _load_settings)


def _load_settings() -> Settings:
    stored = CareSettings.objects.filter(pk=1).first()
    row = stored or CareSettings()
    categories: frozenset[int] = frozenset()
    priorities: frozenset[int] = frozenset()
    if stored is not None:
        categories = frozenset(stored.callback_categories.values_list("id", flat=True))
        priorities = frozenset(stored.callback_priorities.values_list("id", flat=True))
    return Settings(
        repeat_threshold=row.repeat_threshold,
        repeat_window_days=row.repeat_window_days,
        promise_cap=row.promise_cap,
        callback_super_emergency=row.callback_super_emergency,
        callback_hard_complaint=row.callback_hard_complaint,
        callback_promise=row.callback_promise,
        callback_categories=categories,
        callback_priorities=priorities,
        callback_max_attempts=row.callback_max_attempts,
        unsatisfied_at_most=row.unsatisfied_at_most,
    )


# --- ticket writes --------------------------------------------------------------------------


def event(
    ticket: Ticket, kind: str, actor: User | None, *, body: str = "", **data: Any
) -> TicketEvent:
    """An internal timeline entry: care work is the organisation's, not the customer's."""
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, author=actor, body=body, internal=True, data=data
    )


def set_flags(ticket: Ticket, actor: User | None, action: str, **flags: bool) -> None:
    """Set ``is_hard_complaint`` / ``is_super_emergency`` on a locked ticket, bumping its
    version like every change, with an audit entry."""
    before = {name: getattr(ticket, name) for name in flags}
    if before == flags:
        return
    ticket_writes.set_care_flags(ticket, **flags)
    record(actor=actor, action=action, instance=ticket, before=before, after=flags)
