"""What makes two deliveries the same message: its Message-ID and a fingerprint of its content.

Real systems reuse Message-IDs (tool notifications, broken clients, forwarding), so the
Message-ID alone does not say two mails are one. The fingerprint is a SHA-256 of the raw
message with what relays and mailboxes add on the way set aside: the trace and delivery
headers below, the line endings (the pipe gets LF, IMAP CRLF), header order and folding, and
trailing blank lines. The same message delivered twice (a retry, two mailboxes, a poll after
a crash) has the same fingerprint; a different message with the same Message-ID has another
one and is stored as its own message.

Only headers that the sender's mail program never writes are set aside, so two messages that
differ in anything a person wrote (a body, a subject, a date, an attachment) always differ.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import re

from aduan.channels.email.headers import normalise_msgid, recover_headers

# Headers added by the servers a message passes through or the mailbox it is delivered to.
TRANSPORT_HEADERS = frozenset(
    {
        # Trace fields (RFC 5321 4.4) and delivery agents.
        "received",
        "x-received",
        "return-path",
        "delivered-to",
        "x-delivered-to",
        "x-original-to",
        "envelope-to",
        "x-envelope-to",
        "x-envelope-from",
        "x-rcpt-to",
        "x-apparently-to",
        "x-forwarded-to",
        "x-forwarded-for",
        "x-originalarrivaltime",
        "x-sieve",
        "x-sieve-redirected-from",
        # Signatures and their checks, added or re-added by relays and receiving servers.
        "dkim-signature",
        "x-google-dkim-signature",
        "domainkey-signature",
        "arc-seal",
        "arc-message-signature",
        "arc-authentication-results",
        "authentication-results",
        "x-authentication-results",
        "received-spf",
        # Local mail stores (mbox, Mutt, Thunderbird, Dovecot's mbox).
        "status",
        "x-status",
        "x-keywords",
        "x-uid",
        "content-length",
        "lines",
    }
)
# Families of headers that spam and virus filters and big providers stamp on arrival.
TRANSPORT_PREFIXES = (
    "x-spam-",
    "x-virus-",
    "x-amavis-",
    "x-rspamd-",
    "x-mozilla-",
    "x-gm-",
    "x-google-",
    "x-ms-exchange-organization-",
    "x-ms-exchange-crosstenant-",
    "x-ms-exchange-transport-",
    "x-microsoft-antispam",
    "x-forefront-antispam-",
)
NO_MESSAGE_ID = "@no-message-id.invalid>"
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


def header_message_id(raw: bytes) -> str:
    """The message's own Message-ID, normalised, or ``""``."""
    # Only the header block is read: decoding a 40 MB body to find one header costs seconds.
    end = _BLANK_LINE.search(raw)
    head = raw[: end.end()] if end else raw
    # Read as the parser reads it: a junk first line or a folded line that lost its indent
    # must not hide the Message-ID (and make the acknowledgement answer a made-up one).
    head = recover_headers(head)[0]
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
    return normalise_msgid(str(headers.get("Message-ID", "") or ""))


def _is_transport(name: bytes) -> bool:
    text = name.decode("ascii", "replace").strip().lower()
    return text in TRANSPORT_HEADERS or text.startswith(TRANSPORT_PREFIXES)


def content(raw: bytes) -> bytes:
    """The message as its sender wrote it: transport headers dropped, the others unfolded,
    with whitespace runs made one space, and sorted; the body with LF line endings and no
    trailing blank lines."""
    text = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if text.startswith(b"\n"):
        head, body = b"", text[1:]
    else:
        head, _blank, body = text.partition(b"\n\n")
    fields: list[list[bytes]] = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1].append(line)
        else:
            fields.append([line])
    kept = []
    for field in fields:
        first = field[0]
        if first.startswith(b"From ") and b":" not in first.split(b" ", 2)[1]:
            continue  # an mbox separator line, written by the mailbox, not the sender
        name, colon, value = b" ".join(field).partition(b":")
        if colon and _is_transport(name):
            continue
        kept.append(name.strip().lower() + colon + b" ".join(value.split()))
    kept.sort()
    return b"\n".join(kept) + b"\n\n" + body.rstrip(b"\n")


def fingerprint(raw: bytes, message_id: str, *, note: str = "") -> str:
    """SHA-256 (hex) of the Message-ID and ``content(raw)``; ``note`` sets apart rows that
    keep only part of a message (the headers of one refused as too big)."""
    digest = hashlib.sha256(message_id.encode("utf-8", "surrogateescape") + b"\n")
    if note:
        digest.update(note.encode() + b"\n")
    digest.update(content(raw))
    return digest.hexdigest()


def identify(raw: bytes, *, note: str = "") -> tuple[str, str]:
    """``(message_id, fingerprint)`` for storing ``raw``. Without a Message-ID the message is
    named after its fingerprint, so its repeated deliveries still compare equal."""
    header_id = header_message_id(raw)
    checksum = fingerprint(raw, header_id, note=note)
    return header_id or f"<{checksum}{NO_MESSAGE_ID}", checksum
