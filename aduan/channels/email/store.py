"""Inbound mail, first half: the raw message committed before anything looks inside it.

``store`` keeps each message once per content (its fingerprint, fingerprint.py) in a
transaction of its own, so that when it returns the mail server or mailbox may forget the
message; ``inbound.process`` then makes it a ticket. A message too big to take keeps only its
headers, with the reason (``refuse_oversized``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.channels.cache import cached
from aduan.channels.email import fingerprint, loops, outbound
from aduan.channels.email.models import InboundMessage, InboundStatus, Mailbox, OutboundKind
from aduan.channels.email.parsing import parse
from aduan.organisation import selectors as org


class TooBig(Exception):
    def __init__(self, size: int) -> None:
        limit = settings.ADUAN_MAIL_MAX_BYTES
        super().__init__(
            f"5.3.4 Message too big for Aduan: {size} bytes; at most {limit} bytes are accepted."
        )
        self.size = size
        self.limit = limit


@dataclass(frozen=True)
class Stored:
    message: InboundMessage
    created: bool


def store(
    raw: bytes,
    *,
    source: str,
    mailbox: str = "",
    envelope_from: str = "",
    envelope_to: str = "",
    accept_auto_generated: bool = False,
) -> Stored:
    """Commit the raw message, once per content (its fingerprint: the Message-ID and the
    message without transport headers, fingerprint.py). The same message delivered again is
    counted in ``duplicates``; a different message with a Message-ID seen before is stored
    as a message of its own.

    Must run outside any transaction: when it returns, the message is on disk in the
    database and the mail server or mailbox may forget it."""
    if len(raw) > settings.ADUAN_MAIL_MAX_BYTES:
        raise TooBig(len(raw))
    message_id, content = fingerprint.identify(raw)
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                message_id=message_id,
                fingerprint=content,
                source=source,
                mailbox=mailbox[:100],
                envelope_from=envelope_from[:254],
                envelope_to=envelope_to[:254],
                raw=raw,
                size=len(raw),
                sha256=hashlib.sha256(raw).hexdigest(),
                accept_auto_generated=accept_auto_generated,
                # The first processing attempt, claimed with the store (see _claim).
                attempts=1,
            )
    except IntegrityError:
        # Stored before (or by a delivery committing right now): the unique fingerprint
        # found it. If the row cannot be read this raises, and nothing claims it stored.
        existing = InboundMessage.objects.defer("raw").get(fingerprint=content)
        InboundMessage.objects.filter(pk=existing.pk).update(duplicates=F("duplicates") + 1)
        return Stored(existing, created=False)
    return Stored(message, created=True)


def store_many(
    raws: list[bytes], *, source: str, mailbox: str = "", accept_auto_generated: bool = False
) -> list[Stored]:
    """``store`` for a batch fetched from a mailbox, in one transaction: one commit instead
    of one per message. When it returns every message is stored; if it raises, none is."""
    with transaction.atomic():
        return [
            store(raw, source=source, mailbox=mailbox, accept_auto_generated=accept_auto_generated)
            for raw in raws
        ]


def refuse_oversized(headers: bytes, size: int, *, source: str, mailbox: str = "") -> Stored:
    """A message too big to take (IMAP; the pipe refuses it to the mail server instead):
    keep its headers with the reason and tell the sender, unless it is automatic mail."""
    message_id, content = fingerprint.identify(headers, note=f"too big: {size}")
    parsed = parse(headers)
    with transaction.atomic():
        message, created = InboundMessage.objects.get_or_create(
            fingerprint=content,
            defaults={
                "message_id": message_id,
                "source": source,
                "mailbox": mailbox[:100],
                "raw": headers,
                "size": size,
                "sha256": hashlib.sha256(headers).hexdigest(),
                "status": InboundStatus.REFUSED,
                "reason": "too_big",
                "error": str(TooBig(size)),
                "from_address": parsed.from_address,
                "from_name": parsed.from_name,
                "subject": parsed.subject,
                "processed_at": timezone.now(),
            },
        )
        if created and parsed.from_address and not loops.noise_reason(parsed, raw=headers):
            recipient = outbound.Recipient(parsed.from_address, parsed.from_name)
            outbound.queue(
                kind=OutboundKind.REFUSAL,
                ticket=None,
                recipient=recipient,
                language=org.organisation().default_language,
                subject=parsed.subject,
                text=_("%(size)d bytes; at most %(limit)d")
                % {"size": size, "limit": settings.ADUAN_MAIL_MAX_BYTES},
                inbound=message,
                from_address=mailbox_address(mailbox),
                in_reply_to=parsed.message_id,
                references=[*parsed.references, parsed.message_id],
            )
    return Stored(message, created)


def mailbox_address(name: str) -> str:
    """The address answers to mail from mailbox ``name`` come from, if it has its own."""
    if not name:
        return ""

    def load() -> dict[str, str]:
        return dict(Mailbox.objects.exclude(address="").values_list("name", "address"))

    return cached("mailbox-addresses", load).get(name, "")
