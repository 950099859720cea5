"""Writes to the ticket table that other apps make: the service-level sweep's timer columns
and care's flags. The tickets app owns its table, so these are the only columns another app
may set, and never the status (that is ``tickets/services/status.py``'s, checked against the
workflow table). Each function runs inside its caller's transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from aduan.tickets.models import Ticket

# The sweep's columns: the targets it found missed, its next look, and the version bump.
TIMER_FIELDS = (
    "first_response_breached_at",
    "resolution_breached_at",
    "sla_next_check_at",
    "version",
    "updated_at",
)
CARE_FLAGS = frozenset({"is_hard_complaint", "is_super_emergency"})


def save_timers(ticket: Ticket) -> None:
    """One swept ticket's timer columns, as set on the instance."""
    ticket.save(update_fields=TIMER_FIELDS)


def postpone_check(ticket_id: int, until: datetime.datetime) -> None:
    """The sweep failed on this ticket: look at it again at ``until`` instead of at once."""
    Ticket.objects.filter(pk=ticket_id).update(sla_next_check_at=until)


def save_many_timers(tickets: list[Ticket]) -> None:
    """The timer columns of many swept tickets in one statement. ``bulk_update`` builds a
    CASE expression per field and row, and at 1,000 rows that took longer than everything
    else in a sweep; on PostgreSQL one UPDATE joins the values as arrays (``unnest``)."""
    if not tickets:
        return
    ops = connection.ops
    table = ops.quote_name(Ticket._meta.db_table)
    if connection.vendor == "postgresql":
        types = {"id": "bigint", "version": "integer"}  # the others are times
        assignments = ", ".join(
            f"{ops.quote_name(name)} = v.{ops.quote_name(name)}" for name in TIMER_FIELDS
        )
        arrays = ", ".join(
            f"%s::{types.get(name, 'timestamptz')}[]" for name in ["id", *TIMER_FIELDS]
        )
        names = ", ".join(ops.quote_name(name) for name in ["id", *TIMER_FIELDS])
        sql = (
            f"UPDATE {table} AS t SET {assignments} "  # noqa: S608
            f"FROM unnest({arrays}) AS v({names}) WHERE t.{ops.quote_name('id')} = v.id"
        )
        columns = [[t.pk for t in tickets]] + [
            [getattr(t, name) for t in tickets] for name in TIMER_FIELDS
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, columns)
        return
    setters = ", ".join(f"{ops.quote_name(name)} = %s" for name in TIMER_FIELDS)
    sql = f"UPDATE {table} SET {setters} WHERE {ops.quote_name('id')} = %s"  # noqa: S608

    def value(ticket: Ticket, name: str) -> Any:
        raw = getattr(ticket, name)
        return ops.adapt_datetimefield_value(raw) if isinstance(raw, datetime.datetime) else raw

    params = [[*(value(t, name) for name in TIMER_FIELDS), t.pk] for t in tickets]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def set_care_flags(ticket: Ticket, **flags: bool) -> None:
    """Set ``is_hard_complaint`` / ``is_super_emergency`` on a locked ticket, bumping its
    version like every change; the instance follows."""
    unknown = set(flags) - CARE_FLAGS
    if unknown:
        raise ValueError(f"not a care flag: {sorted(unknown)}")
    Ticket.objects.filter(pk=ticket.pk).update(
        **flags, version=F("version") + 1, updated_at=timezone.now()
    )
    for name, value in flags.items():
        setattr(ticket, name, value)
    ticket.version += 1
