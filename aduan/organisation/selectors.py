"""Reads of the organisation's configuration.

These tables are small and change rarely, but a ticket is created hundreds of times a
second: look-ups go through a short per-process cache, cleared on every save in this
process (signals) and at most ``aduan.core.cache.TTL_SECONDS`` stale in the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.conf import settings
from django.db.models import ForeignKey, Model

from aduan.accounts.models import Role, User
from aduan.core.cache import TtlCache
from aduan.organisation.models import (
    KIND_OF_TIER,
    Category,
    Channel,
    Organisation,
    Priority,
    Team,
    TeamKind,
)

M = TypeVar("M", bound=Model)
# Keys are (kind, code), e.g. ("team", "helpdesk"); codes never contain '<', so
# ("team", "<active>") names a list.
_cache = TtlCache("organisation")


def clear_cache() -> None:
    _cache.clear()


def channel_by_code(code: str) -> Channel | None:
    return _cache.get(("channel", code), lambda: Channel.objects.filter(code=code).first())


def category_by_code(code: str) -> Category | None:
    return _cache.get(
        ("category", code),
        lambda: Category.objects.select_related("default_team").filter(code=code).first(),
    )


def priority_by_code(code: str) -> Priority | None:
    return _cache.get(("priority", code), lambda: Priority.objects.filter(code=code).first())


def team_by_code(code: str) -> Team | None:
    return _cache.get(("team", code), lambda: Team.objects.filter(code=code).first())


def default_priority() -> Priority | None:
    return _cache.get(
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
    return _cache.get(
        ("tier", str(tier)),
        lambda: Team.objects.filter(kind=kind, is_active=True).order_by("id").first(),
    )


def default_intake_team() -> Team | None:
    return _cache.get(
        ("team", "<intake>"),
        lambda: Team.objects.filter(kind=TeamKind.HELPDESK, is_active=True).order_by("id").first(),
    )


def organisation() -> Organisation:
    org = Organisation.objects.order_by("id").first()
    if org is None:
        org = Organisation.objects.create(name="Aduan")
    return org


def _by_id(kind: str, model: type[M], wanted: set[int]) -> dict[int, M]:
    """Every row of a configuration table by id, from the cache; reloaded when a wanted id
    is missing (a row created in another process since the cache was filled)."""
    key = (kind, "<by-id>")
    rows = _cache.get(key, lambda: {row.pk: row for row in model._default_manager.all()})
    if not wanted <= rows.keys():
        rows = {row.pk: row for row in model._default_manager.all()}
        _cache.put(key, rows)
    return rows


def by_id(model: type[M], wanted: set[int]) -> dict[int, M]:
    """Every row of a configuration table (``Channel``, ``Team``...) by id, from the cache;
    reloaded when one of the ``wanted`` ids is missing. Read them, never change them."""
    return _by_id(f"{model._meta.model_name}", model, wanted)


def attach_configuration(objects: Sequence[Model], **fields: type[Model]) -> None:
    """Set the foreign keys named in ``fields`` (e.g. ``channel=Channel``) on ``objects``
    from the cached configuration tables, instead of joining or querying them.

    The objects are shared between requests of a process: read them, never change them.
    """
    for name, model in fields.items():
        if not objects:
            return
        field = objects[0]._meta.get_field(name)
        assert isinstance(field, ForeignKey) and field.related_model is model
        ids = {getattr(obj, field.attname) for obj in objects} - {None}
        rows = _by_id(f"{model._meta.model_name}", model, ids)
        for obj in objects:
            value = getattr(obj, field.attname)
            if value is None:
                field.set_cached_value(obj, None)
            elif value in rows:
                field.set_cached_value(obj, rows[value])
            # else: deleted meanwhile; the descriptor loads it (or fails) as without the cache


def reference_prefix() -> str:
    return _cache.get(("organisation", "prefix"), lambda: organisation().reference_prefix)


def timezone_name() -> str:
    """The organisation's time zone, in which every date and time is shown (read only: the
    settings' ``TIME_ZONE`` until the organisation row exists)."""

    def load() -> str:
        name = Organisation.objects.order_by("id").values_list("timezone", flat=True).first()
        return name or settings.TIME_ZONE

    return _cache.get(("organisation", "timezone"), load)


def organisation_name() -> str:
    def load() -> str:
        name = Organisation.objects.order_by("id").values_list("name", flat=True).first()
        return name or "Aduan"

    return _cache.get(("organisation", "name"), load)


def active_channels() -> list[Channel]:
    return _cache.get(
        ("channel", "<active>"),
        lambda: list(Channel.objects.filter(is_active=True).order_by("name")),
    )


def active_categories() -> list[Category]:
    return _cache.get(
        ("category", "<active>"),
        lambda: list(Category.objects.filter(is_active=True).order_by("name")),
    )


def all_priorities() -> list[Priority]:
    return _cache.get(("priority", "<all>"), lambda: list(Priority.objects.order_by("rank", "id")))


def active_teams(*, divisions: bool | None = None) -> list[Team]:
    """Active teams by name; only divisions (``True``), only the others (``False``) or all."""
    teams: list[Team] = _cache.get(
        ("team", "<active>"), lambda: list(Team.objects.filter(is_active=True).order_by("name"))
    )
    if divisions is None:
        return teams
    return [team for team in teams if (team.kind == TeamKind.DIVISION) is divisions]


# --- who leads and who manages ---------------------------------------------------------------


class Directory:
    """Who leads each team and who manages the organisation: the people told when a ticket
    needs a leader's or management's attention. Active users only, by id; read once per use
    (one service call, one sweep) and kept for that use only.

    - ``leaders(team)``: the team's own team leaders; for a team without one (or no team),
      every team leader; with no team leader at all, the coordinators.
    - ``management()``: the directors; with none, the administrators.
    """

    def __init__(self) -> None:
        self._by_role: dict[str, list[User]] = {}
        self._leaders: dict[int, list[User]] | None = None

    def _role(self, role: str) -> list[User]:
        if role not in self._by_role:
            self._by_role[role] = list(
                User.objects.filter(role=role, is_active=True)
                .prefetch_related("teams")
                .order_by("id")
            )
        return self._by_role[role]

    def leaders(self, team_id: int | None) -> list[User]:
        if self._leaders is None:
            self._leaders = {}
            for user in self._role(Role.LEADER):
                for team in user.teams.all():
                    self._leaders.setdefault(team.pk, []).append(user)
        own = self._leaders.get(team_id) if team_id is not None else None
        return own or self._role(Role.LEADER) or self._role(Role.COORDINATOR)

    def management(self) -> list[User]:
        return self._role(Role.DIRECTOR) or self._role(Role.ADMIN)
