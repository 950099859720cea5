"""How ``aduan seed`` writes its rows (see ``aduan.demo.bulk``): binary COPY on PostgreSQL,
``bulk_create`` elsewhere."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from django.db import connection, models


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
