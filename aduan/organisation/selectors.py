"""Reads of the organisation's configuration.

These tables are small and change rarely, but a ticket is created hundreds of times a
second: look-ups go through a short per-process cache, cleared on every save in this
process (signals) and at most ``_TTL_SECONDS`` stale in the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar, cast

from aduan.organisation.models import (
    KIND_OF_TIER,
    Category,
    Channel,
    Organisation,
    Priority,
    Team,
    TeamKind,
)

T = TypeVar("T")
_TTL_SECONDS = 30.0
_cache: dict[tuple[str, str], tuple[float, object]] = {}


def _cached(key: tuple[str, str], load: Callable[[], T]) -> T:
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < _TTL_SECONDS:
        return cast(T, hit[1])
    value = load()
    _cache[key] = (now, value)
    return value


def clear_cache() -> None:
    _cache.clear()


def channel_by_code(code: str) -> Channel | None:
    return _cached(("channel", code), lambda: Channel.objects.filter(code=code).first())


def category_by_code(code: str) -> Category | None:
    return _cached(
        ("category", code),
        lambda: Category.objects.select_related("default_team").filter(code=code).first(),
    )


def priority_by_code(code: str) -> Priority | None:
    return _cached(("priority", code), lambda: Priority.objects.filter(code=code).first())


def team_by_code(code: str) -> Team | None:
    return _cached(("team", code), lambda: Team.objects.filter(code=code).first())


def default_priority() -> Priority | None:
    return _cached(
        ("priority", "<default>"),
        lambda: (
            Priority.objects.filter(is_default=True).first()
            or Priority.objects.order_by("-rank").first()
        ),
    )


def team_for_tier(tier: int) -> Team | None:
    """The team that takes tickets escalated to ``tier`` (the first active one of its kind)."""
    kind = KIND_OF_TIER.get(tier)
    if kind is None:
        return None
    return _cached(
        ("tier", str(tier)),
        lambda: Team.objects.filter(kind=kind, is_active=True).order_by("id").first(),
    )


def default_intake_team() -> Team | None:
    return _cached(
        ("team", "<intake>"),
        lambda: Team.objects.filter(kind=TeamKind.HELPDESK, is_active=True).order_by("id").first(),
    )


def organisation() -> Organisation:
    org = Organisation.objects.order_by("id").first()
    if org is None:
        org = Organisation.objects.create(name="Aduan")
    return org


def reference_prefix() -> str:
    return _cached(("organisation", "prefix"), lambda: organisation().reference_prefix)
