"""Bulk rows for benchmarks: ``aduan seed``.

Unlike ``aduan demo``, which walks every ticket through the services, this writes rows
directly: customers, tickets, their ``created`` and ``status_change`` timeline entries and the
forwarding forms of forwarded tickets. On PostgreSQL it streams them with COPY, on other
databases it uses ``bulk_create``. Everything is drawn from one ``random.Random(seed)`` so the
same seed on the same empty database gives the same rows (times are relative to the minute
the seed started).

The rows are consistent with what the services would have written: references
``ADU-<year>-<number>`` numbered per year in order of arrival, due times from the priority,
first response / resolved / closed times in order and never in the future, the team's tier,
and the counters behind the references advanced past the last number used.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import itertools
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from aduan.accounts.models import User
from aduan.audit.models import AuditEntry
from aduan.core.models import Counter
from aduan.customers.models import Customer
from aduan.customers.phones import normalise_phone
from aduan.demo import data, setup
from aduan.organisation import selectors as org
from aduan.organisation.models import Category, Channel, Priority, Team
from aduan.tickets.models import (
    EventKind,
    Forwarding,
    ForwardingStatus,
    Status,
    Ticket,
    TicketEvent,
)

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
STREETS = ["Jl. Merdeka", "Jl. Sudirman", "Jl. Diponegoro", "Jl. Gajah Mada", "Jl. Pemuda"]
CITIES = ["Jakarta", "Bandung", "Malang", "Surabaya", "Semarang", "Yogyakarta", "Medan"]
BUSINESS_HOURS_SHARE = 0.75
LOCAL_OFFSET = 7 * HOUR  # Asia/Jakarta, only used to put most arrivals in office hours
# Above this many new tickets (and more than already there), secondary indexes are dropped
# before the load and rebuilt from their saved definitions afterwards (PostgreSQL).
REBUILD_INDEXES_FROM = 100_000

CUSTOMER_COLUMNS = [
    "id",
    "name",
    "phone",
    "email",
    "organisation_name",
    "address",
    "customer_number",
    "is_verified",
    "verified_at",
    "language",
    "notes",
    "created_at",
    "updated_at",
]
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


@dataclass
class Counts:
    customers: int = 0
    tickets: int = 0
    events: int = 0
    forwardings: int = 0
    last_numbers: dict[int, int] = field(default_factory=dict)


# --- customers ------------------------------------------------------------------------------


def _e164(local: str) -> str:
    """0812-3456-7890 -> +6281234567890, (0341) 7418780 -> +623417418780 (Indonesian only)."""
    digits = "".join(ch for ch in local if ch.isdigit())
    return "+62" + digits[1:]


def customer_rows(
    rng: random.Random,
    count: int,
    first_id: int,
    now: datetime.datetime,
    taken_phones: set[str],
    taken_emails: set[str],
) -> Iterator[tuple[Any, ...]]:
    email_index = first_id
    for n in range(count):
        while True:
            local = data.fake_phone(rng)
            phone = _e164(local)
            if phone not in taken_phones:
                break
        # Same rule as the services; checked on a sample so the loop stays fast.
        if n < 200 or n % 5000 == 0:
            assert normalise_phone(local) == phone, (local, phone)
        taken_phones.add(phone)
        first = rng.choice(data.FIRST_NAMES)
        last = rng.choice(data.LAST_NAMES)
        while True:
            email = f"{first.lower()}.{last.lower()}{email_index}@contoh.co.id"
            email_index += 1
            if email not in taken_emails:
                break
        created = now - datetime.timedelta(seconds=rng.uniform(730 * DAY, 1095 * DAY))
        verified = rng.random() < 0.6
        address = (
            f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}, {rng.choice(CITIES)}"
            if rng.random() < 0.5
            else ""
        )
        yield (
            first_id + n,
            f"{first} {last}",
            phone,
            email,
            rng.choice(data.INSTITUTIONS),
            address,
            f"PLG-{first_id + n:07d}" if verified else "",
            verified,
            created + datetime.timedelta(days=rng.randint(0, 30)) if verified else None,
            "",
            "",
            created,
            created,
        )


# --- tickets --------------------------------------------------------------------------------


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


# --- writing --------------------------------------------------------------------------------


class Writer:
    """Writes rows of one model in the order of ``columns``."""

    def write(
        self, model: type[models.Model], names: list[str], rows: list[tuple[Any, ...]]
    ) -> None:
        raise NotImplementedError


class CopyWriter(Writer):
    """PostgreSQL: binary COPY ... FROM STDIN through psycopg 3 (a few times faster than text:
    timestamps are sent as numbers, not formatted and parsed)."""

    def write(
        self, model: type[models.Model], names: list[str], rows: list[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        from psycopg.types.json import set_json_dumps

        table = connection.ops.quote_name(model._meta.db_table)
        fields = [_concrete_field(model, name) for name in names]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        types = [_copy_type(f) for f in fields]
        with connection.cursor() as cursor:
            raw = cursor.cursor
            # JSON values come already serialised (see _json).
            set_json_dumps(_dump_json, context=raw)
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)


def _concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name.removesuffix("_id"))
    assert isinstance(found, models.Field)
    return found


def _dump_json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _copy_type(f: models.Field[Any, Any]) -> str:
    if f.is_relation:
        target = f.target_field  # type: ignore[attr-defined]
        return _copy_type(target)
    db_type = f.db_type(connection) or "text"
    if "identity" in db_type or db_type.startswith("bigserial"):
        return "bigint"
    return db_type.split("(")[0].strip()


class OrmWriter(Writer):
    """Other databases: bulk_create, keeping the given creation and update times."""

    def write(
        self, model: type[models.Model], names: list[str], rows: list[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        json_fields = {f.attname for f in model._meta.fields if isinstance(f, models.JSONField)}
        objects = []
        for row in rows:
            values = dict(zip(names, row, strict=True))
            for name in json_fields & values.keys():
                values[name] = json.loads(values[name])
            objects.append(model(**values))
        with _keep_given_times(model):
            model._default_manager.bulk_create(objects, batch_size=500)


@contextlib.contextmanager
def _keep_given_times(model: type[models.Model]) -> Iterator[None]:
    """bulk_create would overwrite auto_now / auto_now_add fields with the current time."""
    changed = []
    for f in model._meta.fields:
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            changed.append((f, f.auto_now, f.auto_now_add))
            f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# --- PostgreSQL helpers -----------------------------------------------------------------------


def _secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes that back no constraint and have no WHERE
    clause. Partial indexes stay: they are small, and PostgreSQL prints their predicate in a
    form that would not recreate them character for character."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[])
              AND NOT i.indisprimary
              AND i.indpred IS NULL
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [tables],
        )
        return [(name, ddl) for name, ddl in cursor.fetchall()]


def _ticket_sequence_start(year: int) -> int:
    """The next reference number for ``year``, without using one up."""
    if connection.vendor == "postgresql":
        sequence = f"aduan_seq_ticket_{year}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence}")
            # The name is built from an int: nothing to inject.
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
            last, called = cursor.fetchone()
        start = int(last) + 1 if called else int(last)
    else:
        counter = Counter.objects.filter(name=f"ticket_{year}").first()
        start = (counter.value if counter else 0) + 1
    # Never reuse a number a ticket already carries (e.g. a counter that was reset).
    prefix = f"{org.reference_prefix()}-{year}-"
    used = (
        Ticket.objects.filter(reference__startswith=prefix)
        .values_list("reference", flat=True)
        .order_by("-id")[:1]
    )
    for reference in used:
        with contextlib.suppress(ValueError):
            start = max(start, int(reference.removeprefix(prefix)) + 1)
    return start


def _advance_ticket_counters(last_numbers: dict[int, int]) -> None:
    for year, last in sorted(last_numbers.items()):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(%s, %s, true)", [f"aduan_seq_ticket_{year}", last])
        else:
            Counter.objects.update_or_create(name=f"ticket_{year}", defaults={"value": last})


def _max_id(model: type[models.Model]) -> int:
    value = model._default_manager.aggregate(m=models.Max("id"))["m"]
    return int(value or 0)


# --- the whole load ---------------------------------------------------------------------------


@dataclass
class SeedOptions:
    tickets: int
    customers: int
    batch: int = 50_000
    seed: int = 2026
    password: str = "demo"  # noqa: S105 - the demo logins' documented password
    rebuild_indexes: bool | None = None  # None: decide by size
    vacuum: bool = True


def seed(options: SeedOptions, say: Callable[[str], None] = print) -> Counts:
    """Top the database up to ``options.tickets`` tickets and ``options.customers``
    customers (existing rows count), with the demo organisation's structure and people."""
    started = time.monotonic()

    def progress(text: str) -> None:
        say(f"[{time.monotonic() - started:7.1f}s] {text}")

    rng = random.Random(options.seed)
    postgres = connection.vendor == "postgresql"
    writer: Writer = CopyWriter() if postgres else OrmWriter()
    setup.create_structure()
    setup.create_people(options.password)
    catalog = Catalog.load()
    now = timezone.now().replace(second=0, microsecond=0)
    counts = Counts()

    with transaction.atomic():
        if postgres:
            with connection.cursor() as cursor:
                # Only this transaction: a bulk load needs no synchronous commit and builds
                # indexes faster with more memory.
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                # Check foreign keys at the end of each COPY rather than at commit: indexes
                # cannot be built on a table with checks still pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table in (
                    "customers_customer",
                    "tickets_ticket",
                    "tickets_ticketevent",
                    "tickets_forwarding",
                ):
                    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        existing_tickets = Ticket.objects.count()
        existing_customers = Customer.objects.count()
        new_customers = max(0, options.customers - existing_customers)
        new_tickets = max(0, options.tickets - existing_tickets)
        progress(
            f"{existing_customers} customers and {existing_tickets} tickets present; "
            f"adding {new_customers} customers and {new_tickets} tickets"
        )
        rebuild = options.rebuild_indexes
        if rebuild is None:
            rebuild = new_tickets >= REBUILD_INDEXES_FROM and new_tickets > existing_tickets
        rebuild = rebuild and postgres
        saved_indexes: list[tuple[str, str]] = []
        if rebuild:
            saved_indexes = _secondary_indexes(
                ["customers_customer", "tickets_ticket", "tickets_ticketevent"]
            )
            with connection.cursor() as cursor:
                for name, _ddl in saved_indexes:
                    cursor.execute(f"DROP INDEX {name}")
            progress(f"dropped {len(saved_indexes)} secondary indexes, rebuilt after the load")

        # Customers.
        if new_customers:
            taken_phones = set(Customer.objects.exclude(phone="").values_list("phone", flat=True))
            taken_emails = set(Customer.objects.exclude(email="").values_list("email", flat=True))
            rows_iter = customer_rows(
                rng, new_customers, _max_id(Customer) + 1, now, taken_phones, taken_emails
            )
            while True:
                chunk = list(itertools.islice(rows_iter, options.batch))
                if not chunk:
                    break
                writer.write(Customer, CUSTOMER_COLUMNS, chunk)
                counts.customers += len(chunk)
                progress(f"customers {counts.customers}/{new_customers}")
        customer_ids = list(Customer.objects.order_by("id").values_list("id", flat=True))
        if new_tickets and not customer_ids:
            raise RuntimeError("tickets need customers: pass --customers 1 or more")

        # Tickets with their timeline entries and forwarding forms.
        if new_tickets:
            plan = plan_arrivals(rng, new_tickets, now.timestamp())
            progress(f"planned {new_tickets} arrivals")
            generator = TicketGenerator(
                rng,
                catalog,
                customer_ids,
                now,
                (_max_id(Ticket) + 1, _max_id(TicketEvent) + 1, _max_id(Forwarding) + 1),
                _ticket_sequence_start,
            )
            for start in range(0, new_tickets, options.batch):
                tickets, events, forwardings = generator.rows(plan[start : start + options.batch])
                writer.write(Ticket, TICKET_COLUMNS, tickets)
                writer.write(Forwarding, FORWARDING_COLUMNS, forwardings)
                writer.write(TicketEvent, EVENT_COLUMNS, events)
                counts.tickets += len(tickets)
                counts.events += len(events)
                counts.forwardings += len(forwardings)
                progress(f"tickets {counts.tickets}/{new_tickets} ({counts.events} events)")
            counts.last_numbers = dict(generator.numbers)
            _advance_ticket_counters(counts.last_numbers)

        if saved_indexes:
            with connection.cursor() as cursor:
                for name, ddl in saved_indexes:
                    cursor.execute(ddl)
                    progress(f"rebuilt index {name}")
        if postgres:
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [Customer, Ticket, TicketEvent, Forwarding]
                ):
                    cursor.execute(sql)
        if counts.customers or counts.tickets:
            AuditEntry.objects.create(
                actor_label="system",
                action="demo.seeded",
                object_type="organisation.organisation",
                object_id="1",
                object_repr=data.ORGANISATION,
                changes={
                    "customers": [existing_customers, existing_customers + counts.customers],
                    "tickets": [existing_tickets, existing_tickets + counts.tickets],
                    "seed": [None, options.seed],
                },
            )
        progress("committing")
    progress("committed")

    if postgres and options.vacuum:
        with connection.cursor() as cursor:
            for table in (
                "customers_customer",
                "tickets_ticket",
                "tickets_ticketevent",
                "tickets_forwarding",
                "audit_auditentry",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
        progress("vacuumed and analysed")
    return counts
