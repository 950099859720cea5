"""The header block of a message: repairing it before parsing, decoding its values (RFC 2047
encoded words, raw 8-bit bytes in the message's own charsets) and reading Message-IDs and
mailbox addresses out of it.

Nothing here raises on bad mail: what does not decode is kept as it came and noted in
``defects``.
"""

from __future__ import annotations

import contextlib
import email.header
import email.utils
import hashlib
import re
from email.message import Message

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from aduan.channels.email.text import decode_bytes, fix_surrogates, single_line

NAME_MAX = 200
_MSGID = re.compile(r"<([^<>\s]{1,900})>")
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_MASKED = re.compile(r"aduanencodedword(\d+)x")
# An encoded word with whitespace inside: split across a folded line by a mail server.
_SPLIT_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?\s[^?]*)\?=")
_ENCODED_CHARSET = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?[bBqQ]\?")
_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")
# A header line: a field name (printable, no colon), maybe spaces before the colon.
_FIELD = re.compile(rb"([!-9;-~]+)([ \t]*):")
_KNOWN_FIELD = re.compile(
    rb"(?i)(?:from|sender|reply-to|to|cc|subject|date|message-id|received|return-path"
    rb"|mime-version|content-type|delivered-to)[ \t]*:"
)
_NOT_IN_ADDRESS = re.compile(r"[\s\x00-\x1f<>]")
# Raw 8-bit header bytes, as the email package hands them over (surrogateescape).
_RAW_8BIT = re.compile("[\udc80-\udcff]")
# Header lines looked at when recovering a broken header block (the rest is left alone).
_HEADER_LINES_MAX = 2000
# Message-IDs we keep; longer ones are hashed to fit the column and still compare equal.
MSGID_MAX = 250


def normalise_msgid(value: str) -> str:
    """``<local@domain>`` as written, or ``""``; one too long for the column becomes a hash
    of itself, so both directions still compare equal."""
    value = fix_surrogates(value).strip()
    match = _MSGID.search(value)
    token = match.group(1) if match else value.strip("<> \t")
    if not token or any(ch.isspace() for ch in token):
        return ""
    token = re.sub(r"[\x00-\x1f\x7f]", "", token)
    if len(token) + 2 > MSGID_MAX:
        return f"<{hashlib.sha256(token.encode()).hexdigest()}@long-id.invalid>"
    return f"<{token}>"


def msgid_list(value: str) -> list[str]:
    ids = [normalise_msgid(f"<{token}>") for token in _MSGID.findall(fix_surrogates(value))]
    return [i for i in ids if i]


def _join_split_words(value: str) -> str:
    """Encoded words that a mail server split with folding whitespace inside (``=?utf-8?B?SGVs``
    CRLF `` bG8=?=``) put back together, so they decode as the sender meant. A B word can
    hold no whitespace at all; in a Q word only a line break (a fold) is taken out, since
    some mailers leave plain spaces in Q words."""

    def join(match: re.Match[str]) -> str:
        charset, kind, text = match.groups()
        if kind in "bB":
            joined = re.sub(r"\s+", "", text)
            if not re.fullmatch(r"[A-Za-z0-9+/=]*", joined):
                return match.group(0)
        else:
            joined = re.sub(r"\r?\n[ \t]*", "", text)
            if joined == text:
                return match.group(0)
        return f"=?{charset}?{kind}?{joined}?="

    return _SPLIT_WORD.sub(join, value) if "=?" in value else value


def decode_words(value: str, defects: list[str] | None = None) -> str:
    """A header value with its RFC 2047 encoded words decoded, in whatever charsets they
    claim (or the ones they are really in), and raw 8-bit bytes recovered."""
    value = fix_surrogates(value)
    if "=?" not in value:
        return value
    value = _join_split_words(value)
    try:
        chunks = email.header.decode_header(value)
    except Exception:  # HeaderParseError, binascii.Error, LookupError...
        if defects is not None:
            defects.append("undecodable encoded words")
        return value
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:
            out.append(chunk.decode("raw-unicode-escape", errors="replace"))
        else:
            out.append(decode_bytes(chunk, charset, defects))
    return "".join(out)


def header_map(message: Message) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        result.setdefault(name.lower(), []).append(str(value))
    return result


def _charset_hints(message: Message, raw_headers: dict[str, list[str]]) -> list[str]:
    """The charsets a message declares: its encoded words' first (they describe header
    text), then its parts' Content-Type ones. ASCII and UTF-8 say nothing here."""
    hints = [
        match.group(1)
        for values in raw_headers.values()
        for value in values
        for match in _ENCODED_CHARSET.finditer(value)
    ]
    with contextlib.suppress(ValueError, LookupError, IndexError, AttributeError):
        hints += [str(part.get_content_charset() or "") for part in message.walk()]
    plain = {"", "us-ascii", "ascii", "utf-8", "utf8", "unknown-8bit", "x-unknown"}
    return list(dict.fromkeys(h.strip().lower() for h in hints if h.strip().lower() not in plain))


def decode_8bit_headers(message: Message, raw_headers: dict[str, list[str]]) -> None:
    """Header values with raw 8-bit bytes (or raw ISO-2022-JP escapes, as some Japanese
    mailers write them) decoded in place, with the message's own charsets as hints."""
    hints: list[str] | None = None
    for values in raw_headers.values():
        for index, value in enumerate(values):
            if "\x1b$" in value:
                data = value.encode("utf-8", "surrogateescape")
                values[index] = decode_bytes(data, "iso-2022-jp")
            elif _RAW_8BIT.search(value):
                if hints is None:
                    hints = _charset_hints(message, raw_headers)
                values[index] = fix_surrogates(value, hints)


def recover_headers(raw: bytes) -> tuple[bytes, list[str]]:
    """``raw`` with its header block repaired the way tolerant mail readers do, for parsing
    only (what is stored stays as it came), and what was repaired: junk lines before the
    headers (an mbox "From " line, a stray line) are skipped, a line without a colon inside
    the header block (a folded line that lost its indent) continues the header above it,
    and spaces before a header's colon are dropped. Without a blank line ending the header
    block, or with nothing wrong, ``raw`` comes back as it is."""
    lines: list[bytes] = []
    offset = 0
    seen_field = False
    while True:
        newline = raw.find(b"\n", offset)
        if newline < 0 or len(lines) >= _HEADER_LINES_MAX or (not seen_field and len(lines) > 5):
            return raw, []
        line = raw[offset : newline + 1]
        if line in (b"\n", b"\r\n") and seen_field:
            break
        seen_field = seen_field or bool(_FIELD.match(line))
        lines.append(line)
        offset = newline + 1
    repairs: list[str] = []
    start = next(index for index, line in enumerate(lines) if _FIELD.match(line))
    if start and not (start == 1 and lines[0].startswith(b"From ")):
        # The email package reads an mbox "From " line itself; anything else ends the
        # headers before they begin.
        if not any(_KNOWN_FIELD.match(line) for line in lines[start:]):
            return raw, []
        repairs.append("junk before the headers skipped")
    out = lines[start:]
    for index, line in enumerate(out):
        if line[:1] in (b" ", b"\t") or line.startswith(b"From "):
            continue
        match = _FIELD.match(line)
        if match:
            if match.group(2):
                out[index] = match.group(1) + line[match.end() - 1 :]
                repairs.append("space before a header's colon")
        elif any(_FIELD.match(following) for following in out[index + 1 : index + 4]):
            # More headers follow: this is inside the header block, not the body.
            out[index] = b" " + line
            repairs.append("header line without a colon read as a continuation")
    if not repairs:
        return raw, []
    return b"".join(out) + raw[offset:], list(dict.fromkeys(repairs))


def normalise_address(value: str) -> str:
    """A mailbox address as a person would read it (angle brackets, ``mailto:`` and a
    trailing dot after the domain dropped, lower case, as Aduan compares addresses), or
    ``""`` when Django's validator refuses it: such an address never reaches a customer or an
    acknowledgement."""
    address = value.strip().strip("<>").strip()
    if address[:7].lower() == "mailto:":
        address = address[7:]
    local, at, domain = address.rpartition("@")
    address = f"{local}@{domain.rstrip('.')}".lower()
    if not at or len(address) > 254 or _NOT_IN_ADDRESS.search(address):
        return ""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def _unmask_local_part(address: str, words: list[str]) -> str:
    """An address whose local part held encoded words (``=?utf-8?q?budi?=@contoh.co.id``),
    decoded when each word decodes to plain local-part characters; anything else (an "@", a
    space, a word in the domain) gives ``""``, so an encoded word can never make another
    address."""
    local, _, domain = address.rpartition("@")
    if "aduanencodedword" in domain:
        return ""

    def decoded(match: re.Match[str]) -> str:
        number = int(match.group(1))
        text = decode_words(words[number]) if number < len(words) else ""
        return text if _LOCAL_PART.fullmatch(text) else "\x00"

    local = _MASKED.sub(decoded, local)
    return "" if "\x00" in local or "aduanencodedword" in local else f"{local}@{domain}"


def _bare_address(masked: str) -> tuple[str, str]:
    """(name, address) of ``Budi Santoso budi@contoh.co.id``: one address written without
    angle brackets after the name. Quoted text and comments are never searched."""
    text = re.sub(r'"[^"]*"|\([^()]*\)', " ", masked)
    found = re.findall(r"[^\s<>(),;:\"@]+@[^\s<>(),;:\"@]+", text)
    if len(found) != 1:
        return "", ""
    name = masked.rsplit(found[0], 1)[0].strip(' \t,;<>"')
    return name, found[0]


def first_address(value: str, defects: list[str]) -> tuple[str, str]:
    """(name, address) of the first mailbox with a valid address in an address header."""
    if not value:
        return "", ""
    # Encoded words are masked while the address is parsed and decoded only in the name
    # afterwards (and in the local part only into plain local-part characters), so nothing
    # inside one (a colon, an "@", a CR/LF) can pass for address syntax.
    words: list[str] = []

    def mask(match: re.Match[str]) -> str:
        words.append(match.group(0))
        return f"aduanencodedword{len(words) - 1}x"

    masked = _ENCODED_WORD.sub(mask, _join_split_words(fix_surrogates(value)))
    masked = re.sub(r"(?i)<\s*mailto:", "<", masked)
    pairs = [*email.utils.getaddresses([masked]), _bare_address(masked)]
    for name, written in pairs:
        if "aduanencodedword" in written:
            written = _unmask_local_part(written, words)
        address = normalise_address(written)
        if address:
            name = _MASKED.sub(
                lambda m: words[int(m.group(1))] if int(m.group(1)) < len(words) else "", name
            )
            return single_line(decode_words(name, defects), NAME_MAX), address
    defects.append(f"no usable address in {value[:80]!r}")
    return "", ""
