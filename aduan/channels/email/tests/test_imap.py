"""Polling a real IMAP server (Dovecot, started by the suite): messages are stored, then
deleted, moved or flagged; several mailboxes; too big ones refused and left marked; a message
that cannot be stored stays in the mailbox."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from aduan.channels.email import imap, inbound, store
from aduan.channels.email.models import InboundMessage, Mailbox, OutboundMessage
from aduan.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def mail(n: int = 0, sender: str = "imap@contoh.co.id", body: str = "Lampu mati.") -> bytes:
    return (
        f"From: Pengirim {n} <{sender}>\r\nTo: helpdesk@aduan.test\r\nSubject: Keluhan {n}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@contoh.co.id>\r\n\r\n{body} ({n})\r\n"
    ).encode()


def config(dovecot, user: str = "helpdesk", **query: str) -> imap.MailboxConfig:
    return imap.MailboxConfig.from_url(dovecot.url(user, **query))


def test_new_mail_is_stored_made_tickets_and_then_deleted_from_the_mailbox(org, dovecot):
    for n in range(3):
        dovecot.append(mail(n))
    result = imap.poll(config(dovecot))
    assert (result.stored, result.duplicates, result.error) == (3, 0, "")
    assert len(result.references) == 3
    assert dovecot.count() == 0
    messages = InboundMessage.objects.filter(source="imap")
    assert {m.status for m in messages} == {"processed"}
    assert {m.mailbox for m in messages} == {"env-1"}
    assert Ticket.objects.filter(reference__in=result.references).count() == 3


def test_polling_fetches_with_peek_so_nothing_unstored_is_marked_seen(org, dovecot, monkeypatch):
    dovecot.append(mail(1))

    def refuse(*args, **kwargs):
        raise OSError("database is gone")

    monkeypatch.setattr(store, "store", refuse)
    result = imap.poll(config(dovecot))
    assert (result.stored, result.not_stored) == (0, 1)
    assert dovecot.count() == 1
    assert dovecot.count(criteria="UNSEEN") == 1
    monkeypatch.undo()
    assert imap.poll(config(dovecot)).stored == 1
    assert dovecot.count() == 0


def test_with_flag_the_messages_stay_marked_and_are_not_taken_twice(org, dovecot):
    dovecot.append(mail(1))
    dovecot.append(mail(2))
    box = config(dovecot, after="flag")
    assert imap.poll(box).stored == 2
    assert dovecot.count() == 2
    assert dovecot.count(criteria=f"KEYWORD {imap.STORED_FLAG}") == 2
    again = imap.poll(box)
    assert (again.stored, again.duplicates) == (0, 0)


def test_with_move_the_messages_go_to_another_folder(org, dovecot):
    with dovecot.mailbox() as box:
        box.folder.create("Processed")
    dovecot.append(mail(1))
    assert imap.poll(config(dovecot, after="move", move_to="Processed")).stored == 1
    assert dovecot.count() == 0
    with dovecot.mailbox() as box:
        box.folder.set("Processed")
        assert len(box.uids("ALL")) == 1


def test_a_message_fetched_again_after_a_crash_is_not_stored_twice(org, dovecot):
    raw = mail(7)
    inbound.ingest(raw, source="imap", mailbox="env-1")  # stored; then the poller died
    dovecot.append(raw)
    result = imap.poll(config(dovecot))
    assert (result.stored, result.duplicates) == (0, 1)
    assert dovecot.count() == 0  # taken out now that it is known to be stored
    assert InboundMessage.objects.count() == 1


def test_several_mailboxes_from_the_database_and_the_settings_are_polled(org, dovecot, settings):
    Mailbox.objects.create(
        name="support",
        host="127.0.0.1",
        port=dovecot.port,
        security="none",
        username="support",
        password="rahasia-imap",
        address="support@aduan.test",
    )
    settings.ADUAN_IMAP_MAILBOXES = [dovecot.url("helpdesk", name="helpdesk")]
    dovecot.append(mail(1, sender="a@contoh.co.id"), user="helpdesk")
    dovecot.append(mail(2, sender="b@contoh.co.id"), user="support")
    results = {r.mailbox: r for r in imap.poll_all()}
    assert {name: r.stored for name, r in results.items()} == {"support": 1, "helpdesk": 1}
    support = Mailbox.objects.get(name="support")
    assert support.last_polled_at is not None and support.last_error == ""
    # Answers to mail from the support mailbox come from its own address.
    ack = OutboundMessage.objects.get(inbound__mailbox="support")
    assert ack.from_address == "support@aduan.test"


def test_the_same_message_in_two_mailboxes_is_one_ticket(org, dovecot, settings):
    raw = mail(3)
    dovecot.append(raw, user="helpdesk")
    dovecot.append(raw, user="support")
    settings.ADUAN_IMAP_MAILBOXES = [dovecot.url("helpdesk"), dovecot.url("support")]
    results = imap.poll_all()
    assert sum(r.stored for r in results) == 1
    assert sum(r.duplicates for r in results) == 1
    assert dovecot.count("helpdesk") == dovecot.count("support") == 0
    assert InboundMessage.objects.get().duplicates == 1


def test_a_message_too_big_is_refused_kept_in_the_mailbox_marked_and_its_sender_told(
    org, dovecot, settings
):
    settings.ADUAN_MAIL_MAX_BYTES = 5000
    dovecot.append(mail(1, sender="besar@contoh.co.id", body="x" * 10_000))
    dovecot.append(mail(2))
    result = imap.poll(config(dovecot))
    assert (result.stored, result.refused) == (1, 1)
    refused = InboundMessage.objects.get(status="refused")
    assert refused.reason == "too_big" and refused.size > 10_000
    assert b"Subject: Keluhan 1" in bytes(refused.raw)  # the headers are kept
    assert OutboundMessage.objects.get(inbound=refused).to_address == "besar@contoh.co.id"
    assert dovecot.count() == 1
    assert dovecot.count(criteria=f"KEYWORD {imap.REFUSED_FLAG}") == 1
    # Left alone from now on.
    assert imap.poll(config(dovecot)).refused == 0


def test_an_unreachable_mailbox_records_its_error(org, settings):
    from aduan.channels.email.tests.servers import free_port

    Mailbox.objects.create(
        name="down",
        host="127.0.0.1",
        port=free_port(),
        security="none",
        username="x",
        password="y",
    )
    [result] = imap.poll_all()
    assert result.error
    assert "ConnectionRefusedError" in Mailbox.objects.get(name="down").last_error


def test_imap_urls_in_the_settings_are_read_with_their_options():
    box = imap.MailboxConfig.from_url(
        "imaps://help%40desk:p%40ss@imap.contoh.co.id/Kotak%20Masuk?after=move&move_to=Done"
    )
    assert (box.username, box.password, box.host, box.port) == (
        "help@desk",
        "p@ss",
        "imap.contoh.co.id",
        993,
    )
    assert (box.folder, box.after_store, box.move_to, box.security) == (
        "Kotak Masuk",
        "move",
        "Done",
        "ssl",
    )
    assert imap.MailboxConfig.from_url("imap+starttls://u:p@h").port == 143
    with pytest.raises(ValueError):
        imap.MailboxConfig.from_url("https://example.org")


@pytest.mark.parametrize(
    "arrives", ["while-the-poll-runs", "right-after-the-poll", "as-idle-starts"]
)
def test_mail_arriving_between_a_poll_and_idle_is_taken_at_once_not_at_the_next_poll(
    org, dovecot, monkeypatch, arrives
):
    """A message that lands after a poll's search but before IDLE starts used to wait for
    the next poll (600 s here): the server announced it in the answer to one of the poll's
    own commands, or not at all until IDLE ended, so IDLE had nothing to say. The test
    appends it at exactly those moments."""
    # The test's own database connection is inside its transaction: keep it open.
    monkeypatch.setattr(imap, "close_old_connections", lambda: None)
    if arrives == "as-idle-starts":
        # Dovecot reports such a message only when IDLE ends: the renewal bounds the wait.
        monkeypatch.setattr(imap, "IDLE_RENEW_SECONDS", 2.0)
    stop = threading.Event()
    real_fetch, real_poll_box, real_idle_once = imap._fetch, imap.poll_box, imap.idle_once
    arrived: list[float] = []
    taken: list[float] = []

    def arrive(moment: str) -> None:
        if moment == arrives and not arrived:
            dovecot.append(mail(2))
            arrived.append(time.monotonic())

    def fetch(box, uids, parts):
        arrive("while-the-poll-runs")  # after the poll's search
        return real_fetch(box, uids, parts)

    def poll_box(box, box_config):
        result = real_poll_box(box, box_config)
        arrive("right-after-the-poll")
        if not taken and InboundMessage.objects.count() >= 2:
            taken.append(time.monotonic())
            stop.set()
        return result

    def idle_once(box, timeout, stop):
        arrive("as-idle-starts")  # after the check that precedes IDLE
        return real_idle_once(box, timeout, stop)

    monkeypatch.setattr(imap, "_fetch", fetch)
    monkeypatch.setattr(imap, "poll_box", poll_box)
    monkeypatch.setattr(imap, "idle_once", idle_once)
    dovecot.append(mail(1))

    def give_up() -> None:
        # Bounded: stop, and wake IDLE with one more message, so that a regression fails
        # in seconds instead of waiting for the 600 s poll.
        stop.set()
        dovecot.append(mail(99))

    watchdog = threading.Timer(20, give_up)
    watchdog.start()
    try:
        imap.watch(config(dovecot), stop, interval=600)
    finally:
        watchdog.cancel()
        watchdog.join(timeout=30)
    assert arrived and taken, "the second message was not taken within 20 s"
    assert taken[0] - arrived[0] < 10
    assert dovecot.count() == 0
