"""The parts of a message: which of them are the body (read the way a mail reader shows it)
and which are files, each decoded from its transfer encoding only, with a name.

Nothing here raises on bad mail: broken encodings are decoded as far as they are valid and
noted in ``defects``.
"""

from __future__ import annotations

import binascii
import email.parser
import email.policy
import email.utils
import mimetypes
import os
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from typing import Any

from aduan.channels.email import decoding
from aduan.channels.email.headers import NAME_MAX, decode_words, header_map, normalise_msgid
from aduan.channels.email.text import clean, decode_bytes, html_to_text, single_line

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


POLICY = email.policy.default.clone(message_factory=_Message)


@dataclass
class Part:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""


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
class Body:
    """What a part contributes to the body: texts in reading order, the HTML kept, and every
    part read as body (whatever is not is an attachment)."""

    shown: list[_Text] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    used: list[Message] = field(default_factory=list)

    def words(self) -> str:
        return " ".join(" ".join(text.rendered() for text in self.shown).split())


def _read_body(part: Message, body: Body, defects: list[str]) -> None:
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


def _read_alternative(children: list[Message], body: Body, defects: list[str]) -> None:
    """The plain alternative, unless it is empty or only a banner ("this message is in HTML,
    view it in a browser"): then the HTML, turned into text. Every alternative is body."""
    options = []
    for child in children:
        option = Body()
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


def _is_stub(plain: Body, rich: Body) -> bool:
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


def read_body(message: Message, defects: list[str]) -> Body:
    """The body: text parts in reading order (of alternatives the plain one, unless it is
    empty or only a banner: then the HTML turned into text)."""
    body = Body()
    if message.get_content_maintype() == "multipart" and message.is_multipart():
        _read_body(message, body, defects)
    elif message.get_content_maintype() in ("text", "multipart") and not (
        _disposition(message) == "attachment" and _filename(message, defects)
    ):
        # One text part (of any text type), or a "multipart" without a boundary.
        text = _Text(message, _text_of(message, defects), message.get_content_type() == "text/html")
        body.shown.append(text)
        body.used.append(message)
        if text.html:
            body.html.append(text.content)
    return body


def read_attachments(
    message: Message, body: Body, defects: list[str]
) -> tuple[list[Part], list[str]]:
    """Every part that is not ``body``, as a named file, and the Message-IDs of the original
    mail quoted in a bounce's parts."""
    report = message.get_content_type() == "multipart/report"
    files: list[Part] = []
    returned_ids: list[str] = []
    taken: set[str] = set()
    for leaf in _leaves(message):
        if any(leaf is used for used in body.used):
            continue
        content_type = leaf.get_content_type()
        if content_type in ("message/delivery-status", "text/rfc822-headers") or (
            content_type == "message/rfc822" and report
        ):
            returned_ids += _returned_ids(leaf, defects)
        disposition = _disposition(leaf)
        content_id = single_line(" ".join(header_map(leaf).get("content-id", [])), 250).strip("<> ")
        data, suggested = _attachment(leaf, content_type, defects)
        name = _filename(leaf, defects)
        if name and content_type in _ATTACHED_MESSAGES and not name.lower().endswith(".eml"):
            name += ".eml"
        name = name or _unique(suggested or _unnamed(content_type, content_id), taken)
        taken.add(name.lower())
        files.append(
            Part(
                filename=name,
                content_type=content_type,
                data=data,
                inline=disposition == "inline" or (not disposition and bool(content_id)),
                content_id=content_id,
            )
        )
    return files, returned_ids
