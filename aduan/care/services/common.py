"""What the care services share: the settings, who may do what, and timeline writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.utils import timezone

from aduan.accounts.models import Role, User
from aduan.accounts.roles import ALL_TICKET_READERS
from aduan.audit.services import record
from aduan.care.models import CareSettings
from aduan.core.cache import TtlCache
from aduan.organisation.models import TeamKind
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


# --- who may do what ------------------------------------------------------------------------


def in_support_team(user: User) -> bool:
    return user.teams.filter(kind=TeamKind.SUPPORT, is_active=True).exists()


def is_support_desk(user: User) -> bool:
    """Seed 004's "Support HC": the support team's agents and leaders, coordinators and
    administrators."""
    if not user.is_active:
        return False
    if user.role in (Role.ADMIN, Role.COORDINATOR):
        return True
    return user.role in (Role.AGENT, Role.LEADER) and in_support_team(user)


def may_call_back(user: User) -> bool:
    """Seed 004 5.2.8 and 5.3.9: tier-2 outbound agents (the support team) or a team
    leader call the customer back."""
    if not user.is_active:
        return False
    if user.role in (Role.ADMIN, Role.LEADER):
        return True
    return user.role == Role.AGENT and in_support_team(user)


def may_see_hard_complaints(user: User) -> bool:
    """Who sees the hard-complaint queue: those who may read every ticket. Division staff
    see only what was forwarded to them, so not this list of other customers' tickets."""
    return user.role in ALL_TICKET_READERS


def may_see_callbacks(user: User) -> bool:
    """Who sees the callback list: those who call back, and the support desk."""
    return may_call_back(user) or is_support_desk(user)


def support_desk() -> list[User]:
    """Everyone to tell when something lands on the support desk."""
    return list(
        User.objects.filter(
            is_active=True,
            role__in=(Role.AGENT, Role.LEADER),
            teams__kind=TeamKind.SUPPORT,
            teams__is_active=True,
        )
        .distinct()
        .order_by("id")
    ) or list(User.objects.filter(is_active=True, role=Role.COORDINATOR).order_by("id"))


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
    Ticket.objects.filter(pk=ticket.pk).update(
        **flags, version=F("version") + 1, updated_at=timezone.now()
    )
    for name, value in flags.items():
        setattr(ticket, name, value)
    ticket.version += 1
    record(actor=actor, action=action, instance=ticket, before=before, after=flags)
