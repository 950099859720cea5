"""Gap-tolerant counters for human references such as ADU-2026-000123.

On PostgreSQL each counter is a database sequence: ``nextval`` never waits for another
transaction, so concurrent ticket creation does not queue on one row. Numbers used by a rolled
back transaction are skipped, which is acceptable for references. Elsewhere (SQLite, where
writers are serialised anyway) a row in ``core_counter`` is incremented in the caller's
transaction.
"""

from __future__ import annotations

import re

from django.db import connection, transaction

from aduan.core.models import Counter

_NAME = re.compile(r"^[a-z0-9_]{1,50}$")
# Sequences known to exist. Shared by a worker's threads: adding to a set and testing
# membership are atomic, and a sequence missing here is only created once more.
_known_sequences: set[str] = set()
# The first key of the advisory locks taken here (the second is the sequence's name).
_LOCK_CLASS = 0x41445553  # "ADUS"


def next_value(name: str) -> int:
    if not _NAME.match(name):
        raise ValueError(f"invalid counter name {name!r}")
    if connection.vendor == "postgresql":
        sequence = f"aduan_seq_{name}"
        with connection.cursor() as cursor:
            if sequence not in _known_sequences:
                # Two transactions creating the same new sequence at once (two workers, or
                # two threads of one, recording a year's first tickets): the second would fail
                # on the catalog's unique index when the first commits. Holding this lock
                # until commit makes it wait, and then find the sequence.
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_CLASS, sequence]
                )
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence}")
                # CREATE SEQUENCE is transactional: remember it only once it is committed.
                transaction.on_commit(lambda: _known_sequences.add(sequence))
            cursor.execute("SELECT nextval(%s)", [sequence])
            row = cursor.fetchone()
        assert row is not None
        return int(row[0])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_counter SET value = value + 1 WHERE name = %s RETURNING value", [name]
        )
        row = cursor.fetchone()
    if row is None:
        Counter.objects.get_or_create(name=name, defaults={"value": 0})
        return next_value(name)
    return int(row[0])


def forget_cached_sequences() -> None:
    """Tests recreate the database; the cache of created sequences must go with it."""
    _known_sequences.clear()
