"""The PostgreSQL backend's health check: no round trip, and a connection the server closed
is replaced before a request uses it."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

pytestmark = pytest.mark.django_db


@pytest.fixture
def probe():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    handler = ConnectionHandler({"default": connection.settings_dict})
    probe = handler["default"]
    probe.connect()
    yield probe
    probe.close()


def _backend_pid(wrapper) -> int:
    with wrapper.connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_an_idle_connection_is_usable_without_asking_the_server(probe, monkeypatch) -> None:
    pid = _backend_pid(probe)

    def round_trip(*args: object, **kwargs: object) -> None:
        raise AssertionError("the health check asked the server")

    monkeypatch.setattr(probe.connection, "cursor", round_trip)
    monkeypatch.setattr(probe.connection, "execute", round_trip)
    assert probe.is_usable()
    monkeypatch.undo()
    assert _backend_pid(probe) == pid


def test_a_connection_the_server_closed_is_not_usable(probe) -> None:
    pid = _backend_pid(probe)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while probe.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not probe.is_usable()
    # Django's check at the start of a request replaces it.
    probe.health_check_enabled = True
    probe.health_check_done = False
    probe.close_if_health_check_failed()
    assert probe.connection is None
    probe.connect()
    assert _backend_pid(probe) != pid
    assert probe.is_usable()


def test_a_closed_connection_is_not_usable(probe) -> None:
    probe.connection.close()
    assert not probe.is_usable()
