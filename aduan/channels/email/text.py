"""Text from mail: charsets that lie, HTML turned into plain text, quoted history and
signatures trimmed for the timeline, and HTML made safe to show (nh3)."""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

# Mail labelled ISO-8859-1 or ASCII is very often Windows-1252 (curly quotes, the euro sign),
# as browsers assume too; Windows-1252 decodes every ISO-8859-1 letter the same way.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "windows-1252": "cp1252",
    "x-user-defined": "cp1252",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
    "utf8": "utf-8",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    # Windows' Japanese charsets are supersets (NEC and IBM extensions: ①, ㈱, 髙): mail from
    # Windows labelled with the standard names uses them.
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "iso-2022-jp": "aduan_iso2022jp_ms",
    "iso2022-jp": "aduan_iso2022jp_ms",
    "csiso2022jp": "aduan_iso2022jp_ms",
    "cp50220": "aduan_iso2022jp_ms",
    "cp50221": "aduan_iso2022jp_ms",
    "cp50222": "aduan_iso2022jp_ms",
}
# Control characters never belong in a ticket, and PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe\uffff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# C1 controls (U+0080-U+009F): never text, usually a charset guessed wrong. NEL (U+0085) is
# a line break.
_C1 = re.compile(r"[\x80-\x84\x86-\x9f]")


# --- ISO-2022-JP as Windows writes it ------------------------------------------------------

_JIS_ESCAPES = {
    b"\x1b(B": "ascii",
    b"\x1b(J": "ascii",  # JIS X 0201 Roman: ASCII but for the yen sign and overline
    b"\x1b(I": "kana",  # JIS X 0201 half-width katakana
    b"\x1b$@": "jis",
    b"\x1b$B": "jis",
    b"\x1b&@\x1b$B": "jis",
}


def _iso2022jp_to_cp932(data: bytes) -> bytes:
    """The same text as Shift_JIS bytes, which cp932 (with the NEC and IBM extensions that
    Windows also writes into ISO-2022-JP, Microsoft's CP50220) can read. ValueError when
    ``data`` is not ISO-2022-JP."""
    out = bytearray()
    mode = "ascii"
    index = 0
    while index < len(data):
        byte = data[index]
        if byte == 0x1B:
            for escape, new_mode in _JIS_ESCAPES.items():
                if data.startswith(escape, index):
                    mode = new_mode
                    index += len(escape)
                    break
            else:
                raise ValueError(index)
            continue
        if byte in (0x0E, 0x0F):  # SO/SI around half-width katakana (CP50222)
            mode = "kana" if byte == 0x0E else "ascii"
            index += 1
        elif byte >= 0x80:
            raise ValueError(index)
        elif mode == "ascii" or byte in (0x0A, 0x0D):
            out.append(byte)
            index += 1
        elif mode == "kana":
            if not 0x21 <= byte <= 0x5F:
                raise ValueError(index)
            out.append(byte + 0x80)
            index += 1
        else:
            if index + 1 >= len(data) or not 0x21 <= data[index + 1] <= 0x7E:
                raise ValueError(index)
            row, cell = byte, data[index + 1]
            out.append(((row + 1) >> 1) + (0x70 if row <= 0x5E else 0xB0))
            out.append(cell + (0x1F if cell <= 0x5F else 0x20) if row & 1 else cell + 0x7E)
            index += 2
    return bytes(out)


def _decode_iso2022jp_ms(buffer: ReadableBuffer, errors: str = "strict", /) -> tuple[str, int]:
    data = bytes(buffer)
    try:
        return data.decode("iso2022_jp"), len(data)
    except UnicodeDecodeError:
        pass
    try:
        return _iso2022jp_to_cp932(data).decode("cp932"), len(data)
    except (ValueError, UnicodeDecodeError) as exc:
        if errors == "strict":
            raise UnicodeDecodeError(
                "aduan_iso2022jp_ms", data, 0, len(data), "not ISO-2022-JP"
            ) from exc
    return data.decode("iso2022_jp", errors), len(data)


def _encode_iso2022jp(text: str, errors: str = "strict", /) -> tuple[bytes, int]:
    return text.encode("iso2022_jp", errors), len(text)


def _search_codec(name: str) -> codecs.CodecInfo | None:
    if name != "aduan_iso2022jp_ms":
        return None
    return codecs.CodecInfo(_encode_iso2022jp, _decode_iso2022jp_ms, name="aduan_iso2022jp_ms")


codecs.register(_search_codec)


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None, defects: list[str] | None = None) -> str:
    """``data`` as text: in its declared charset if that works, else UTF-8, else Windows-1252,
    else Latin-1 (which never fails). Never raises; what went wrong goes to ``defects``."""
    codec = _codec(charset)
    if charset and codec is None and defects is not None:
        defects.append(f"unknown charset {charset[:40]!r}")
    if codec == "cp1252" and not data.isascii():
        # Labelled ASCII or Latin-1 but valid UTF-8: mailers that never set a charset. Real
        # Latin-1 text is almost never valid UTF-8 too.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            if defects is not None:
                defects.append(f"text is not valid {charset}")
    for fallback in ("utf-8", "cp1252"):
        if fallback == codec:
            continue
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


_MULTIBYTE = ("utf-8", "gb", "big5", "cp9", "shift_jis", "euc", "iso2022", "aduan_", "johab")


def decode_header_bytes(data: bytes, hints: Sequence[str] = ()) -> str:
    """Raw 8-bit header text (which the RFCs forbid, but mailers send): UTF-8 when it is valid
    UTF-8 (legacy text almost never is, while GBK or Windows-1252 would "decode" UTF-8 into
    nonsense), else the first of ``hints`` (the charsets the message declares elsewhere)
    that reads it, else Windows-1252, else Latin-1."""
    if data.isascii():
        return data.decode("ascii")
    codecs_ = [codec for codec in (_codec(charset) for charset in ("utf-8", *hints)) if codec]
    # Single-byte charsets read any bytes at all: the multi-byte ones, which can tell, first.
    codecs_.sort(key=lambda codec: not codec.startswith(_MULTIBYTE))
    for codec in dict.fromkeys(codecs_):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return decode_bytes(data, None)


def fix_surrogates(value: str, hints: Sequence[str] = ()) -> str:
    """Undo the email package's surrogateescape: raw 8-bit bytes in a header become the text
    they most likely were (see ``decode_header_bytes``)."""
    if not _SURROGATES.search(value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    return decode_header_bytes(raw, hints)


def clean(value: str) -> str:
    """Text safe to store: no control characters, Unix newlines, no trailing spaces."""
    value = _C1.sub("", fix_surrogates(value)).replace("\x85", "\n")
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in value.split("\n")).strip("\n")


def single_line(value: str, limit: int) -> str:
    """One line: every run of whitespace or control characters is one space (C1 controls
    other than NEL are removed). For subjects and names, which can then never break a
    header."""
    value = _C1.sub("", fix_surrogates(value))
    value = re.sub(r"[\s\x00-\x1f\x7f\u2028\u2029\u0085]+", " ", value).strip()
    return value[:limit].strip()


# --- HTML to plain text --------------------------------------------------------------------

# Paragraph-like blocks are separated by a blank line; rows and list items by a line break.
_PARAGRAPH = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "table",
    "ul",
    "ol",
    "dl",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "address",
    "hr",
    "blockquote",
}
_LINE = {"li", "tr", "dt", "dd", "br"}
_SKIP = {"script", "style", "head", "title", "noscript", "template"}


class _TextExtractor(HTMLParser):
    """Plain text of an HTML mail: blocks become lines, list items get a dash, quoted
    (``blockquote``) parts get "> " like a plain-text reply, scripts and styles vanish."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0
        self.quote = 0
        self.pre = 0

    def _flush(self) -> None:
        text = "".join(self.current)
        self.current = []
        if self.pre:
            parts = text.split("\n")
        else:
            parts = [re.sub(r"[ \t\r\n\f\xa0]+", " ", text).strip()]
            if not parts[0]:
                return
        prefix = "> " * self.quote
        self.lines.extend((prefix + part).rstrip() for part in parts)

    def _gap(self) -> None:
        self._flush()
        if self.lines and self.lines[-1].strip("> "):
            self.lines.append(("> " * self.quote).rstrip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if tag in _PARAGRAPH:
            self._gap()
        elif tag in _LINE:
            self._flush()
        if tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "li":
            self.current.append("- ")
        elif tag in ("td", "th"):
            self.current.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.current.append(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "blockquote":
            self._flush()
            self.quote = max(0, self.quote - 1)
        if tag in _PARAGRAPH:
            self._gap()
        elif tag in _LINE:
            self._flush()
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)

    def text(self) -> str:
        self._flush()
        lines = self.lines
        for index, line in enumerate(lines[:-1]):
            # A blank line closing a quote is a blank line, not a quoted one.
            if line and not line.strip(">") and not lines[index + 1].startswith(">"):
                lines[index] = ""
        out = "\n".join(lines)
        out = re.sub(r"(?m)^(>\s?)+$", lambda m: m.group(0).strip(), out)
        out = re.sub(r"\n(?:>*\n){2,}", "\n\n", out)
        return re.sub(r"(?:\n>*)+$", "", out).strip()


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
        return clean(re.sub(r"<[^>]+>", " ", html.unescape(markup)))
    return clean(parser.text())


_ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}


def safe_html(markup: str) -> str:
    """HTML that may be shown in Aduan's pages: nh3 keeps formatting and links and drops
    scripts, styles, event handlers, forms and remote images (no tracking pixels)."""
    return nh3.clean(
        markup,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "td": {"colspan", "rowspan"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


# --- quoted history and signatures ----------------------------------------------------------

# "On Tue, 3 Mar 2026 at 09:00, Budi <budi@x> wrote:" and its Indonesian, Dutch, German,
# French and Spanish forms; the attribution may be wrapped over two lines.
_ATTRIBUTION = re.compile(
    r"^(?:on\b.{0,200}\bwrote|pada\b.{0,200}\b(?:menulis|wrote)|op\b.{0,200}\bschreef"
    r"|am\b.{0,200}\bschrieb|le\b.{0,200}\ba écrit|el\b.{0,200}\bescribió)\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ORIGINAL = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|pesan asli|ursprüngliche nachricht|message d'origine)"
    r"\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
# Outlook's header block of the quoted mail: "From: ..." followed by "Sent:"/"Date:".
_OUTLOOK_FROM = re.compile(r"^\s*\*?(?:from|dari|von|de)\s*:\*?\s", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(
    r"^\s*\*?(?:sent|date|tanggal|dikirim|gesendet|envoyé|to|kepada)\s*:", re.IGNORECASE
)
_FORWARDED = re.compile(
    r"^\s*-{2,}\s*(?:forwarded message|pesan yang diteruskan|weitergeleitete nachricht)",
    re.IGNORECASE,
)
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(?:sent from my \w+|dikirim dari \w+|sent from (?:outlook|mail|yahoo|samsung)"
    r"|get outlook for \w+|kirim dari \w+)",
    re.IGNORECASE,
)


def visible_part(text: str) -> str:
    """What the sender wrote this time, for the timeline: the quoted earlier mail (after an
    attribution line, an "Original Message" separator or "> " lines) and the signature
    (after "-- ") are cut. A forwarded message is the content and is never cut. When
    cutting would leave nothing, the whole text is kept."""
    lines = text.split("\n")
    end = len(lines)
    for index, line in enumerate(lines):
        if _FORWARDED.match(line):
            break
        stripped = line.strip()
        if line in ("-- ", "--") or _MOBILE_SIGNATURE.match(line):
            end = index
            break
        if _ORIGINAL.match(line):
            end = index
            break
        if _OUTLOOK_FROM.match(line) and any(
            _OUTLOOK_NEXT.match(following) for following in lines[index + 1 : index + 4]
        ):
            end = index
            break
        if stripped and not stripped.startswith(">"):
            # An attribution counts only when quoted lines follow it, so a customer's own
            # "On Monday I wrote:" stays.
            width = 0
            if _ATTRIBUTION.match(stripped):
                width = 1
            elif index + 1 < len(lines) and _ATTRIBUTION.match(f"{stripped} {lines[index + 1]}"):
                width = 2
            following = [ln for ln in lines[index + width :] if ln.strip()]
            if width and (not following or following[0].lstrip().startswith(">")):
                end = index
                break
        # A block of quoted lines with nothing but quotes and blanks after it is history;
        # quotes interleaved with answers stay (the answers need them).
        if stripped.startswith(">") and all(
            not ln.strip() or ln.lstrip().startswith(">") for ln in lines[index:]
        ):
            end = index
            break
    visible = "\n".join(lines[:end]).strip()
    return visible or text.strip()
