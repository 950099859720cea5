"""Inserting many rows at once, fast on PostgreSQL.

A sweep over 1,000 due tickets writes several thousand rows (timeline entries, ledger rows,
audit entries, notifications). Building a Django model instance per row and ``bulk_create``
(one large statement with an array per column) cost more than the database's own work, so
the sweep collects plain ``{attname: value}`` rows and streams them with
``COPY ... FROM STDIN``. Elsewhere (SQLite) they become instances for ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

Row = dict[str, Any]


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a Python value becomes what psycopg writes; None where psycopg's own adaptation is
    right (text, numbers, booleans, aware datetimes, ids)."""
    if isinstance(field, models.JSONField):
        from psycopg.types.json import Jsonb

        return Jsonb
    if isinstance(field, models.UUIDField):
        return str
    return None


def insert(model: type[models.Model], rows: Sequence[Row]) -> None:
    """Insert ``rows``: each gives the column values by attname (``ticket_id``); missing ones
    take the field's default."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows])
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plan = [(f.attname, f.get_default(), _converter(f)) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = []
            for attname, default, convert in plan:
                value = row.get(attname, default)
                if convert is not None and value is not None:
                    value = convert(value)
                values.append(value)
            copy.write_row(values)
