"""Killing the ingesting process (SIGKILL) at any point loses nothing: every message ends up
stored exactly once, either right away or from the mailbox / the mail server's retry. And the
long-running worker drains a mailbox through IMAP IDLE, without waiting for its poll."""

from __future__ import annotations

import signal
import subprocess
import time
import uuid

import pytest

pytestmark = pytest.mark.django_db


def mail(n: int, tag: str) -> bytes:
    return (
        f"From: Pelanggan {n} <p{n}.{tag}@contoh.co.id>\r\nTo: helpdesk@aduan.test\r\n"
        f"Subject: Keluhan {tag} {n}\r\nMessage-ID: <{tag}-{n}@contoh.co.id>\r\n\r\n"
        f"Keluhan nomor {n}.\r\n"
    ).encode()


def stored_ids(live_db, tag: str) -> set[str]:
    rows = live_db.query(
        "SELECT message_id FROM mail_inboundmessage WHERE message_id LIKE ?", (f"<{tag}-%",)
    )
    return {row[0] for row in rows}


def mailbox_ids(dovecot, user: str) -> set[str]:
    with dovecot.mailbox(user) as box:
        uids = box.uids("ALL")
        if not uids:
            return set()
        fetched = box.fetch(uid_list=uids, headers_only=True, mark_seen=False, bulk=True)
        # A message expunged between the search and the fetch comes back without headers.
        return {
            message.headers["message-id"][0].strip()
            for message in fetched
            if "message-id" in message.headers
        }


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_killing_the_imap_poller_midway_loses_nothing_and_stores_nothing_twice(live_db, dovecot):
    tag = f"crash{uuid.uuid4().hex[:6]}"
    total = 300
    expected = {f"<{tag}-{n}@contoh.co.id>" for n in range(total)}
    with dovecot.mailbox("crash") as box:
        for n in range(total):
            box.append(mail(n, tag), "INBOX")
    env = {"ADUAN_IMAP_MAILBOXES": dovecot.url("crash", name="crash")}
    worker = live_db.popen(
        "mail-worker", "--once", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    # Kill it hard once it is well into the mailbox, in the middle of its work.
    reached = wait_until(lambda: len(stored_ids(live_db, tag)) >= 80, timeout=120)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert reached, "the poller never got going"
    assert worker.returncode == -signal.SIGKILL

    stored, left = stored_ids(live_db, tag), mailbox_ids(dovecot, "crash")
    assert 80 <= len(stored) < total, "killed midway"
    # Nothing lost: every message is stored or still in the mailbox (or both, when the kill
    # came between the commit and the delete).
    assert stored | left == expected

    finished = live_db.run("mail-worker", "--once", env=env, timeout=300)
    assert finished.returncode == 0, finished.stderr.decode()
    assert stored_ids(live_db, tag) == expected
    assert mailbox_ids(dovecot, "crash") == set()
    rows = live_db.query(
        "SELECT m.status, count(*), count(DISTINCT m.ticket_id) FROM mail_inboundmessage m "
        "WHERE m.message_id LIKE ? GROUP BY m.status",
        (f"<{tag}-%",),
    )
    # A message whose processing the kill interrupted is picked up by process_pending later;
    # everything else is a ticket, one each.
    by_status = {status: (count, tickets) for status, count, tickets in rows}
    processed, tickets = by_status.get("processed", (0, 0))
    received = by_status.get("received", (0, 0))[0]
    assert processed + received == total
    assert received <= 1
    assert tickets == processed


def test_killing_the_pipe_command_at_any_moment_loses_nothing_once_the_mail_server_retries(
    live_db,
):
    tag = f"pipe{uuid.uuid4().hex[:6]}"
    outcomes = []
    # Kill during start-up, around the store, during processing, or not at all.
    for n, delay in enumerate([0.2, 0.6, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 2.0, 30]):
        raw = mail(n, tag)
        process = live_db.popen(
            "ingest-email",
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdin is not None
        process.stdin.write(raw)
        process.stdin.close()
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        message_id = f"<{tag}-{n}@contoh.co.id>"
        state = live_db.query(
            "SELECT status FROM mail_inboundmessage WHERE message_id = ?", (message_id,)
        )
        outcomes.append((process.returncode, state[0][0] if state else "absent"))
        if process.returncode != 0:
            # What the mail server does with a delivery that did not exit 0: try again.
            retry = live_db.run("ingest-email", input=raw)
            assert retry.returncode == 0, retry.stderr.decode()
        # Exit 0 is given only once the message is stored.
        assert process.returncode != 0 or state
    rows = live_db.query(
        "SELECT status, count(*) FROM mail_inboundmessage WHERE message_id LIKE ? GROUP BY status",
        (f"<{tag}-%",),
    )
    assert dict(rows) == {"processed": 10}, outcomes
    assert any(code == -signal.SIGKILL for code, _ in outcomes)
    assert any(code == 0 for code, _ in outcomes)


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL: either way the wait is bounded."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=20)


def test_the_mail_worker_takes_new_mail_at_once_through_imap_idle(live_db, dovecot, tmp_path):
    tag = f"idle{uuid.uuid4().hex[:6]}"
    env = {"ADUAN_IMAP_MAILBOXES": dovecot.url("support", name="support")}
    # The worker's output goes to a file, read once it has stopped: reading a pipe while
    # it runs could block for ever, and an unread pipe could fill up and block the worker.
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        # Polling only every 10 minutes: only IDLE can make it this fast.
        worker = live_db.popen(
            "mail-worker", "--interval", "600", env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        # A first message: once it is stored, the worker's first poll is over and it waits.
        dovecot.append(mail(0, tag), user="support")
        first = wait_until(lambda: len(stored_ids(live_db, tag)) == 1, timeout=120)
        if first:
            time.sleep(1)
            started = time.monotonic()
            dovecot.append(mail(1, tag), user="support")
            arrived = wait_until(lambda: len(stored_ids(live_db, tag)) == 2, timeout=60)
            elapsed = time.monotonic() - started
        if not first or not arrived:
            stop_worker(worker)
            pytest.fail(
                f"message {'1' if first else '0'} not stored; the worker said:\n"
                + log.read_text(errors="replace")[-4000:]
            )
        # Far sooner than the next poll (600 s): IDLE woke it.
        assert elapsed < 60
        assert wait_until(lambda: not mailbox_ids(dovecot, "support"), timeout=30)
    finally:
        stop_worker(worker)
