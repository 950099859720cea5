"""Reference counters: one number each, also when two transactions create a new counter at
the same time (threads of one worker, or two workers)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from aduan.core.sequences import forget_cached_sequences, next_value


@pytest.mark.django_db
def test_numbers_count_up() -> None:
    first = next_value("test_count_up")
    assert next_value("test_count_up") == first + 1


# serialized_rollback as in aduan/sla/tests/test_workers.py: a transactional test without it
# leaves the content types re-created with new ids, and the next one with it cannot restore.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_creating_one_new_counter_both_get_a_number() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("sequences are PostgreSQL's; elsewhere a row in core_counter")
    name = "test_race"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SEQUENCE IF EXISTS aduan_seq_{name}")
    forget_cached_sequences()
    numbers: list[int] = []
    errors: list[BaseException] = []
    first_created = threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                numbers.append(next_value(name))
                first_created.set()
                time.sleep(0.5)  # the sequence exists, uncommitted, meanwhile
        except BaseException as exc:
            errors.append(exc)
            first_created.set()
        finally:
            connections.close_all()

    def second() -> None:
        first_created.wait(10)
        forget_cached_sequences()  # as another worker would: it has not seen it yet
        try:
            with transaction.atomic():
                numbers.append(next_value(name))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    try:
        assert errors == []
        assert sorted(numbers) == [1, 2]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SEQUENCE IF EXISTS aduan_seq_{name}")
        forget_cached_sequences()
