"""What the corpus generators share: the list of cases, typical headers and MIME parts.

``make_corpus.py`` writes the original cases; ``cases_*.py`` modules add one category each
(issue 8: real-world mail) through the same ``add``.
"""

from __future__ import annotations

import base64
import hashlib
import quopri
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REF = "ADU-0000-000000"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
ZIP = b"PK\x05\x06" + b"\x00" * 18
CASES: list[dict[str, Any]] = []
# The address head() writes by default: the sender most cases expect.
BUDI = "budi@contoh.co.id"
BIG_PDF_BYTES = 20_000_000


def sha256(data: bytes) -> str:
    """An expected attachment's hash, from the exact bytes the case put in."""
    return hashlib.sha256(data).hexdigest()


def unencoded_part(text: str) -> bytes:
    """The bytes of a part written without a transfer encoding and followed by a boundary:
    the line break before the boundary belongs to the boundary (RFC 2046, 5.1.1)."""
    return text.removesuffix("\n").encode()


def unencoded_part_hashes(text: str) -> dict[str, str]:
    """``sha256`` of such a part as written (LF line endings: what a pipe gets) and
    ``sha256_crlf`` as an IMAP server hands the message out (CRLF): without a transfer
    encoding the line endings are the transport's."""
    data = unencoded_part(text)
    return {
        "sha256": sha256(data),
        "sha256_crlf": sha256(re.sub(rb"\r\n|\r|\n", b"\r\n", data)),
    }


def big_pdf() -> bytes:
    """The 20 MB attachment of the generated case (built by the test, not committed)."""
    data = b"%PDF-1.4\n" + bytes(range(256)) * (BIG_PDF_BYTES // 256) + b"\n%%EOF\n"
    return data[:BIG_PDF_BYTES]


def b64(data: bytes) -> str:
    return base64.encodebytes(data).decode()


def qp(text: str, charset: str = "utf-8") -> str:
    return quopri.encodestring(text.encode(charset)).decode()


def head(
    *,
    sender: str = f"Budi Santoso <{BUDI}>",
    subject: str = "Internet mati di lab",
    message_id: str | None = None,
    extra: str = "",
) -> str:
    lines = [
        "Return-Path: <" + (sender.split("<")[-1].rstrip(">") if "<" in sender else sender) + ">",
        "Received: from mx.contoh.co.id (mx.contoh.co.id [203.0.113.5]) by mail.aduan.test",
        f"From: {sender}",
        "To: Helpdesk <helpdesk@aduan.test>",
        f"Subject: {subject}",
        "Date: Tue, 03 Mar 2026 09:15:00 +0700",
        f"Message-ID: {message_id or '<' + str(len(CASES) + 1) + '.corpus@contoh.co.id>'}",
        "MIME-Version: 1.0",
    ]
    text = "\n".join(lines) + "\n"
    if extra:
        text += extra.strip("\n") + "\n"
    return text


def add(name: str, raw: str | bytes, description: str, **expected: Any) -> None:
    data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
    CASES.append({"file": f"{name}.eml", "description": description, **expected, "_raw": data})


def text_plain(body: str, charset: str = "us-ascii", cte: str = "7bit") -> str:
    return (
        f'Content-Type: text/plain; charset="{charset}"\nContent-Transfer-Encoding: {cte}\n\n{body}'
    )


def mixed(body: str, *parts: tuple[str, str, bytes], boundary: str = "mix") -> str:
    out = f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n--{boundary}\n{body}\n'
    for headers, _name, data in parts:
        out += f"--{boundary}\n{headers}\nContent-Transfer-Encoding: base64\n\n{b64(data)}"
    return out + f"--{boundary}--\n"
