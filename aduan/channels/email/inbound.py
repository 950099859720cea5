"""Inbound mail: store the raw message first, then make it a ticket or a message on one.

``store`` (store.py) commits the bytes in a transaction of their own before anything looks
inside them; ``process`` then parses, checks for loops and noise, finds or registers the
customer, threads the message to its ticket (or opens one) and queues the acknowledgement,
all in one transaction. If processing fails the message stays stored with the error, listed
for administrators, and ``process(..., force)`` runs it again after the fix. If the process
dies in between, ``process_pending`` finds it.
"""

from __future__ import annotations

import datetime
import logging
import re
import traceback
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.channels import delivery
from aduan.channels.email import loops, outbound
from aduan.channels.email.headers import normalise_address
from aduan.channels.email.models import (
    InboundAttachment,
    InboundMessage,
    InboundStatus,
    OutboundKind,
    OutboundMessage,
    Source,
)
from aduan.channels.email.parsing import ParsedMail, parse
from aduan.channels.email.store import (
    Stored,
    TooBig,
    mailbox_address,
    refuse_oversized,
    store,
    store_many,
)
from aduan.channels.email.text import single_line, visible_part
from aduan.core.errors import ApplicationError, ValidationFailed
from aduan.customers.models import Customer
from aduan.customers.services import CustomerInput, register_customer
from aduan.organisation import selectors as org
from aduan.organisation.models import Channel, ChannelKind
from aduan.tickets import services as tickets
from aduan.tickets.attachments import (
    add_received_attachment,
    check_file,
    safe_filename,
    store_file,
)
from aduan.tickets.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)
TIMELINE_MAX = 20_000
# Received but not processed for this long: the process handling it is gone.
PENDING_AFTER = datetime.timedelta(minutes=2)
# Processing attempts a message may interrupt (by killing its process) before it is failed.
MAX_INTERRUPTED = 3
# New messages of an IMAP batch processed in one transaction (process_batch).
PROCESS_BATCH = 10
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|fw|fwd|wg|balas|tr)\s*:\s*)+", re.IGNORECASE)


def _email_channel() -> Channel | None:
    channel = org.channel_by_code("email")
    if channel is not None and channel.is_active:
        return channel
    return Channel.objects.filter(kind=ChannelKind.EMAIL, is_active=True).order_by("id").first()


class Unprocessable(ApplicationError):
    """The message cannot become a ticket as it is; kept as ``failed`` with this reason."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def customer_for(address: str, name: str) -> Customer:
    """The customer with this address, registered (unverified) if new. Addresses are
    compared in lower case (customers' addresses are stored so); one that Django's
    validator refuses is never registered."""
    written, address = address, normalise_address(address)
    if not address:
        raise Unprocessable(
            "no_sender",
            _("The sender address %(address)s is not a valid email address.")
            % {"address": repr(written[:254])},
        )
    customer = Customer.objects.filter(email=address).order_by("id").first()
    if customer is not None:
        return customer
    # New: only one transaction at a time registers this address (then looks again).
    delivery.lock(f"customer-email:{address}")
    customer = Customer.objects.filter(email=address).order_by("id").first()
    if customer is not None:
        return customer
    try:
        return register_customer(
            actor=None,
            data=CustomerInput(name=name or address.partition("@")[0] or address, email=address),
        )
    except ValidationFailed as exc:
        raise Unprocessable(
            "no_sender",
            _("The sender %(address)s cannot be registered: %(error)s")
            % {"address": address, "error": exc.message},
        ) from exc


def sender_address(parsed: ParsedMail, envelope_from: str) -> str:
    """Who the customer is: the first valid address of From, Reply-To, Sender, Return-Path
    and the envelope sender (``parse`` keeps only addresses Django's validator accepts)."""
    return_path = parsed.return_path if parsed.return_path != "<>" else ""
    return (
        parsed.from_address
        or parsed.reply_to
        or parsed.sender
        or return_path
        or normalise_address(envelope_from)
    )


def _reference_pattern() -> re.Pattern[str]:
    prefix = re.escape(org.reference_prefix())
    return re.compile(rf"\b{prefix}-\d{{4}}-\d{{6,}}\b", re.IGNORECASE)


def _tickets_by_message_id(ids: list[str], customer: Customer) -> dict[str, int]:
    """The ticket of the message received with each of these Message-IDs. Different messages
    may share one: then the latest of this customer's wins, else the latest of any."""
    rows = (
        InboundMessage.objects.filter(message_id__in=ids, ticket__isnull=False)
        .order_by("-id")
        .values_list("message_id", "ticket_id", "customer_id")[:500]
    )
    known: dict[str, int] = {}
    own: set[str] = set()
    for message_id, ticket_id, customer_id in rows:
        if message_id in own:
            continue
        if customer_id == customer.pk:
            known[message_id] = ticket_id
            own.add(message_id)
        else:
            known.setdefault(message_id, ticket_id)
    return known


def find_ticket(parsed: ParsedMail, customer: Customer) -> tuple[Ticket | None, str]:
    """The ticket this message continues, and how it was found: ``headers`` (In-Reply-To or
    References name a mail Aduan sent or received about it) or ``subject`` (the reference,
    and only on a ticket of the same customer: never by subject across customers)."""
    ids = parsed.thread_ids[:50]
    if ids:
        known = _tickets_by_message_id(ids, customer)
        known.update(
            OutboundMessage.objects.filter(message_id__in=ids, ticket__isnull=False).values_list(
                "message_id", "ticket_id"
            )
        )
        for message_id in ids:
            if message_id in known:
                return Ticket.objects.get(pk=known[message_id]), "headers"
    for reference in _reference_pattern().findall(parsed.subject):
        ticket = Ticket.objects.filter(reference=reference.upper(), customer=customer).first()
        if ticket is not None:
            return ticket, "subject"
    return None, ""


def _subject_for_ticket(subject: str) -> str:
    subject = _reference_pattern().sub("", subject)
    subject = re.sub(r"\[\s*\]", "", subject)
    subject = _REPLY_PREFIX.sub("", subject)
    return single_line(subject, 200) or _("(no subject)")


def _timeline_text(text: str, message: InboundMessage, has_files: bool) -> tuple[str, bool]:
    """The part of the mail the timeline shows, and whether something was left out (quoted
    history, a signature, or text beyond the limit: the full text stays on the message)."""
    visible = visible_part(text)
    trimmed = visible != text.strip()
    if len(visible) > TIMELINE_MAX:
        note = _("[... shortened; the full text is in inbound message %(id)d]") % {"id": message.pk}
        visible = visible[: TIMELINE_MAX - len(note) - 2].rstrip() + "\n\n" + note
        trimmed = True
    if not visible:
        visible = (
            _("(The message has no text; see its attachments.)")
            if has_files
            else _("(The message has no text.)")
        )
    return visible, trimmed


def _keep_attachments(
    message: InboundMessage, parsed: ParsedMail, event: TicketEvent | None
) -> None:
    """Every file is stored and listed on the message, whatever became of the message
    (a ticket, ignored, held or failed); with a ticket (``event``), the ones any upload
    would accept are also put on it. The others (a program, a page, a file too big) are
    withheld from the timeline with the reason, never dropped."""
    # A message run again (ignored or failed before) lists its files once. Its first run
    # (the one attempt ``store`` counts) has none listed yet: no DELETE on the hot path.
    if message.attempts > 1:
        InboundAttachment.objects.filter(message=message).delete()
    for part in parsed.attachments:
        size = len(part.data)
        path, checksum = store_file(ContentFile(part.data))
        ticket_attachment = None
        reason = ""
        try:
            filename, content_type = check_file(part.filename, size)
        except ValidationFailed as exc:
            reason = exc.message[:300]
        else:
            if event is not None:
                ticket_attachment = add_received_attachment(
                    event=event,
                    path=path,
                    checksum=checksum,
                    filename=filename,
                    content_type=content_type,
                    size=size,
                )
        InboundAttachment.objects.create(
            message=message,
            attachment=ticket_attachment,
            file=path,
            filename=safe_filename(part.filename) or "attachment",
            content_type=part.content_type[:100],
            size=size,
            sha256=checksum,
            inline=part.inline,
            content_id=part.content_id[:255],
            accepted=ticket_attachment is not None,
            reason=reason,
        )


def _fill(message: InboundMessage, parsed: ParsedMail) -> None:
    message.from_address = parsed.from_address[:254]
    message.from_name = parsed.from_name[:200]
    message.subject = parsed.subject[:255]
    message.in_reply_to = (parsed.in_reply_to[0] if parsed.in_reply_to else "")[:255]
    message.text = parsed.text
    message.html = parsed.html


def _handle(message: InboundMessage, *, force: bool) -> None:
    raw = bytes(message.raw)
    parsed = parse(raw)
    _fill(message, parsed)
    message.error = ""
    if not force:
        reason = loops.noise_reason(
            parsed,
            envelope_from=message.envelope_from,
            raw=raw,
            accept_auto_generated=message.accept_auto_generated,
        )
        if reason:
            message.status, message.reason = InboundStatus.IGNORED, reason
            if reason == "bounce":
                # The returned mail's headers name it; failing that (or when they name mail
                # that is not ours), the bounce's In-Reply-To/References do.
                outbound.mark_bounced([*parsed.returned_ids, *parsed.thread_ids], parsed.text)
            _keep_attachments(message, parsed, None)
            return
    address = sender_address(parsed, message.envelope_from)
    if not address:
        written = parsed.header("from")
        raise Unprocessable(
            "no_sender",
            _("The message names no usable sender address (From: %(value)s).")
            % {"value": repr(written[:200])}
            if written
            else str(loops.REASONS["no_sender"]),
        )
    message.from_address = message.from_address or address[:254]
    if not force and loops.flooding(address):
        message.status, message.reason = InboundStatus.HELD, "flood"
        _keep_attachments(message, parsed, None)
        return
    channel = _email_channel()
    if channel is None:
        raise Unprocessable("error", _("No active email channel is configured."))
    customer = customer_for(address, parsed.from_name)
    ticket, found_by = find_ticket(parsed, customer)
    text, trimmed = _timeline_text(parsed.text, message, bool(parsed.attachments))
    details = {"inbound_message": message.pk, "from": address, "trimmed": trimmed}
    subject = _subject_for_ticket(parsed.subject)
    if ticket is None:
        recorded = tickets.record_complaint(
            actor=None,
            customer=customer,
            data=tickets.TicketInput(subject=subject, description=text, channel=channel.code),
            details=details,
        )
        ticket, event, created = recorded.ticket, recorded.event, True
    else:
        # Joins the ticket, reopens it, or opens one that follows it: tickets.services.intake.
        received = tickets.receive_customer_message(
            ticket=ticket,
            customer=customer,
            body=text,
            channel=channel.code,
            subject=subject,
            details={**details, "threaded_by": found_by},
        )
        ticket, event, created = received.ticket, received.event, received.created
    # Files go through _keep_attachments, not the service's: each is listed on the stored
    # message too, withheld ones included, for the administrators.
    _keep_attachments(message, parsed, event)
    message.ticket, message.event, message.customer = ticket, event, customer
    message.status, message.reason = InboundStatus.PROCESSED, ""
    if created and not loops.no_auto_reply(parsed):
        recipient = outbound.recipient_for(customer)
        if recipient is not None:
            outbound.queue(
                kind=OutboundKind.ACKNOWLEDGEMENT,
                ticket=ticket,
                recipient=recipient,
                language=outbound.language_of(customer),
                event=event,
                inbound=message,
                from_address=mailbox_address(message.mailbox),
                in_reply_to=parsed.message_id,
                references=[*parsed.references, parsed.message_id],
                new_ticket=True,
            )


_PROCESSED_FIELDS = [
    "status",
    "reason",
    "error",
    "attempts",
    "processed_at",
    "from_address",
    "from_name",
    "subject",
    "in_reply_to",
    "text",
    "html",
    "ticket",
    "event",
    "customer",
]


def _summary(inbound_id: int) -> dict[str, str]:
    """Sender and subject of a message whose processing failed, for the administrators'
    list, if the parser gets that far."""
    try:
        raw = InboundMessage.objects.values_list("raw", flat=True).get(pk=inbound_id)
        parsed = parse(bytes(raw))
    except Exception:
        return {}
    return {
        "from_address": parsed.from_address[:254],
        "from_name": parsed.from_name[:200],
        "subject": parsed.subject[:255],
    }


def _keep_attachments_of_failed(inbound_id: int) -> None:
    """The files of a message whose processing failed (and was rolled back), listed for the
    administrators who look at it. If they cannot be read either, the message still is."""
    try:
        message = InboundMessage.objects.get(pk=inbound_id, status=InboundStatus.FAILED)
        parsed = parse(bytes(message.raw))
        with transaction.atomic():
            _keep_attachments(message, parsed, None)
    except Exception:
        logger.exception("The attachments of failed inbound message %s were not kept", inbound_id)


def _claim(inbound_id: int) -> bool:
    """Count one more processing attempt, committed before it starts, so a message whose
    processing kills the process (a poison message) is not taken again and again: after
    MAX_INTERRUPTED interrupted attempts it is marked failed, for a person to look at."""
    InboundMessage.objects.filter(pk=inbound_id).update(attempts=F("attempts") + 1)
    interrupted = InboundMessage.objects.filter(
        pk=inbound_id, status=InboundStatus.RECEIVED, attempts__gt=MAX_INTERRUPTED
    ).update(
        status=InboundStatus.FAILED,
        reason="error",
        error=f"Processing was interrupted {MAX_INTERRUPTED} times (the process died); "
        "run it again once the cause is found.",
        processed_at=timezone.now(),
    )
    return not interrupted


def _process_locked(
    inbound_id: int, stored: InboundMessage | None, *, force: bool
) -> InboundMessage | None:
    """The work of ``process``, inside the caller's transaction; raises on failure. None if
    the message needs nothing (already processed or refused)."""
    if stored is not None:
        # Lock the row all the same: a second delivery of the same message may be
        # processing it in another worker.
        status = (
            InboundMessage.objects.select_for_update()
            .filter(pk=inbound_id)
            .values_list("status", flat=True)
            .get()
        )
        message = stored
    else:
        message = InboundMessage.objects.select_for_update().get(pk=inbound_id)
        status = message.status
    if status in (InboundStatus.PROCESSED, InboundStatus.REFUSED):
        return None
    _handle(message, force=force)
    message.processed_at = timezone.now()
    # Everything but the raw bytes, which never change (and may be 40 MB).
    message.save(update_fields=_PROCESSED_FIELDS)
    return message


def process(
    inbound_id: int,
    *,
    force: bool = False,
    claimed: bool = False,
    stored: InboundMessage | None = None,
) -> InboundMessage:
    """Make a stored message a ticket or a message on one (or record why not).

    ``force`` (an administrator's re-run) skips the noise and flood checks. A message that
    is already processed or refused is left alone. On failure the message is marked
    ``failed`` with the error; if even that cannot be written (the database is gone) the
    error is raised and the message stays ``received`` for ``process_pending``. ``claimed``:
    the attempt is already counted (``store`` counts the first); ``stored``: the row as
    ``store`` just wrote it, bytes and all, so it need not be read back."""
    if not claimed and not _claim(inbound_id):
        return InboundMessage.objects.defer("raw").get(pk=inbound_id)
    try:
        with transaction.atomic():
            message = _process_locked(inbound_id, stored, force=force)
        return message or InboundMessage.objects.defer("raw").get(pk=inbound_id)
    except Exception as exc:
        reason = exc.reason if isinstance(exc, Unprocessable) else "error"
        if isinstance(exc, ApplicationError):
            error = exc.message
        else:
            logger.exception("Processing inbound message %s failed", inbound_id)
            error = "".join(traceback.format_exception_only(exc)).strip()
        try:
            InboundMessage.objects.filter(pk=inbound_id).exclude(
                status=InboundStatus.PROCESSED
            ).update(
                status=InboundStatus.FAILED,
                reason=reason,
                error=error[:5000],
                processed_at=timezone.now(),
                **_summary(inbound_id),
            )
        except Exception:
            raise exc from None
        _keep_attachments_of_failed(inbound_id)
        return InboundMessage.objects.defer("raw").get(pk=inbound_id)


@dataclass(frozen=True)
class Ingested:
    message: InboundMessage
    created: bool

    @property
    def reference(self) -> str:
        ticket = self.message.ticket
        return ticket.reference if ticket is not None else ""


def ingest(
    raw: bytes,
    *,
    source: str,
    mailbox: str = "",
    envelope_from: str = "",
    envelope_to: str = "",
    accept_auto_generated: bool = False,
) -> Ingested:
    """Store, then process: the whole path of one message. Raises only while storing (the
    caller must then keep the message: the MTA retries, IMAP leaves it in the mailbox)."""
    stored = store(
        raw,
        source=source,
        mailbox=mailbox,
        envelope_from=envelope_from,
        envelope_to=envelope_to,
        accept_auto_generated=accept_auto_generated,
    )
    return process_stored(stored)


def process_stored(stored: Stored) -> Ingested:
    """The second half of ``ingest``: process what ``store`` kept, if it still needs it (a
    new message, or a duplicate delivery of one whose processing was interrupted)."""
    message = stored.message
    if stored.created or message.status == InboundStatus.RECEIVED:
        try:
            message = process(
                message.pk,
                claimed=stored.created,
                stored=message if stored.created else None,
            )
        except Exception:
            # Stored is what counts here; process_pending tries again.
            logger.exception("Inbound message %s stored, processing deferred", message.pk)
    return Ingested(message, stored.created)


def process_batch(batch: list[Stored]) -> list[Ingested]:
    """``process_stored`` for messages stored together (an IMAP batch): the new ones are
    processed in one transaction, so one commit instead of one per message. If any of them
    fails, that transaction is rolled back and each message is processed alone, so a bad
    message fails by itself. Messages stored before (a repeated delivery, maybe of a message
    whose processing killed the process) are always processed alone, with their attempt
    counted first (see ``_claim``)."""
    fresh = [stored for stored in batch if stored.created]
    done: set[int] = set()
    # A few at a time: on SQLite a transaction holds the only write lock.
    for start in range(0, len(fresh), PROCESS_BATCH):
        chunk = fresh[start : start + PROCESS_BATCH]
        if len(chunk) < 2:
            continue
        try:
            with transaction.atomic():
                for stored in chunk:
                    _process_locked(stored.message.pk, stored.message, force=False)
        except Exception:
            logger.warning("Processing %d messages together failed; one by one", len(chunk))
            for stored in chunk:
                # Forget what the rolled-back attempt put on the row objects.
                message = stored.message
                message.status, message.reason = InboundStatus.RECEIVED, ""
                message.ticket = message.event = message.customer = None
        else:
            done.update(stored.message.pk for stored in chunk)
    # A repeated delivery within the batch answers with the row its first delivery processed.
    processed = {stored.message.pk: stored.message for stored in fresh if stored.message.pk in done}
    return [
        Ingested(processed[stored.message.pk], stored.created)
        if stored.message.pk in processed
        else process_stored(stored)
        for stored in batch
    ]


def process_pending(limit: int = 200) -> int:
    """Process messages stored but never processed (their process died in between)."""
    before = timezone.now() - PENDING_AFTER
    ids = list(
        InboundMessage.objects.filter(status=InboundStatus.RECEIVED, received_at__lt=before)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    for inbound_id in ids:
        process(inbound_id)
    return len(ids)


# The store is part of this module's interface: store first, then process.
__all__ = [
    "Source",
    "Stored",
    "TooBig",
    "ingest",
    "process",
    "process_batch",
    "process_pending",
    "process_stored",
    "refuse_oversized",
    "store",
    "store_many",
]
