"""Polling IMAP mailboxes (imap-tools), with IDLE where the server offers it.

A message leaves the mailbox, or is marked, only after ``store.store`` committed it: a crash
at any point leaves it either stored or still in the mailbox, and fetching it again after a
crash stores nothing twice (the content fingerprint is unique, see fingerprint.py). Messages
are fetched with ``BODY.PEEK[]``, so polling never even sets ``\\Seen`` on mail it has not
stored.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted

from aduan.channels.email import inbound, store
from aduan.channels.email.models import AfterStore, Mailbox, Security, Source

logger = logging.getLogger(__name__)
STORED_FLAG = "$AduanStored"
REFUSED_FLAG = "$AduanRefused"
BATCH_MESSAGES = 50
BATCH_BYTES = 64 * 1024 * 1024
_UID = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_EXISTS = re.compile(rb"\* \d+ EXISTS")
# How long one IDLE lasts before it is ended and started again (see ``wait_for_mail``).
IDLE_RENEW_SECONDS = 30.0


@dataclass
class MailboxConfig:
    name: str
    host: str
    port: int
    security: str
    username: str
    password: str
    folder: str = "INBOX"
    after_store: str = AfterStore.DELETE
    move_to: str = ""
    use_idle: bool = True
    address: str = ""
    accept_auto_generated: bool = False
    pk: int | None = None

    @classmethod
    def from_model(cls, row: Mailbox) -> MailboxConfig:
        return cls(
            name=row.name,
            host=row.host,
            port=row.port,
            security=row.security,
            username=row.username,
            password=row.password,
            folder=row.folder or "INBOX",
            after_store=row.after_store,
            move_to=row.move_to,
            use_idle=row.use_idle,
            address=row.address,
            accept_auto_generated=row.accept_auto_generated,
            pk=row.pk,
        )

    @classmethod
    def from_url(cls, url: str, index: int = 1) -> MailboxConfig:
        """``imaps://user:password@host:993/INBOX?after=flag&name=support`` (``imap+starttls``,
        ``imap`` without TLS); user and password percent-encoded."""
        parts = urlsplit(url)
        security = {
            "imaps": Security.SSL,
            "imap+starttls": Security.STARTTLS,
            "imap": Security.NONE,
        }.get(parts.scheme)
        if security is None or not parts.hostname:
            raise ValueError(f"not an IMAP URL: {parts.scheme}://{parts.hostname or ''}")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return cls(
            name=query.get("name", f"env-{index}"),
            host=parts.hostname,
            port=parts.port or (993 if security == Security.SSL else 143),
            security=security,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
            after_store=query.get("after", AfterStore.DELETE),
            move_to=query.get("move_to", ""),
            address=query.get("address", ""),
            accept_auto_generated=query.get("accept_auto_generated", "") in ("1", "true", "yes"),
        )


def configured() -> list[MailboxConfig]:
    """Active mailboxes from the database, then those in ADUAN_IMAP_MAILBOXES."""
    boxes = [MailboxConfig.from_model(row) for row in Mailbox.objects.filter(is_active=True)]
    for index, url in enumerate(settings.ADUAN_IMAP_MAILBOXES, start=1):
        boxes.append(MailboxConfig.from_url(url, index))
    return boxes


@dataclass
class PollResult:
    mailbox: str
    stored: int = 0
    duplicates: int = 0
    refused: int = 0
    not_stored: int = 0
    references: list[str] = field(default_factory=list)
    error: str = ""


def connect(config: MailboxConfig, timeout: float = 60) -> BaseMailBox:
    box: BaseMailBox
    if config.security == Security.SSL:
        box = MailBox(config.host, config.port, timeout=timeout)
    elif config.security == Security.STARTTLS:
        box = MailBoxStartTls(config.host, config.port, timeout=timeout)
    else:
        box = MailBoxUnencrypted(config.host, config.port, timeout=timeout)
    box.login(config.username, config.password, initial_folder=config.folder)
    # Servers announce more after login (UIDPLUS, MOVE) than in their greeting.
    status, data = box.client.capability()
    if status == "OK" and data and isinstance(data[-1], bytes):
        box.client.capabilities = tuple(data[-1].decode().upper().split())
    return box


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fetch(box: BaseMailBox, uids: list[str], parts: str) -> dict[str, tuple[int, bytes]]:
    """``{uid: (size, literal)}`` from one UID FETCH; the literal is empty when ``parts``
    asks for none. The server may put UID before or after the literal."""
    status, data = box.client.uid("FETCH", ",".join(uids), parts)
    if status != "OK":
        raise OSError(f"UID FETCH failed: {data!r}")
    result: dict[str, tuple[int, bytes]] = {}
    items = list(data)
    for index, item in enumerate(items):
        if isinstance(item, tuple):
            meta, literal = item[0], item[1]
            following = items[index + 1] if index + 1 < len(items) else b""
            tail = following if isinstance(following, bytes) else b""
        elif isinstance(item, bytes):
            meta, literal, tail = item, b"", b""
        else:
            continue
        uid_match = _UID.search(meta) or _UID.search(tail)
        if uid_match is None:
            continue
        size_match = _SIZE.search(meta) or _SIZE.search(tail)
        result[uid_match.group(1).decode()] = (
            int(size_match.group(1)) if size_match else len(literal),
            literal,
        )
    return result


def _mark(box: BaseMailBox, config: MailboxConfig, uids: list[str]) -> None:
    """What happens to stored messages in the mailbox: deleted, moved or flagged."""
    if not uids:
        return
    uid_set = ",".join(uids)
    if config.after_store == AfterStore.MOVE and config.move_to:
        box.move(uids, config.move_to)
    elif config.after_store == AfterStore.FLAG:
        box.client.uid("STORE", uid_set, "+FLAGS", f"({STORED_FLAG})")
    else:
        box.client.uid("STORE", uid_set, "+FLAGS", r"(\Deleted)")
        if "UIDPLUS" in box.client.capabilities:
            box.client.uid("EXPUNGE", uid_set)
        else:
            box.client.expunge()


def poll_box(box: BaseMailBox, config: MailboxConfig) -> PollResult:
    """Store every new message of the open mailbox ``box``, then clear them out of it."""
    result = PollResult(config.name)
    uids = box.uids(f"UNDELETED UNKEYWORD {STORED_FLAG} UNKEYWORD {REFUSED_FLAG}")
    sizes: dict[str, int] = {}
    for chunk in _chunks(uids, 500):
        sizes.update(
            {uid: size for uid, (size, _l) in _fetch(box, chunk, "(UID RFC822.SIZE)").items()}
        )
    limit = settings.ADUAN_MAIL_MAX_BYTES
    big = [uid for uid in uids if sizes.get(uid, 0) > limit]
    for uid in big:
        headers = _fetch(box, [uid], "(UID RFC822.SIZE BODY.PEEK[HEADER])").get(uid)
        if headers is None:
            continue
        stored = store.refuse_oversized(
            headers[1], sizes[uid], source=Source.IMAP, mailbox=config.name
        )
        # Too big to store whole: it stays in the mailbox, marked, for a person to look at.
        box.client.uid("STORE", uid, "+FLAGS", f"({REFUSED_FLAG})")
        result.refused += int(stored.created)
    batch: list[str] = []
    batch_bytes = 0
    small = [uid for uid in uids if uid in sizes and uid not in big]
    for position, uid in enumerate(small):
        batch.append(uid)
        batch_bytes += sizes[uid]
        last = position == len(small) - 1
        if len(batch) >= BATCH_MESSAGES or batch_bytes >= BATCH_BYTES or last:
            _store_batch(box, config, batch, result)
            batch, batch_bytes = [], 0
    return result


def _store_batch(
    box: BaseMailBox, config: MailboxConfig, uids: list[str], result: PollResult
) -> None:
    fetched = _fetch(box, uids, "(UID RFC822.SIZE BODY.PEEK[])")
    present = [uid for uid in uids if uid in fetched]
    pairs: list[tuple[str, store.Stored]] = []
    try:
        # One commit for the batch; processing each message comes after it.
        stored = store.store_many(
            [fetched[uid][1] for uid in present],
            source=Source.IMAP,
            mailbox=config.name,
            accept_auto_generated=config.accept_auto_generated,
        )
        pairs = list(zip(present, stored, strict=True))
    except Exception:
        logger.warning("Storing a batch of mailbox %s failed; one by one", config.name)
        for uid in present:
            try:
                one = store.store(
                    fetched[uid][1],
                    source=Source.IMAP,
                    mailbox=config.name,
                    accept_auto_generated=config.accept_auto_generated,
                )
                pairs.append((uid, one))
            except Exception:
                # Not stored: it stays in the mailbox for the next poll.
                logger.exception("Could not store message %s of mailbox %s", uid, config.name)
                result.not_stored += 1
    done: list[str] = []
    processed = inbound.process_batch([stored_one for _uid, stored_one in pairs])
    for (uid, _stored), ingested in zip(pairs, processed, strict=True):
        done.append(uid)
        if ingested.created:
            result.stored += 1
            if ingested.reference:
                result.references.append(ingested.reference)
        else:
            result.duplicates += 1
    _mark(box, config, done)


def _record(config: MailboxConfig, error: str) -> None:
    if config.pk is not None:
        Mailbox.objects.filter(pk=config.pk).update(last_polled_at=timezone.now(), last_error=error)


def poll(config: MailboxConfig) -> PollResult:
    """Connect, store everything new, disconnect."""
    try:
        with connect(config) as box:
            result = poll_box(box, config)
    except Exception as exc:
        logger.exception("Polling mailbox %s failed", config.name)
        _record(config, f"{type(exc).__name__}: {exc}"[:2000])
        return PollResult(config.name, error=str(exc))
    _record(config, "")
    return result


def poll_all() -> list[PollResult]:
    return [poll(config) for config in configured()]


def _forget_announcements(box: BaseMailBox) -> None:
    # imaplib keeps every untagged response no command asked for; from here on, an EXISTS
    # among them means a message this connection has not polled yet.
    box.client.untagged_responses.clear()


def _announced(box: BaseMailBox) -> bool:
    return "EXISTS" in box.client.untagged_responses


def mail_announced(box: BaseMailBox) -> bool:
    """Whether the server announced new mail since the announcements were last forgotten.

    A message cannot appear in a search before the server announced it (``* n EXISTS``),
    and it announces it at the end of whichever command comes next: a message that lands
    while a poll runs is announced in the answer to one of the poll's own commands, after
    the poll's search. The NOOP collects what arrived since the poll's last command."""
    box.client.noop()
    return _announced(box)


def idle_once(box: BaseMailBox, timeout: float, stop: threading.Event) -> bool:
    """One IDLE of at most ``timeout`` seconds, left early on any news or on ``stop``;
    whether it brought news of new mail."""
    _forget_announcements(box)
    lines: list[bytes] = []
    deadline = time.monotonic() + timeout
    with box.idle as idle:
        # In slices of a second, so that a stop is seen at once.
        while not (lines or _announced(box) or stop.is_set()):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            lines = idle.poll(timeout=min(left, 1.0))
    # Leaving IDLE also reports what arrived before it began and IDLE kept quiet about
    # (Dovecot does so).
    return _announced(box) or any(_EXISTS.match(line) for line in lines)


def wait_for_mail(box: BaseMailBox, stop: threading.Event, wait: float) -> None:
    """After a poll: return as soon as new mail is announced, or when the regular poll is
    due after ``wait`` seconds, or on ``stop``.

    Mail that arrives between the last command and the start of IDLE is not announced in
    IDLE by every server, only when IDLE ends; so IDLE is renewed every
    ``IDLE_RENEW_SECONDS``, which bounds how long such a message waits."""
    if mail_announced(box):
        return
    deadline = time.monotonic() + max(wait, 1.0)
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0 or idle_once(box, min(left, IDLE_RENEW_SECONDS), stop):
            return


def watch(config: MailboxConfig, stop: threading.Event, interval: float | None = None) -> None:
    """Keep one mailbox drained until ``stop`` is set: poll, then wait in IDLE (when the
    server offers it and the mailbox allows it) or sleep ``interval`` seconds. A message
    that arrives while a poll runs is taken by the next poll at once."""
    wait = float(interval or settings.ADUAN_IMAP_POLL_SECONDS)
    while not stop.is_set():
        try:
            with connect(config) as box:
                idle = config.use_idle and "IDLE" in box.client.capabilities
                while not stop.is_set():
                    close_old_connections()
                    _forget_announcements(box)
                    result = poll_box(box, config)
                    _record(config, "")
                    if result.stored:
                        logger.info("Mailbox %s: stored %d", config.name, result.stored)
                    if stop.is_set():
                        break
                    if idle:
                        wait_for_mail(box, stop, wait)
                    elif not mail_announced(box):
                        stop.wait(wait)
        except Exception as exc:
            logger.exception("Mailbox %s: connection lost", config.name)
            close_old_connections()
            _record(config, f"{type(exc).__name__}: {exc}"[:2000])
            stop.wait(wait)
