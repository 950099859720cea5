"""Loops and noise: which mail never opens a ticket or gets an answer, who is sending too
much, and how many system mails one recipient may get about one ticket.

Aduan answers people, never machines: an auto-reply answering our acknowledgement, a bounce,
an out-of-office notice or a read receipt is stored and listed (status ``ignored``), and that
is all. Every mail Aduan sends says ``Auto-Submitted`` so well-behaved autoresponders stay
quiet; for the others the cap below stops the ping-pong.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import functools
import re
from email.message import Message

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aduan.channels.cache import cached
from aduan.channels.email.models import InboundMessage, OutboundMessage
from aduan.channels.email.parsing import ParsedMail
from aduan.tickets.models import Ticket

REASONS: dict[str, Promise] = {
    "auto_submitted": _("Sent by a machine (Auto-Submitted header)."),
    "precedence": _("Bulk or list mail (Precedence header)."),
    "bounce": _("A delivery failure report (bounce)."),
    "delay": _("A delivery delay notice: the mail is still being tried."),
    "receipt": _("A read or delivery receipt."),
    "auto_reply": _("An automatic reply or out-of-office notice."),
    "loop": _("Mail from Aduan itself (a loop)."),
    "flood": _("The sender sent too many messages in a short time; held for review."),
    "too_big": _("The message is larger than Aduan accepts."),
    "no_sender": _("The message names no usable sender address."),
    "error": _("Processing failed."),
}

# Subjects that mailers give automatic replies when they set no header at all.
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:auto(?:matic)?[\s_-]*(?:reply|response|antwort)|autoreply|out of (?:the )?office"
    r"|balasan otomatis|di luar kantor|sedang cuti|abwesenheitsnotiz|réponse automatique"
    r"|respuesta automática|delivery status notification|undeliverable|undelivered mail"
    r"|mail delivery failed|returned mail|failure notice)\b",
    re.IGNORECASE,
)
# What mail servers call a delay warning (no RFC 3464 report to read the Action from).
_DELAY_SUBJECT = re.compile(
    r"^\s*(?:delayed mail|warning: message \S+ delayed|warning: could not send message"
    r"|delivery (?:status notification \(delay\)|delayed|delay notification)"
    r"|message delayed|mail delivery delayed)",
    re.IGNORECASE,
)
_ACTION = re.compile(r"(?im)^action:[ \t]*([a-z]+)")
_DAEMONS = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|noreply-dmarc)@", re.IGNORECASE)
# Every mail Aduan sends carries this X-Loop value.
LOOP_MARK = "aduan-helpdesk"


def own_addresses() -> set[str]:
    from email.utils import parseaddr

    from aduan.channels.email.models import Mailbox

    def load() -> set[str]:
        rows = Mailbox.objects.exclude(address="").values_list("address", flat=True)
        return {address.lower() for address in rows}

    addresses = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()} | cached("addresses", load)
    return addresses - {""}


def delivery_actions(raw: bytes) -> set[str]:
    """The ``Action`` of every recipient in the delivery status parts of a report (RFC 3464:
    failed, delayed, delivered, relayed, expanded), lower-case."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    actions: set[str] = set()
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        try:
            if isinstance(payload, list):
                text = "\n".join(b.as_string() for b in payload if isinstance(b, Message))
            else:
                data = part.get_payload(decode=True)
                text = data.decode("latin-1") if isinstance(data, bytes) else str(payload)
        except (ValueError, LookupError, UnicodeError, TypeError):
            continue
        actions.update(action.lower() for action in _ACTION.findall(text))
    return actions


def _report_reason(parsed: ParsedMail, raw: bytes) -> str:
    """A ``multipart/report``: a read receipt, a bounce (some recipient failed, or the report
    says nothing readable), a delay notice, or a delivery receipt (all delivered/relayed)."""
    if "disposition-notification" in parsed.report_type:
        return "receipt"
    actions = delivery_actions(raw) if raw else set()
    if "failed" in actions or not actions:
        return "bounce"
    return "delay" if "delayed" in actions else "receipt"


def _bounce_reason(parsed: ParsedMail, raw: bytes) -> str:
    """Mail that is certainly about delivery, whatever else it says (a bounce may carry
    ``Auto-Submitted`` too): ``bounce``, ``delay``, ``receipt`` or ``""``."""
    if parsed.content_type == "multipart/report":
        return _report_reason(parsed, raw)
    if parsed.header("x-failed-recipients"):
        return "bounce"
    if _DAEMONS.match(parsed.from_address):
        return "delay" if _DELAY_SUBJECT.match(parsed.subject) else "bounce"
    return ""


def _accepted_auto_generated(auto: str, accept_auto_generated: bool) -> bool:
    return accept_auto_generated and auto == "auto-generated"


def noise_reason(
    parsed: ParsedMail,
    *,
    envelope_from: str = "",
    raw: bytes = b"",
    accept_auto_generated: bool = False,
) -> str:
    """Why this message must not open a ticket or be answered, or ``""``. ``raw`` lets a
    delivery status report be read (a delay is not a bounce); ``accept_auto_generated``
    (the mailbox's option) lets ``Auto-Submitted: auto-generated`` mail through, never
    auto-replied mail."""
    reason = _bounce_reason(parsed, raw)
    if reason:
        return reason
    auto = parsed.header("auto-submitted").split(";")[0].strip().lower()
    if auto and auto != "no" and not _accepted_auto_generated(auto, accept_auto_generated):
        return "auto_submitted"
    if parsed.return_path == "<>" or envelope_from in ("<>", "MAILER-DAEMON"):
        return "delay" if _DELAY_SUBJECT.match(parsed.subject) else "bounce"
    precedence = parsed.header("precedence").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply", "auto-reply"):
        return "precedence"
    if any(
        parsed.header(name)
        for name in ("x-autoreply", "x-autorespond", "x-auto-reply", "x-autogenerated")
    ):
        return "auto_reply"
    if parsed.header("x-ms-exchange-generated-message-source") or _AUTO_SUBJECT.match(
        parsed.subject
    ):
        return "auto_reply"
    if any(LOOP_MARK in value.lower() for value in parsed.header_values("x-loop")):
        return "loop"
    if parsed.from_address and parsed.from_address in own_addresses():
        return "loop"
    return ""


@functools.lru_cache(maxsize=4)
def _tool_patterns(configured: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """ADUAN_MAIL_NO_REPLY_HEADERS as exact names and prefixes (a trailing ``*``), made once
    per setting rather than for every header of every message."""
    names = [name.strip().lower() for name in configured]
    exact = frozenset(name for name in names if not name.endswith("*"))
    return exact, tuple(name[:-1] for name in names if name.endswith("*"))


def _tool_header(parsed: ParsedMail) -> str:
    """The first header of ADUAN_MAIL_NO_REPLY_HEADERS the message carries, or ``""``."""
    exact, prefixes = _tool_patterns(tuple(settings.ADUAN_MAIL_NO_REPLY_HEADERS))
    for name in parsed.raw_headers:
        if name in exact or name.startswith(prefixes):
            return name
    return ""


def no_auto_reply(parsed: ParsedMail) -> bool:
    """A message that opens a ticket but must not get an acknowledgement: the sender asked
    for none (X-Auto-Response-Suppress), it came through a mailing list, another tool sent
    it (ADUAN_MAIL_NO_REPLY_HEADERS), or it is automatic mail its mailbox lets in."""
    suppress = parsed.header("x-auto-response-suppress").lower()
    if suppress and any(word in suppress for word in ("all", "autoreply", "oof")):
        return True
    auto = parsed.header("auto-submitted").split(";")[0].strip().lower()
    if auto and auto != "no":
        return True
    if _tool_header(parsed):
        return True
    return bool(parsed.header("list-id") or parsed.header("list-unsubscribe"))


def flooding(address: str) -> bool:
    """Whether ``address`` sent ADUAN_MAIL_FLOOD_LIMIT messages in the window already (the
    one being processed is not counted: its sender is not saved yet)."""
    since = timezone.now() - datetime.timedelta(minutes=settings.ADUAN_MAIL_FLOOD_MINUTES)
    # Every message counts, whatever became of it: a range of the (sender, time) index.
    recent = InboundMessage.objects.filter(from_address=address, received_at__gte=since)
    return recent.count() >= settings.ADUAN_MAIL_FLOOD_LIMIT


def capped(address: str, ticket: Ticket | None) -> bool:
    """Whether ``address`` already got ADUAN_MAIL_CAP system mails about ``ticket`` in the
    last ADUAN_MAIL_CAP_MINUTES (suppressed ones do not count)."""
    since = timezone.now() - datetime.timedelta(minutes=settings.ADUAN_MAIL_CAP_MINUTES)
    return (
        OutboundMessage.objects.filter(to_address=address, ticket=ticket, created_at__gte=since)
        .exclude(status="suppressed")
        .count()
        >= settings.ADUAN_MAIL_CAP
    )
