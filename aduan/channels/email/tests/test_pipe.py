"""``aduan ingest-email``: the mail server's pipe. Exit 0 and the reference when stored, 75 when
the database is unavailable (the mail server retries), 69 with a bounce reason when too big.
These run the real command in its own process against a database of its own."""

from __future__ import annotations

import re
import uuid

import pytest

pytestmark = pytest.mark.django_db


def mail(
    subject: str = "Internet mati", sender: str = "pipa@contoh.co.id", body: str = "Mati."
) -> bytes:
    return (
        f"From: Pak Pipa <{sender}>\nTo: helpdesk@aduan.test\nSubject: {subject}\n"
        f"Message-ID: <{uuid.uuid4().hex}@contoh.co.id>\n\n{body}\n"
    ).encode()


def test_a_piped_message_is_stored_and_its_ticket_reference_printed(live_db):
    raw = mail("Printer macet di ruang 7")
    result = live_db.run("ingest-email", "--sender", "pipa@contoh.co.id", input=raw)
    assert result.returncode == 0, result.stderr.decode()
    reference = result.stdout.decode().strip()
    assert re.fullmatch(r"ADU-\d{4}-\d{6}", reference)
    rows = live_db.query(
        "SELECT m.status, m.envelope_from, t.reference, t.subject FROM mail_inboundmessage m "
        "JOIN tickets_ticket t ON t.id = m.ticket_id WHERE t.reference = ?",
        (reference,),
    )
    assert rows == [("processed", "pipa@contoh.co.id", reference, "Printer macet di ruang 7")]


def test_the_same_message_piped_twice_is_stored_once_and_answers_the_same_reference(live_db):
    raw = mail("Dua kali dikirim")
    first = live_db.run("ingest-email", input=raw)
    second = live_db.run("ingest-email", input=raw)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    found = re.search(rb"Message-ID: (<[^>]+>)", raw)
    assert found is not None
    message_id = found.group(1).decode()
    assert live_db.query(
        "SELECT duplicates FROM mail_inboundmessage WHERE message_id = ?", (message_id,)
    ) == [(1,)]


def test_automatic_mail_is_stored_and_acknowledged_to_the_mail_server_without_a_ticket(live_db):
    raw = mail("Out of Office: back Monday")
    result = live_db.run("ingest-email", input=raw)
    assert result.returncode == 0
    assert b"(ignored: auto_reply)" in result.stdout


@pytest.mark.parametrize(
    "database_url",
    ["postgres://postgres@127.0.0.1:1/aduan_nowhere", "sqlite:////nonexistent-aduan-dir/x.sqlite3"],
    ids=["postgresql-down", "sqlite-unreachable"],
)
def test_an_unavailable_database_exits_75_so_the_mail_server_retries(live_db, database_url):
    result = live_db.run("ingest-email", input=mail(), env={"DATABASE_URL": database_url})
    assert result.returncode == 75, result.stderr.decode()
    assert result.stderr.decode().startswith("4.3.0 ")


def test_an_oversized_message_is_refused_with_a_bounce_reason_not_a_crash(live_db):
    raw = mail(body="x" * 5000)
    result = live_db.run("ingest-email", input=raw, env={"ADUAN_MAIL_MAX_BYTES": "2000"})
    assert result.returncode == 69
    assert result.stderr.decode().startswith("5.3.4 Message too big for Aduan: ")
    assert f"{len(raw)} bytes" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()
    assert (
        live_db.scalar("SELECT count(*) FROM mail_inboundmessage WHERE size = ?", (len(raw),)) == 0
    )


def test_an_empty_standard_input_is_a_data_error(live_db):
    result = live_db.run("ingest-email", input=b"")
    assert result.returncode == 65
    assert b"No message" in result.stderr
