"""Reading one RFC 822 message with Python's email package (``policy=email.policy.default``).

Nothing here raises on bad mail: a header that does not parse is read raw, text in a charset
that lies is decoded as well as possible, and every problem is noted in ``defects``. What
comes out is plain data; deciding what to do with it is the services' job.
"""

from __future__ import annotations

import binascii
import contextlib
import email
import email.header
import email.parser
import email.policy
import email.utils
import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from aduan.channels.email import decoding
from aduan.channels.email.text import clean, decode_bytes, fix_surrogates, html_to_text, single_line

SUBJECT_MAX = 255
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


# Attached messages are left unparsed (see _Message), so their bytes stay as they came.
_ATTACHED_MESSAGES = ("message/rfc822", "message/global")
_UUENCODE = ("x-uuencode", "uuencode", "uue", "x-uue")
_BODY_TYPES = ("text/plain", "text/html")
# A plain alternative this short that talks about HTML or a browser may be only a banner.
_STUB_MAX = 400
_BANNER = re.compile(
    r"\bhtml\b|browser|web ?page|web version|view (?:it |this )?online"
    r"|mail (?:client|program|reader|software)|peramban|versi web|tampilan web",
    re.IGNORECASE,
)
# Outlook names inline pictures in their Content-ID: <image001.jpg@01D9A1B2.C3D4E5F0>.
_CID_FILENAME = re.compile(r"\w[\w .()+-]{0,150}\.[A-Za-z][A-Za-z0-9]{1,4}")
# Names for parts that come without one (mimetypes' answers vary with the machine).
_EXTENSIONS = {
    "text/plain": ".txt",
    "text/html": ".html",
    "text/csv": ".csv",
    "text/calendar": ".ics",
    "text/rfc822-headers": ".txt",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "application/octet-stream": ".bin",
    "application/pdf": ".pdf",
    "message/rfc822": ".eml",
    "message/global": ".eml",
    "message/delivery-status": ".txt",
    "message/disposition-notification": ".txt",
}
_STEMS = {
    "image": "image",
    "audio": "audio",
    "video": "video",
    "text": "document",
    "message": "message",
    "text/rfc822-headers": "headers",
    "message/delivery-status": "delivery-status",
    "message/disposition-notification": "notification",
}


class _Message(EmailMessage):
    """A part as the email package parses it, except that an attached message
    (message/rfc822 and the other message/* types) is not parsed: its payload stays the
    bytes it came as, where the package would rebuild it from its parts (folding, line
    endings and encodings changed). message/delivery-status is parsed all the same."""

    def get_content_maintype(self) -> str:
        maintype = super().get_content_maintype()
        return "application" if maintype == "message" else maintype

    def get_content_type(self) -> str:
        # The package parses the Content-Type header again on every call, and reading a
        # message asks a part's type a dozen times: remember it for the header's raw value.
        raw = next(
            (value for name, value in self.raw_items() if name.lower() == "content-type"), ""
        )
        key = (raw, self.get_default_type())
        cached: tuple[tuple[str, str], str] | None = self.__dict__.get("_aduan_type")
        if cached is None or cached[0] != key:
            cached = (key, super().get_content_type())
            self.__dict__["_aduan_type"] = cached
        return cached[1]


_POLICY = email.policy.default.clone(message_factory=_Message)


@dataclass
class Part:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""


@dataclass
class ParsedMail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_address: str = ""
    from_name: str = ""
    reply_to: str = ""
    sender: str = ""
    return_path: str = ""
    text: str = ""
    html: str = ""
    attachments: list[Part] = field(default_factory=list)
    # Lower-case header name -> its raw values; ``header()`` decodes what is asked for.
    raw_headers: dict[str, list[str]] = field(default_factory=dict)
    content_type: str = "text/plain"
    report_type: str = ""
    # Message-IDs quoted inside a bounce (message/rfc822 or text/rfc822-headers parts).
    returned_ids: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        values = self.header_values(name)
        return values[0] if values else ""

    def header_values(self, name: str) -> list[str]:
        """Every value of a header, encoded words decoded, each on one line."""
        return [
            single_line(decode_words(value), 2000)
            for value in self.raw_headers.get(name.lower(), [])
        ]

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, the most recent first."""
        ids = [*self.in_reply_to, *reversed(self.references)]
        return list(dict.fromkeys(ids))


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


def _raw_headers(message: Message) -> dict[str, list[str]]:
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


def _decode_8bit_headers(message: Message, raw_headers: dict[str, list[str]]) -> None:
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


def _address(value: str, defects: list[str]) -> tuple[str, str]:
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


def _charset(part: Message) -> str | None:
    try:
        value = part.get_param("charset")
    except (ValueError, LookupError, IndexError):  # pragma: no cover - defensive
        return None
    if isinstance(value, tuple):
        value = email.utils.collapse_rfc2231_value(value)
    return str(value) if value else None


def _raw_payload(part: Message) -> bytes:
    """The part's body as it was in the mail, still transfer-encoded."""
    # get_payload() would hand back 8-bit text already decoded, bad bytes replaced.
    payload = getattr(part, "_payload", None)
    if payload is None:
        payload = part.get_payload()
    if isinstance(payload, bytes):
        return payload
    text = str(payload)
    try:
        # The parser read the bytes as ASCII with surrogate escapes: this gives them back.
        return text.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def _transfer_encoding(part: Message) -> str:
    return str(part.get("content-transfer-encoding", "") or "").strip().strip("\"'").lower()


def _payload(part: Message, defects: list[str]) -> bytes:
    """The part's bytes decoded from the transfer encoding only, so a file is the sender's
    file: never re-encoded through a charset, line endings as sent. Broken base64 and
    uuencode are decoded as far as they are valid."""
    payload = part.get_payload()
    if isinstance(payload, list):
        # message/delivery-status: the parser split it into header blocks.
        return _serialised(payload, defects)
    data = _raw_payload(part)
    encoding = _transfer_encoding(part)
    if encoding == "base64":
        return decoding.base64(data, defects)
    if encoding == "quoted-printable":
        return binascii.a2b_qp(data)
    if encoding in _UUENCODE:
        return decoding.uudecode(data, defects)[0]
    return data


def _serialised(parts: list[Any], defects: list[str]) -> bytes:
    out = []
    for part in parts:
        if not isinstance(part, Message):
            continue
        for policy in (email.policy.default, email.policy.compat32):
            try:
                out.append(part.as_bytes(policy=policy))
                break
            except (ValueError, LookupError, UnicodeError, IndexError, AttributeError):
                continue
        else:
            defects.append("a part could not be re-serialised")
    return b"".join(out)


def _text_of(part: Message, defects: list[str]) -> str:
    return decode_bytes(_payload(part, defects), _charset(part), defects)


def _filename(part: Message, defects: list[str]) -> str:
    try:
        name = part.get_filename()
    except (ValueError, LookupError, IndexError, AssertionError):
        defects.append("undecodable file name")
        name = None
    if not name:
        # Some mailers put the name only on Content-Type.
        try:
            raw_name = part.get_param("name")
        except (ValueError, LookupError, IndexError):  # pragma: no cover - defensive
            raw_name = None
        if isinstance(raw_name, tuple):
            raw_name = email.utils.collapse_rfc2231_value(raw_name)
        name = str(raw_name) if raw_name else None
    return single_line(decode_words(name, defects), NAME_MAX) if name else ""


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except (ValueError, IndexError):  # pragma: no cover - defensive
        return ""


def _message_bytes(part: Message, defects: list[str]) -> bytes:
    """An attached message as it arrived: ``_Message`` leaves it unparsed. (Only a message
    parsed some other way is rebuilt from its parts.)"""
    payload = part.get_payload()
    if isinstance(payload, list):
        return _serialised(payload, defects)
    return _payload(part, defects)


def _message_name(data: bytes, defects: list[str]) -> str:
    """``<subject>.eml`` for an attached message; path separators would cut the name."""
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data[:65536])
    subject = single_line(decode_words(str(headers.get("subject", "") or ""), defects), 150)
    stem = single_line(re.sub(r"[/\\]+", " ", subject), 150)
    return f"{stem or 'message'}.eml"


def _leaves(part: Message) -> list[Message]:
    """Every non-container part in order; an attached message (message/rfc822) is one leaf,
    kept whole as an .eml file."""
    if part.get_content_maintype() == "multipart" and part.is_multipart():
        children = part.get_payload()
        if isinstance(children, list):
            return [
                leaf for child in children if isinstance(child, Message) for leaf in _leaves(child)
            ]
    return [part]


def _unnamed(content_type: str, content_id: str) -> str:
    """A name for a part that came without one: the file name Outlook puts in the
    Content-ID (``image001.jpg@01D9...``), else one after its type (``image.png``,
    ``document.html``, ``attachment.bin``)."""
    local = content_id.partition("@")[0].strip()
    if _CID_FILENAME.fullmatch(local):
        return local
    extension = _EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type) or ".bin"
    stem = _STEMS.get(content_type) or _STEMS.get(content_type.partition("/")[0], "attachment")
    return stem + extension


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``... if a part before has it."""
    stem, extension = os.path.splitext(name)
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate, number = f"{stem}-{number}{extension}", number + 1
    return candidate


def _attachment(leaf: Message, content_type: str, defects: list[str]) -> tuple[bytes, str]:
    """The part's bytes, and the name its content suggests for when it has none."""
    if content_type.startswith("message/"):
        data = _message_bytes(leaf, defects)
        return data, _message_name(data, defects) if content_type in _ATTACHED_MESSAGES else ""
    if _transfer_encoding(leaf) in _UUENCODE:
        # The name on uuencode's "begin" line.
        data, name = decoding.uudecode(_raw_payload(leaf), defects)
        return data, single_line(name, NAME_MAX)
    return _payload(leaf, defects), ""


@dataclass
class _Text:
    """A part read as (some of) the body: its text, or its HTML turned into text when asked."""

    part: Message
    content: str
    html: bool
    _rendered: str | None = None

    def rendered(self) -> str:
        if self._rendered is None:
            self._rendered = html_to_text(clean(self.content)) if self.html else self.content
        return self._rendered


@dataclass
class _Body:
    """What a part contributes to the body: texts in reading order, the HTML kept, and every
    part read as body (whatever is not is an attachment)."""

    shown: list[_Text] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    used: list[Message] = field(default_factory=list)

    def words(self) -> str:
        return " ".join(" ".join(text.rendered() for text in self.shown).split())


def _read_body(part: Message, body: _Body, defects: list[str]) -> None:
    """Like a mail reader: every text part of a multipart/mixed in order, the best of a
    multipart/alternative, the root of a multipart/related."""
    content_type = part.get_content_type()
    if part.get_content_maintype() == "multipart" and part.is_multipart():
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        if content_type == "multipart/alternative":
            _read_alternative(children, body, defects)
        elif content_type == "multipart/related" and children:
            _read_body(_related_root(part, children), body, defects)
        else:
            for child in children:
                _read_body(child, body, defects)
        return
    if content_type not in _BODY_TYPES or _disposition(part) == "attachment":
        return
    if body.shown and _filename(part, []):
        return  # a named text after the body is a file
    text = _Text(part, _text_of(part, defects), content_type == "text/html")
    body.shown.append(text)
    body.used.append(part)
    if text.html:
        body.html.append(text.content)


def _read_alternative(children: list[Message], body: _Body, defects: list[str]) -> None:
    """The plain alternative, unless it is empty or only a banner ("this message is in HTML,
    view it in a browser"): then the HTML, turned into text. Every alternative is body."""
    options = []
    for child in children:
        option = _Body()
        _read_body(child, option, defects)
        if option.shown:
            options.append(option)
    if not options:
        return
    plain = next((option for option in options if not option.html), None)
    rich = next((option for option in reversed(options) if option.html), None)
    chosen = plain or options[0]
    if rich is not None and (plain is None or _is_stub(plain, rich)):
        chosen = rich
    body.shown += chosen.shown
    body.html += rich.html if rich is not None else []
    body.used += [part for option in options for part in option.used]


def _is_stub(plain: _Body, rich: _Body) -> bool:
    """Whether the plain alternative stands in for the HTML rather than saying what it says:
    empty, or a short banner about HTML or a browser whose words the HTML mostly lacks (a
    real alternative shares most of its words with the HTML)."""
    words = plain.words()
    if not words:
        return bool(rich.words())
    if len(words) > _STUB_MAX or not _BANNER.search(words):
        return False
    own = set(re.findall(r"\w+", words.lower()))
    shared = own & set(re.findall(r"\w+", rich.words().lower()))
    return len(shared) < len(own) / 2


def _related_root(part: Message, children: list[Message]) -> Message:
    """The part a multipart/related shows: the one its ``start`` names, else the first."""
    try:
        start = part.get_param("start")
    except (ValueError, LookupError, IndexError):  # pragma: no cover - defensive
        start = None
    if isinstance(start, str) and start.strip("<> "):
        for child in children:
            if str(child.get("content-id", "") or "").strip("<> ") == start.strip("<> "):
                return child
    return children[0]


def _returned_ids(part: Message, defects: list[str]) -> list[str]:
    """Message-IDs of the original mail inside a bounce."""
    if part.get_content_type() == "message/rfc822":
        text = _message_bytes(part, defects)[:65536].decode("utf-8", "replace")
    else:
        text = _text_of(part, defects)[:65536]
    header_block = re.split(r"\r?\n\r?\n", text, maxsplit=1)[0]
    return [
        msgid
        for match in re.finditer(r"(?im)^message-id:\s*(.+)$", header_block)
        if (msgid := normalise_msgid(match.group(1)))
    ]


def parse(raw: bytes) -> ParsedMail:
    """Read ``raw`` into a ParsedMail. Raises only on programming errors."""
    readable, repairs = recover_headers(raw)
    message = email.message_from_bytes(readable, policy=_POLICY)
    assert isinstance(message, EmailMessage)
    defects = [*repairs, *(type(defect).__name__ for defect in message.defects)]
    raw_headers = _raw_headers(message)
    _decode_8bit_headers(message, raw_headers)
    parsed = ParsedMail(raw_headers=raw_headers, defects=defects)

    parsed.message_id = normalise_msgid(raw_headers.get("message-id", [""])[0])
    parsed.in_reply_to = msgid_list(" ".join(raw_headers.get("in-reply-to", [])))
    parsed.references = msgid_list(" ".join(raw_headers.get("references", [])))
    parsed.subject = single_line(
        decode_words(raw_headers.get("subject", [""])[0], defects), SUBJECT_MAX
    )
    # The first From with a usable address (mailers that write two take the second).
    for value in raw_headers.get("from", [])[:5]:
        parsed.from_name, parsed.from_address = _address(value, defects)
        if parsed.from_address:
            break
    reply_to_name, parsed.reply_to = _address(raw_headers.get("reply-to", [""])[0], defects)
    sender_name, parsed.sender = _address(raw_headers.get("sender", [""])[0], defects)
    if not parsed.from_address:
        written = single_line(decode_words(raw_headers.get("from", [""])[0]), NAME_MAX)
        # "From: Budi Santoso" without an address still names the person.
        from_name = "" if "@" in written or "<" in written else written
        parsed.from_name = from_name or reply_to_name or sender_name
    return_path = raw_headers.get("return-path", [""])[0].strip()
    parsed.return_path = (
        "<>"
        if return_path.replace(" ", "") == "<>"
        else (_address(return_path, defects)[1] if return_path else "")
    )
    parsed.content_type = content_type = message.get_content_type()
    if content_type == "multipart/report":
        parsed.report_type = str(message.get_param("report-type") or "").lower()

    # The body: text parts in reading order (of alternatives the plain one, unless it is
    # empty or only a banner: then the HTML turned into text); every other part is a file.
    body = _Body()
    if message.get_content_maintype() == "multipart" and message.is_multipart():
        _read_body(message, body, defects)
    elif message.get_content_maintype() in ("text", "multipart") and not (
        _disposition(message) == "attachment" and _filename(message, defects)
    ):
        # One text part (of any text type), or a "multipart" without a boundary.
        text = _Text(message, _text_of(message, defects), content_type == "text/html")
        body.shown.append(text)
        body.used.append(message)
        if text.html:
            body.html.append(text.content)
    parsed.html = clean("\n".join(body.html))
    texts = [text.rendered() for text in body.shown]

    taken: set[str] = set()
    for leaf in _leaves(message):
        if any(leaf is used for used in body.used):
            continue
        content_type = leaf.get_content_type()
        if content_type in ("message/delivery-status", "text/rfc822-headers") or (
            content_type == "message/rfc822" and parsed.content_type == "multipart/report"
        ):
            parsed.returned_ids += _returned_ids(leaf, defects)
        disposition = _disposition(leaf)
        content_id = single_line(" ".join(_raw_headers(leaf).get("content-id", [])), 250).strip(
            "<> "
        )
        data, suggested = _attachment(leaf, content_type, defects)
        name = _filename(leaf, defects)
        if name and content_type in _ATTACHED_MESSAGES and not name.lower().endswith(".eml"):
            name += ".eml"
        name = name or _unique(suggested or _unnamed(content_type, content_id), taken)
        taken.add(name.lower())
        parsed.attachments.append(
            Part(
                filename=name,
                content_type=content_type,
                data=data,
                inline=disposition == "inline" or (not disposition and bool(content_id)),
                content_id=content_id,
            )
        )
    parsed.text = clean("\n\n".join(t for t in (clean(text) for text in texts) if t))
    parsed.defects = list(dict.fromkeys(defects))
    return parsed
