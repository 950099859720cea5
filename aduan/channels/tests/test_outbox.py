"""The one outbox loop (aduan/channels/outbox.py) for every kind of delivery: mail by SMTP
(a real aiosmtpd server), channel replies and external groups' webhooks by HTTP (a real
server on 127.0.0.1). One back-off and one attempt setting for all; a temporary failure is
retried, a permanent one or the last attempt leaves the row failed with the error."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from aduan.channels import outbox
from aduan.channels.tests.conftest import Kind
from aduan.runners.channels import send_due

pytestmark = pytest.mark.django_db
KINDS = ["mail", "reply", "group"]
# What each kind keeps as the error of a temporary and of a permanent failure.
TEMPORARY = {"mail": "451", "reply": "HTTP 503", "group": "HTTP 503"}
PERMANENT = {"mail": "550", "reply": "HTTP 400", "group": "HTTP 400"}


def row(kind: Kind, pk: int) -> Any:
    return kind.box.model._default_manager.get(pk=pk)


@pytest.mark.parametrize("name", KINDS)
def test_one_back_off_and_attempt_setting_then_failed_with_the_error(
    kinds: dict[str, Kind], name: str, settings: Any
) -> None:
    settings.ADUAN_DELIVERY_BACKOFF = [10, 20, 40]
    settings.ADUAN_DELIVERY_ATTEMPTS = 5
    kind = kinds[name]
    kind.fail(False)
    pk = kind.make()
    waits = []
    start = (timezone.now() + datetime.timedelta(seconds=1)).replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        for attempt in range(1, 5):
            outcome = outbox.deliver(kind.box, pk)
            assert (outcome.status, outcome.claimed) == (kind.box.states.queued, True)
            current = row(kind, pk)
            assert current.attempts == attempt and TEMPORARY[name] in current.last_error
            waits.append(outcome.retry_in)
            assert current.next_attempt_at == timezone.now() + datetime.timedelta(
                seconds=outcome.retry_in
            )
            # Not due before its time: neither a worker nor the sweep sends it.
            assert not outbox.deliver(kind.box, pk).claimed
            assert pk not in outbox.due_ids(kind.box)
            clock.move_to(current.next_attempt_at)
            assert outbox.due_ids(kind.box) == [pk]
        last = outbox.deliver(kind.box, pk)
    assert waits == [10, 20, 40, 40]  # the last figure repeats
    assert (last.status, last.retry_in) == (kind.box.states.failed, None)
    failed = row(kind, pk)
    assert failed.attempts == 5 and TEMPORARY[name] in failed.last_error
    assert getattr(failed, kind.box.lease_field) is None
    assert outbox.due_ids(kind.box) == []
    # Failed is final: nobody sends it again unless staff ask for it.
    assert not outbox.deliver(kind.box, pk).claimed
    assert kind.received() == 0


@pytest.mark.parametrize("name", KINDS)
def test_a_temporary_failure_is_sent_at_the_next_attempt(kinds: dict[str, Kind], name: str) -> None:
    kind = kinds[name]
    kind.fail(False)
    pk = kind.make()
    first = outbox.deliver(kind.box, pk)
    assert first.retry_in == 60  # ADUAN_DELIVERY_BACKOFF starts at a minute
    kind.heal()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert outbox.deliver(kind.box, pk).status == kind.box.states.sent
    sent = row(kind, pk)
    assert (sent.attempts, sent.last_error) == (2, "")
    assert getattr(sent, kind.box.sent_at_field) is not None
    assert kind.received() == 1


@pytest.mark.parametrize("name", KINDS)
def test_a_permanent_failure_fails_at_once(kinds: dict[str, Kind], name: str) -> None:
    kind = kinds[name]
    kind.fail(True)
    pk = kind.make()
    assert outbox.deliver(kind.box, pk).status == kind.box.states.failed
    failed = row(kind, pk)
    assert failed.attempts == 1 and PERMANENT[name] in failed.last_error


@pytest.mark.parametrize("name", KINDS)
def test_a_sender_that_died_mid_send_loses_its_claim_when_the_lease_runs_out(
    kinds: dict[str, Kind], name: str
) -> None:
    kind = kinds[name]
    pk = kind.make()
    now = timezone.now()
    assert outbox.claim(kind.box, pk, now)
    assert not outbox.claim(kind.box, pk, now)  # a second worker finds it taken
    assert outbox.due_ids(kind.box, now) == []
    later = now + kind.box.transport.lease() + datetime.timedelta(seconds=1)
    assert outbox.due_ids(kind.box, later) == [pk]
    with time_machine.travel(later):
        assert outbox.deliver(kind.box, pk).status == kind.box.states.sent
    assert row(kind, pk).attempts == 2 and kind.received() == 1


def test_the_sweep_sends_every_kind_that_is_due(kinds: dict[str, Kind]) -> None:
    for kind in kinds.values():
        kind.make()
    result = send_due()
    assert (result["mail"], result["webhooks"], result["group_webhooks"]) == (1, 1, 1)
    assert [kind.received() for kind in kinds.values()] == [1, 1, 1]
    assert send_due()["mail"] == 0


def test_the_delivery_mode_hands_every_kind_over_the_same_way(
    kinds: dict[str, Kind], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # inline: sent in this process after commit; worker: left for the sweep.
    settings.ADUAN_DELIVERY = "inline"
    with django_capture_on_commit_callbacks(execute=True):
        rows = [(kind, kind.make()) for kind in kinds.values()]
        for kind, pk in rows:
            outbox.hand_over(kind.box, pk)
    assert all(row(kind, pk).status == kind.box.states.sent for kind, pk in rows)
    settings.ADUAN_DELIVERY = "worker"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        kind = kinds["group"]
        outbox.hand_over(kind.box, kind.make())
    assert callbacks == []
