"""Ticket rows for ``aduan seed`` (see ``aduan.demo.bulk``), with their ``created`` and
``status_change`` timeline entries and the forwarding forms of forwarded tickets: arrivals
planned over two years, mostly in office hours, in a realistic mix of statuses, priorities,
channels and teams, and times that follow each other as the services would write them."""

from __future__ import annotations

import bisect
import datetime
import itertools
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from aduan.accounts.models import User
from aduan.demo import data
from aduan.organisation import selectors as org
from aduan.organisation.models import Category, Channel, Priority, Team
from aduan.tickets.models import EventKind, ForwardingStatus, Status

DAY = 86400.0
HOUR = 3600.0

# Final status -> share of tickets, and how far back (days) tickets in it were received.
# About 10% are still being worked on, and those are recent; closed ones span two years.
STATUS_MIX: list[tuple[str, float, float]] = [
    (Status.NEW, 0.015, 3),
    (Status.OPEN, 0.030, 21),
    (Status.IN_PROGRESS, 0.020, 45),
    (Status.FORWARDED, 0.020, 45),
    (Status.PENDING, 0.015, 120),
    (Status.RESOLVED, 0.040, 21),
    (Status.CLOSED, 0.790, 730),
    (Status.CANCELLED, 0.070, 730),
]
PRIORITY_MIX = [("critical", 0.05), ("high", 0.15), ("normal", 0.60), ("low", 0.20)]
CHANNEL_MIX = [
    ("phone", 0.35),
    ("walk-in", 0.10),
    ("email", 0.20),
    ("web", 0.15),
    ("chat", 0.07),
    ("letter", 0.03),
    ("fax", 0.01),
    ("sms", 0.03),
    ("twitter", 0.02),
    ("facebook", 0.02),
    ("survey", 0.02),
]
# Owning team (and so tier) of tickets past intake.
TEAM_MIX = [("helpdesk", 0.80), ("support", 0.15), ("management", 0.05)]
# Possible owners per team, with None for "not assigned yet".
OWNERS: dict[str, list[tuple[str | None, float]]] = {
    "helpdesk": [("agent", 0.50), ("leader", 0.15), ("coordinator", 0.10), (None, 0.25)],
    "support": [("support", 0.80), (None, 0.20)],
    "management": [("director", 0.90), (None, 0.10)],
}
INTAKE_STAFF = ["agent", "leader", "coordinator"]
# Versions: one per change the services would have made on the way to the status.
VERSION: dict[str, int] = {
    Status.NEW: 1,
    Status.OPEN: 1,
    Status.IN_PROGRESS: 2,
    Status.FORWARDED: 2,
    Status.PENDING: 2,
    Status.RESOLVED: 3,
    Status.CLOSED: 4,
    Status.CANCELLED: 2,
}
BUSINESS_HOURS_SHARE = 0.75
LOCAL_OFFSET = 7 * HOUR  # Asia/Jakarta, only used to put most arrivals in office hours

TICKET_COLUMNS = [
    "id",
    "reference",
    "channel_id",
    "category_id",
    "is_technical",
    "priority_id",
    "subject",
    "description",
    "customer_id",
    "team_id",
    "assignee_id",
    "tier",
    "status",
    "received_at",
    "first_response_due_at",
    "due_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "reopen_count",
    "created_by_id",
    "created_at",
    "updated_at",
    "version",
]
EVENT_COLUMNS = [
    "id",
    "ticket_id",
    "kind",
    "author_id",
    "internal",
    "body",
    "channel",
    "forwarding_id",
    "data",
    "created_at",
]
FORWARDING_COLUMNS = [
    "id",
    "ticket_id",
    "team_id",
    "instructions",
    "status",
    "created_by_id",
    "created_at",
    "findings",
    "solution",
    "user_steps",
]


@dataclass
class Catalog:
    """Ids of the organisation's configuration and people, by code."""

    teams: dict[str, int]
    team_tier: dict[str, int]
    categories: dict[str, tuple[int, bool, str]]  # code -> id, technical, division code
    priorities: dict[str, tuple[int, int, int]]  # code -> id, response h, resolution h
    channels: dict[str, int]
    users: dict[str, int]
    prefix: str

    @classmethod
    def load(cls) -> Catalog:
        teams = {t.code: t for t in Team.objects.all()}
        division_of = {code: division for code, _n, _t, _tech, division in data.CATEGORIES}
        return cls(
            teams={code: t.pk for code, t in teams.items()},
            team_tier={code: t.tier or 1 for code, t in teams.items()},
            categories={
                c.code: (c.pk, c.is_technical, division_of.get(c.code, "div-service"))
                for c in Category.objects.filter(code__in=division_of)
            },
            priorities={
                p.code: (p.pk, p.response_hours, p.resolution_hours) for p in Priority.objects.all()
            },
            channels={c.code: c.pk for c in Channel.objects.all()},
            users=dict(User.objects.values_list("username", "id")),
            prefix=org.reference_prefix(),
        )


class Weighted:
    """Fast repeated draws from a fixed weighted list (one random() and a bisect)."""

    def __init__(self, items: Sequence[tuple[Any, float]]) -> None:
        self.values = [value for value, _ in items]
        self.cumulative = list(itertools.accumulate(weight for _, weight in items))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def plan_arrivals(rng: random.Random, count: int, now_ts: float) -> list[tuple[float, int]]:
    """(received time, status index) for every ticket, oldest first."""
    statuses = Weighted([(i, share) for i, (_s, share, _w) in enumerate(STATUS_MIX)])
    windows = [window * DAY for _s, _share, window in STATUS_MIX]
    plan = []
    for _ in range(count):
        status = statuses.draw(rng)
        received = now_ts - rng.uniform(60.0, windows[status])
        if rng.random() < BUSINESS_HOURS_SHARE:
            # Move it to office hours (08-16 local time) of the same day.
            local = received + LOCAL_OFFSET
            day_start = local - local % DAY
            received = day_start + rng.uniform(8 * HOUR, 16 * HOUR) - LOCAL_OFFSET
            if received > now_ts - 60.0:
                received -= DAY
        plan.append((received, status))
    plan.sort()
    return plan


_JSON: dict[tuple[str, ...], str] = {}


def _json(*pairs: str) -> str:
    """A small JSON object of string pairs, serialised once."""
    text = _JSON.get(pairs)
    if text is None:
        text = json.dumps(dict(zip(pairs[::2], pairs[1::2], strict=True)))
        _JSON[pairs] = text
    return text


class TicketGenerator:
    """Turns the arrival plan into ticket, event and forwarding rows."""

    def __init__(
        self,
        rng: random.Random,
        catalog: Catalog,
        customer_ids: list[int],
        now: datetime.datetime,
        first_ids: tuple[int, int, int],
        next_numbers: Callable[[int], int],
    ) -> None:
        self.rng = rng
        self.catalog = catalog
        self.customer_ids = customer_ids
        self.now = now
        self.now_ts = now.timestamp()
        self.ticket_id, self.event_id, self.forwarding_id = first_ids
        self.next_numbers = next_numbers
        self.numbers: dict[int, int] = {}
        self.priority = Weighted(PRIORITY_MIX)
        self.channel = Weighted([(c, w) for c, w in CHANNEL_MIX if c in catalog.channels])
        self.team = Weighted([(t, w) for t, w in TEAM_MIX if t in catalog.teams])
        self.owner = {team: Weighted(choices) for team, choices in OWNERS.items()}
        self.complaints = [
            (code, subject, description)
            for code, texts in data.COMPLAINTS.items()
            if code in catalog.categories
            for subject, description in texts
        ]
        self.tz = datetime.UTC
        self._year_cache: dict[int, int] = {}
        self.local_tz = timezone.get_current_timezone()

    def _dt(self, ts: float) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(ts, self.tz)

    def _year(self, ts: float) -> int:
        # The reference's year is the local year of arrival, as the services count it. Every
        # time zone's offset is a multiple of 15 minutes, so a quarter hour has one year.
        slot = int(ts // 900)
        year = self._year_cache.get(slot)
        if year is None:
            year = timezone.localtime(self._dt(slot * 900.0), self.local_tz).year
            self._year_cache[slot] = year
        return year

    def _reference(self, received: float) -> str:
        year = self._year(received)
        number = self.numbers.get(year)
        number = self.next_numbers(year) if number is None else number + 1
        self.numbers[year] = number
        return f"{self.catalog.prefix}-{year}-{number:06d}"

    def rows(
        self, plan: Sequence[tuple[float, int]]
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Rows for one slice of the plan: tickets, timeline entries, forwarding forms."""
        rng = self.rng
        cat = self.catalog
        users = cat.users
        now_ts = self.now_ts
        dt = self._dt
        tickets: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        forwardings: list[tuple[Any, ...]] = []
        for received, status_index in plan:
            status = STATUS_MIX[status_index][0]
            category, subject, description = rng.choice(self.complaints)
            category_id, technical, division = cat.categories[category]
            priority_id, response_h, resolution_h = cat.priorities[self.priority.draw(rng)]
            channel = self.channel.draw(rng)
            if status == Status.NEW:
                team, assignee = "helpdesk", None
            else:
                team = self.team.draw(rng)
                assignee = self.owner[team].draw(rng) if team in self.owner else None
            creator = None if channel in ("web", "email") else rng.choice(INTAKE_STAFF)
            creator_id = users.get(creator) if creator else None
            assignee_id = users.get(assignee) if assignee else None
            actor_id = assignee_id or creator_id or users.get("agent")

            def until_now(start: float, at: float) -> float:
                # A time drawn past "now" falls somewhere between ``start`` and now instead.
                return at if at <= now_ts else start + rng.random() * (now_ts - start)

            created = until_now(received, received + rng.uniform(5.0, 900.0))
            first_response = resolved = closed = None
            reopen = 0
            if status != Status.NEW:
                first_response = until_now(
                    created, created + rng.uniform(60.0, response_h * HOUR * 1.5)
                )
            if status in (Status.RESOLVED, Status.CLOSED):
                assert first_response is not None
                took = rng.uniform(0.05, 1.4) * resolution_h * HOUR
                resolved = until_now(first_response, max(received + took, first_response))
                if status == Status.CLOSED:
                    closed = until_now(resolved, resolved + rng.uniform(HOUR, 7 * DAY))
                    if rng.random() < 0.03:
                        reopen = 1
            elif status == Status.CANCELLED:
                closed = until_now(created, created + rng.uniform(600.0, 3 * DAY))
                if first_response is not None and first_response > closed:
                    first_response = closed
            updated = max(t for t in (created, first_response, resolved, closed) if t is not None)

            ticket_id = self.ticket_id
            self.ticket_id += 1
            initial = Status.NEW if status == Status.NEW else Status.OPEN
            tickets.append(
                (
                    ticket_id,
                    self._reference(received),
                    cat.channels[channel],
                    category_id,
                    technical,
                    priority_id,
                    subject,
                    description,
                    rng.choice(self.customer_ids),
                    cat.teams.get(team),
                    assignee_id,
                    cat.team_tier.get(team, 1),
                    status,
                    dt(received),
                    dt(received + response_h * HOUR),
                    dt(received + resolution_h * HOUR),
                    dt(first_response) if first_response is not None else None,
                    dt(resolved) if resolved is not None else None,
                    dt(closed) if closed is not None else None,
                    reopen,
                    creator_id,
                    dt(created),
                    dt(updated),
                    VERSION[status] + 2 * reopen,
                )
            )
            events.append(
                (
                    self.event_id,
                    ticket_id,
                    EventKind.CREATED,
                    creator_id,
                    False,
                    "",
                    channel,
                    None,
                    _json("status", initial),
                    dt(created),
                )
            )
            self.event_id += 1
            if status in (Status.NEW, Status.OPEN):
                continue
            forwarding_id = None
            if status == Status.FORWARDED:
                forwarding_id = self.forwarding_id
                self.forwarding_id += 1
                instructions = "Mohon diperiksa dan diberikan solusinya."
                assert first_response is not None
                forwardings.append(
                    (
                        forwarding_id,
                        ticket_id,
                        cat.teams[division],
                        instructions,
                        ForwardingStatus.SENT,
                        actor_id,
                        dt(first_response),
                        "",
                        "",
                        "",
                    )
                )
                events.append(
                    (
                        self.event_id,
                        ticket_id,
                        EventKind.FORWARDED,
                        actor_id,
                        True,
                        instructions,
                        "",
                        forwarding_id,
                        _json("team", division),
                        dt(first_response),
                    )
                )
                self.event_id += 1
            if status == Status.CLOSED:
                source, at, note = Status.RESOLVED, closed, ""
            elif status == Status.RESOLVED:
                source, at, note = Status.OPEN, resolved, rng.choice(data.SOLUTIONS)
            elif status == Status.CANCELLED:
                source, at, note = initial, closed, "Pelapor membatalkan laporan."
            elif status == Status.PENDING:
                source, at, note = Status.OPEN, first_response, rng.choice(data.PENDING_REASONS)
            else:
                source, at, note = Status.OPEN, first_response, ""
            assert at is not None
            events.append(
                (
                    self.event_id,
                    ticket_id,
                    EventKind.STATUS_CHANGE,
                    actor_id,
                    False,
                    note,
                    "",
                    None,
                    _json("source", source, "target", status),
                    dt(at),
                )
            )
            self.event_id += 1
        return tickets, events, forwardings
