"""Reading one RFC 822 message with Python's email package (``policy=email.policy.default``).

Nothing here raises on bad mail: a header that does not parse is read raw, text in a charset
that lies is decoded as well as possible, and every problem is noted in ``defects``. What
comes out is plain data; deciding what to do with it is the services' job. The header block
is read in ``headers``, the body and the files in ``parts``.
"""

from __future__ import annotations

import email
from dataclasses import dataclass, field
from email.message import EmailMessage

from aduan.channels.email.headers import (
    NAME_MAX,
    decode_8bit_headers,
    decode_words,
    first_address,
    header_map,
    msgid_list,
    normalise_msgid,
    recover_headers,
)
from aduan.channels.email.parts import POLICY, Part, read_attachments, read_body
from aduan.channels.email.text import clean, single_line

SUBJECT_MAX = 255


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


def parse(raw: bytes) -> ParsedMail:
    """Read ``raw`` into a ParsedMail. Raises only on programming errors."""
    readable, repairs = recover_headers(raw)
    message = email.message_from_bytes(readable, policy=POLICY)
    assert isinstance(message, EmailMessage)
    defects = [*repairs, *(type(defect).__name__ for defect in message.defects)]
    raw_headers = header_map(message)
    decode_8bit_headers(message, raw_headers)
    parsed = ParsedMail(raw_headers=raw_headers, defects=defects)

    parsed.message_id = normalise_msgid(raw_headers.get("message-id", [""])[0])
    parsed.in_reply_to = msgid_list(" ".join(raw_headers.get("in-reply-to", [])))
    parsed.references = msgid_list(" ".join(raw_headers.get("references", [])))
    parsed.subject = single_line(
        decode_words(raw_headers.get("subject", [""])[0], defects), SUBJECT_MAX
    )
    # The first From with a usable address (mailers that write two take the second).
    for value in raw_headers.get("from", [])[:5]:
        parsed.from_name, parsed.from_address = first_address(value, defects)
        if parsed.from_address:
            break
    reply_to_name, parsed.reply_to = first_address(raw_headers.get("reply-to", [""])[0], defects)
    sender_name, parsed.sender = first_address(raw_headers.get("sender", [""])[0], defects)
    if not parsed.from_address:
        written = single_line(decode_words(raw_headers.get("from", [""])[0]), NAME_MAX)
        # "From: Budi Santoso" without an address still names the person.
        from_name = "" if "@" in written or "<" in written else written
        parsed.from_name = from_name or reply_to_name or sender_name
    return_path = raw_headers.get("return-path", [""])[0].strip()
    parsed.return_path = (
        "<>"
        if return_path.replace(" ", "") == "<>"
        else (first_address(return_path, defects)[1] if return_path else "")
    )
    parsed.content_type = message.get_content_type()
    if parsed.content_type == "multipart/report":
        parsed.report_type = str(message.get_param("report-type") or "").lower()

    # The body: text parts in reading order (of alternatives the plain one, unless it is
    # empty or only a banner: then the HTML turned into text); every other part is a file.
    body = read_body(message, defects)
    parsed.html = clean("\n".join(body.html))
    texts = [text.rendered() for text in body.shown]
    parsed.attachments, parsed.returned_ids = read_attachments(message, body, defects)
    parsed.text = clean("\n\n".join(t for t in (clean(text) for text in texts) if t))
    parsed.defects = list(dict.fromkeys(defects))
    return parsed
