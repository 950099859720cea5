"""Bulk rows for benchmarks: ``aduan seed``.

Unlike ``aduan demo``, which walks every ticket through the services, this writes rows
directly: customers, tickets, their ``created`` and ``status_change`` timeline entries and the
forwarding forms of forwarded tickets (``bulk_customers`` and ``bulk_tickets`` make the rows,
``bulk_writers`` writes them). On PostgreSQL it streams them with COPY, on other
databases it uses ``bulk_create``. Everything is drawn from one ``random.Random(seed)`` so the
same seed on the same empty database gives the same rows (times are relative to the minute
the seed started).

The rows are consistent with what the services would have written: references
``ADU-<year>-<number>`` numbered per year in order of arrival, due times from the priority,
first response / resolved / closed times in order and never in the future, the team's tier,
and the counters behind the references advanced past the last number used.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from aduan.audit.models import AuditEntry
from aduan.core.models import Counter
from aduan.customers.models import Customer
from aduan.demo import data, setup
from aduan.demo.bulk_customers import CUSTOMER_COLUMNS, customer_rows
from aduan.demo.bulk_tickets import (
    EVENT_COLUMNS,
    FORWARDING_COLUMNS,
    TICKET_COLUMNS,
    Catalog,
    TicketGenerator,
    plan_arrivals,
)
from aduan.demo.bulk_writers import CopyWriter, OrmWriter, Writer
from aduan.organisation import selectors as org
from aduan.tickets.models import Forwarding, Ticket, TicketEvent

# Above this many new tickets (and more than already there), secondary indexes are dropped
# before the load and rebuilt from their saved definitions afterwards (PostgreSQL).
REBUILD_INDEXES_FROM = 100_000


@dataclass
class Counts:
    customers: int = 0
    tickets: int = 0
    events: int = 0
    forwardings: int = 0
    last_numbers: dict[int, int] = field(default_factory=dict)


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
