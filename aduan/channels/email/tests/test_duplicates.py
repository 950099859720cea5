"""One message is one message by its content, not by its Message-ID alone: a different message
that reuses a Message-ID is stored and processed as its own; the same message delivered again
(through other relays, into another mailbox, by the pipe and by IMAP) is a duplicate, stored
and processed once. Through the functions, the pipe command and a real IMAP server."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import hashlib
import re
import subprocess
import uuid

import pytest

from aduan.channels.email import imap, inbound
from aduan.channels.email.fingerprint import content, fingerprint, identify
from aduan.channels.email.models import InboundMessage, OutboundMessage
from aduan.tickets.models import EventKind, Ticket

pytestmark = pytest.mark.django_db


def mail(
    *,
    message_id: str,
    subject: str = "Internet mati",
    body: str = "Internet di lab mati.",
    sender: str = "Budi <budi@contoh.co.id>",
    headers: str = "",
) -> bytes:
    return (
        f"From: {sender}\nTo: helpdesk@aduan.test\nSubject: {subject}\n"
        f"Date: Tue, 03 Mar 2026 09:15:00 +0700\nMessage-ID: {message_id}\n{headers}\n{body}\n"
    ).encode()


def relayed(raw: bytes, hop: str = "mx2") -> bytes:
    """``raw`` as another relay and mailbox deliver it: trace and authentication headers
    added on top, CRLF line endings (as IMAP hands it over), a trailing blank line."""
    trace = (
        f"Return-Path: <budi@contoh.co.id>\nDelivered-To: support@aduan.test\n"
        f"X-Original-To: {hop}@aduan.test\n"
        f"Received: from {hop}.aduan.test (unknown [198.51.100.7])\n\tby imap.aduan.test; "
        "Tue, 03 Mar 2026 09:16:00 +0700\n"
        f"Authentication-Results: {hop}.aduan.test; dkim=pass; spf=pass\n"
        "X-Spam-Status: No, score=0.1\n"
    ).encode()
    return (trace + raw + b"\n").replace(b"\n", b"\r\n")


def new_id() -> str:
    return f"<{uuid.uuid4().hex}@contoh.co.id>"


# --- the fingerprint ------------------------------------------------------------------------


def test_transport_headers_line_endings_folding_and_order_do_not_change_the_fingerprint():
    raw = mail(message_id="<a@contoh.co.id>", headers="X-Mailer: Thunderbird\n")
    refolded = raw.replace(b"Subject: Internet mati", b"Subject: Internet\n mati")
    reordered = b"X-Mailer: Thunderbird\n" + raw.replace(b"X-Mailer: Thunderbird\n", b"")
    mbox = b"From budi@contoh.co.id Tue Mar  3 09:16:00 2026\nStatus: RO\n" + raw
    first = identify(raw)
    for other in (relayed(raw), relayed(raw, "mx3"), refolded, reordered, mbox):
        assert identify(other) == first


@pytest.mark.parametrize(
    "change",
    [
        (b"Internet di lab mati.", b"Internet di lab hidup."),
        (b"Subject: Internet mati", b"Subject: Internet mati lagi"),
        (b"09:15:00", b"09:15:01"),
        (b"From: Budi", b"From: Budi S."),
        (b"<a@contoh.co.id>", b"<b@contoh.co.id>"),
    ],
    ids=["body", "subject", "date", "sender", "message-id"],
)
def test_anything_the_sender_wrote_changes_the_fingerprint(change):
    raw = mail(message_id="<a@contoh.co.id>")
    assert identify(raw.replace(*change))[1] != identify(raw)[1]


def test_the_headers_of_a_refused_message_never_match_a_whole_one():
    raw = mail(message_id="<a@contoh.co.id>", body="")
    assert fingerprint(raw, "<a@contoh.co.id>") != fingerprint(
        raw, "<a@contoh.co.id>", note="too big: 99"
    )
    assert content(raw).startswith(b"date:")  # headers sorted, names lower-case


# --- store and process ----------------------------------------------------------------------


def test_different_messages_with_the_same_message_id_are_each_stored_and_processed(org):
    shared = "<reused@contoh.co.id>"
    first = inbound.ingest(mail(message_id=shared), source="pipe")
    second = inbound.ingest(
        mail(message_id=shared, subject="Printer macet", body="Printer di ruang 7 macet."),
        source="pipe",
    )
    assert first.created and second.created
    assert first.message.pk != second.message.pk
    rows = InboundMessage.objects.filter(message_id=shared).order_by("id")
    assert [(m.status, m.duplicates) for m in rows] == [("processed", 0), ("processed", 0)]
    assert first.reference != second.reference
    assert Ticket.objects.get(reference=second.reference).subject == "Printer macet"
    # Each is acknowledged, each in reply to the Message-ID it came with.
    assert OutboundMessage.objects.filter(in_reply_to=shared).count() == 2


def test_the_same_message_through_another_relay_and_mailbox_is_one_duplicate(org):
    raw = mail(message_id=new_id())
    first = inbound.ingest(raw, source="pipe")
    again = inbound.ingest(relayed(raw), source="imap", mailbox="support")
    assert first.created and not again.created
    assert again.message.pk == first.message.pk and again.reference == first.reference
    message = InboundMessage.objects.get()
    assert message.duplicates == 1 and bytes(message.raw) == raw
    assert Ticket.objects.count() == 1
    assert OutboundMessage.objects.count() == 1


def test_a_message_without_message_id_delivered_twice_is_one_duplicate(org):
    raw = b"From: budi@contoh.co.id\nTo: helpdesk@aduan.test\nSubject: Tanpa ID\n\nIsi.\n"
    first = inbound.ingest(raw, source="pipe")
    again = inbound.ingest(relayed(raw), source="pipe")
    assert not again.created and again.message.pk == first.message.pk
    assert first.message.message_id == f"<{first.message.fingerprint}@no-message-id.invalid>"


def test_one_message_twice_in_one_imap_batch_is_stored_once(org):
    raw = mail(message_id=new_id())
    stored = inbound.store_many([raw, relayed(raw)], source="imap", mailbox="support")
    assert [s.created for s in stored] == [True, False]
    assert stored[0].message.pk == stored[1].message.pk
    assert InboundMessage.objects.get().duplicates == 1


def test_a_duplicate_of_a_message_whose_processing_was_interrupted_processes_it(org):
    raw = mail(message_id=new_id())
    stored = inbound.store(raw, source="pipe")  # the process died right after this
    again = inbound.ingest(relayed(raw), source="imap", mailbox="support")
    assert not again.created
    assert InboundMessage.objects.get(pk=stored.message.pk).status == "processed"
    assert Ticket.objects.count() == 1


def test_a_reply_to_a_shared_message_id_threads_to_the_repliers_own_ticket(org):
    shared = "<notification@tool.contoh.co.id>"
    dewi = inbound.ingest(
        mail(message_id=shared, sender="Dewi <dewi@contoh.co.id>", body="Dari Dewi."),
        source="pipe",
    )
    budi = inbound.ingest(mail(message_id=shared, body="Dari Budi."), source="pipe")
    assert dewi.reference != budi.reference
    reply_headers = f"In-Reply-To: {shared}\nReferences: {shared}\n"
    # Dewi's message is the older one; her reply still goes to her ticket.
    reply = inbound.ingest(
        mail(
            message_id=new_id(),
            sender="Dewi <dewi@contoh.co.id>",
            subject="Re: Internet mati",
            body="Masih mati.",
            headers=reply_headers,
        ),
        source="pipe",
    ).message
    assert reply.ticket.reference == dewi.reference
    assert reply.event.kind == EventKind.CUSTOMER_MESSAGE
    budi_reply = inbound.ingest(
        mail(message_id=new_id(), subject="Re: x", body="Masih.", headers=reply_headers),
        source="pipe",
    ).message
    assert budi_reply.ticket.reference == budi.reference


# --- the pipe command -----------------------------------------------------------------------


def test_the_pipe_stores_a_different_message_with_a_seen_message_id_and_counts_a_redelivery(
    live_db,
):
    shared = f"<pipe-{uuid.uuid4().hex}@contoh.co.id>"
    first = mail(message_id=shared, sender="pipa@contoh.co.id")
    other = mail(message_id=shared, sender="pipa@contoh.co.id", subject="Lain", body="Lain.")
    results = [live_db.run("ingest-email", input=raw) for raw in (first, other, relayed(first))]
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
    references = [r.stdout.decode().strip() for r in results]
    assert all(re.fullmatch(r"ADU-\d{4}-\d{6}", ref) for ref in references)
    # A message of its own gets a ticket of its own; the redelivery answers the first's.
    assert references[0] != references[1] and references[2] == references[0]
    rows = live_db.query(
        "SELECT status, duplicates, subject FROM mail_inboundmessage WHERE message_id = ? "
        "ORDER BY id",
        (shared,),
    )
    assert rows == [("processed", 1, "Internet mati"), ("processed", 0, "Lain")]


# --- IMAP -----------------------------------------------------------------------------------


def test_imap_stores_messages_sharing_a_message_id_and_takes_a_redelivery_as_a_duplicate(
    org, dovecot
):
    shared = new_id()
    first = mail(message_id=shared, sender="imap@contoh.co.id")
    other = mail(message_id=shared, sender="imap@contoh.co.id", subject="Lain", body="Lain.")
    for raw in (first, other, relayed(first)):
        dovecot.append(raw)
    result = imap.poll(imap.MailboxConfig.from_url(dovecot.url("helpdesk")))
    assert (result.stored, result.duplicates, result.not_stored) == (2, 1, 0)
    assert dovecot.count() == 0, "everything stored, so everything left the mailbox"
    rows = InboundMessage.objects.filter(message_id=shared).order_by("id")
    assert [(m.status, m.duplicates, m.subject) for m in rows] == [
        ("processed", 1, "Internet mati"),
        ("processed", 0, "Lain"),
    ]
    assert len(set(result.references)) == 2

    # The pipe delivers the first once more (the mail server also had a copy): a duplicate.
    again = inbound.ingest(first, source="pipe")
    assert not again.created and again.message.pk == rows[0].pk


def test_deliveries_of_one_message_at_the_same_moment_store_it_once(live_db):
    message_id = f"<race-{uuid.uuid4().hex}@contoh.co.id>"
    raw = mail(message_id=message_id, sender="pipa@contoh.co.id")
    copies = [raw, relayed(raw, "mx2"), relayed(raw, "mx3"), relayed(raw, "mx4")]
    processes = [
        live_db.popen("ingest-email", stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for _copy in copies
    ]
    # Every copy is handed over before any process is waited for (they fit a pipe's buffer).
    for process, copy in zip(processes, copies, strict=True):
        assert process.stdin is not None
        process.stdin.write(copy)
        process.stdin.close()
    for process in processes:
        process.wait(timeout=120)
    outputs = [process.stdout.read() if process.stdout else b"" for process in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0]
    rows = live_db.query(
        "SELECT count(*), sum(duplicates), count(DISTINCT ticket_id) FROM mail_inboundmessage "
        "WHERE message_id = ?",
        (message_id,),
    )
    assert rows == [(1, 3, 1)]
    assert len({output.strip() for output in outputs}) == 1, outputs


# --- messages stored before the fingerprint existed ------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_fingerprints_existing_messages_so_their_redeliveries_are_duplicates():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("mail", "0001_initial")])
    old = executor.loader.project_state([("mail", "0001_initial")]).apps
    with_id = mail(message_id="<sebelum@contoh.co.id>")
    without_id = b"From: a@contoh.co.id\nSubject: Lama\n\nTanpa Message-ID.\n"
    for raw, message_id in [
        (with_id, "<sebelum@contoh.co.id>"),
        (without_id, f"<{hashlib.sha256(without_id).hexdigest()}@no-message-id.invalid>"),
    ]:
        old.get_model("mail", "InboundMessage").objects.create(
            message_id=message_id,
            source="pipe",
            raw=raw,
            size=len(raw),
            sha256=hashlib.sha256(raw).hexdigest(),
            status="processed",
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("mail"))

    for raw in (with_id, without_id):
        again = inbound.store(relayed(raw), source="imap")
        assert not again.created, "a redelivery of a message stored before the upgrade"
        assert bytes(InboundMessage.objects.get(pk=again.message.pk).raw) == raw
    assert InboundMessage.objects.count() == 2
