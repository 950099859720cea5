"""Mail Aduan sends: acknowledgements, replies, solution reports and refusals.

Queueing writes an ``OutboundMessage`` in the caller's transaction (the outbox) and hands it
to a worker after commit; ``deliver`` sends one by SMTP. Every mail:

- has the ticket reference in its subject, its own Message-ID, and In-Reply-To/References
  pointing at the customer's last mail on the ticket, so it threads both in the customer's
  mail program and when the customer replies;
- carries ``Auto-Submitted`` (RFC 3834) and ``X-Loop``, so autoresponders stay quiet;
- is built from one-line subjects and names and checked addresses, so nothing a customer
  typed can add a header or a recipient;
- is capped per recipient and ticket (loops.capped).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import format_datetime, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.utils import timezone

from aduan.channels import outbox
from aduan.channels.cache import cached
from aduan.channels.email import loops, templates
from aduan.channels.email.models import (
    InboundMessage,
    InboundStatus,
    OutboundKind,
    OutboundMessage,
    OutboundStatus,
)
from aduan.channels.email.text import single_line
from aduan.customers.models import Customer
from aduan.organisation import selectors as org
from aduan.tickets.models import EventKind, Ticket, TicketEvent

logger = logging.getLogger(__name__)
REFERENCES_MAX = 10


def sender_address(mailbox_address: str = "") -> str:
    return (mailbox_address or parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "aduan@localhost")[:254]


def _domain() -> str:
    configured: str = settings.ADUAN_MAIL_DOMAIN
    return configured or sender_address().rpartition("@")[2] or "localhost"


def new_message_id() -> str:
    # Random, so nobody can guess one and thread a mail into someone else's ticket.
    return f"<aduan.{uuid.uuid4().hex}@{_domain()}>"


def _organisation() -> tuple[str, str]:
    """The organisation's name and default language."""

    def load() -> tuple[str, str]:
        row = org.organisation()
        return row.name, row.default_language

    return cached("organisation", load)


def language_of(customer: Customer) -> str:
    language = customer.language or _organisation()[1]
    return language if language in templates.LANGUAGES else "id"


def _thread_headers(ticket: Ticket) -> tuple[str, list[str]]:
    """In-Reply-To (the customer's latest mail on the ticket, else our latest) and
    References (the first mail and the most recent ones) for a new mail about ``ticket``."""
    inbound = list(
        InboundMessage.objects.filter(ticket=ticket, status=InboundStatus.PROCESSED)
        .order_by("id")
        .values_list("message_id", "received_at")
    )
    outbound = list(
        OutboundMessage.objects.filter(ticket=ticket)
        .exclude(status=OutboundStatus.SUPPRESSED)
        .order_by("id")
        .values_list("message_id", "created_at")
    )
    chain = [mid for mid, _at in sorted(inbound + outbound, key=lambda row: row[1])]
    if not chain:
        return "", []
    in_reply_to = inbound[-1][0] if inbound else chain[-1]
    references = (
        chain if len(chain) <= REFERENCES_MAX else [chain[0], *chain[-(REFERENCES_MAX - 1) :]]
    )
    return in_reply_to, references


def ensure_reference(subject: str, reference: str) -> str:
    subject = single_line(subject, 255)
    if reference not in subject:
        subject = f"[{reference}] {subject}"
    return subject[:255]


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str


def recipient_for(customer: Customer) -> Recipient | None:
    return recipient_for_address(customer.email or "", customer.name)


def recipient_for_address(address: str, name: str) -> Recipient | None:
    address = address.strip().lower()
    try:
        validate_email(address)
    except DjangoValidationError:
        return None
    return Recipient(address, single_line(name, 200))


def queue(
    *,
    kind: str,
    ticket: Ticket | None,
    recipient: Recipient,
    language: str,
    text: str = "",
    subject: str = "",
    event: TicketEvent | None = None,
    inbound: InboundMessage | None = None,
    from_address: str = "",
    in_reply_to: str = "",
    references: list[str] | None = None,
    new_ticket: bool = False,
    rendered: tuple[str, str] | None = None,
) -> OutboundMessage:
    """Write one mail to the outbox in the current transaction; it is sent after commit.
    Over the cap it is written as ``suppressed`` and never sent. ``new_ticket``: the ticket
    was opened in this transaction, so it has no mail to thread with or count yet.
    ``rendered``: the subject and text as the caller wrote them (portal mails), instead of
    the mail templates."""
    if rendered is None:
        context = {
            "reference": ticket.reference if ticket else "",
            "subject": single_line(ticket.subject if ticket else subject, 200),
            "customer_name": recipient.name or recipient.address,
            "organisation": _organisation()[0],
            "status": str(ticket.get_status_display()) if ticket else "",
            "text": text,
        }
        rendered = templates.render(kind, language, context)
    rendered_subject, body = single_line(rendered[0], 255), rendered[1]
    if ticket is not None:
        rendered_subject = ensure_reference(rendered_subject, ticket.reference)
        if not new_ticket:
            thread_reply_to, thread_references = _thread_headers(ticket)
            in_reply_to = in_reply_to or thread_reply_to
            references = references if references is not None else thread_references
    status = OutboundStatus.QUEUED
    error = ""
    if not new_ticket and loops.capped(recipient.address, ticket):
        status = OutboundStatus.SUPPRESSED
        error = (
            f"More than {settings.ADUAN_MAIL_CAP} system mails to {recipient.address} in "
            f"{settings.ADUAN_MAIL_CAP_MINUTES} minutes"
        )
    references = list(dict.fromkeys(references or []))[-REFERENCES_MAX:]
    message = OutboundMessage.objects.create(
        ticket=ticket,
        event=event,
        inbound=inbound,
        kind=kind,
        status=status,
        to_address=recipient.address,
        to_name=recipient.name,
        from_address=sender_address(from_address),
        subject=rendered_subject[:255],
        body=body,
        language=language,
        message_id=new_message_id(),
        in_reply_to=in_reply_to,
        references=" ".join(references),
        # RFC 3834: answers to a message are auto-replied, everything else auto-generated.
        auto_submitted="auto-replied"
        if kind in (OutboundKind.ACKNOWLEDGEMENT, OutboundKind.REFUSAL)
        else "auto-generated",
        last_error=error,
    )
    if status == OutboundStatus.QUEUED:
        hand_over(message.pk)
    return message


def queue_answer(event: TicketEvent) -> OutboundMessage | None:
    """A staff reply or solution report on the timeline, to the ticket's customer by mail."""
    ticket = event.ticket
    customer = ticket.customer
    recipient = recipient_for(customer)
    if recipient is None:
        return None
    kind = (
        OutboundKind.SOLUTION_REPORT
        if event.kind == EventKind.SOLUTION_REPORT
        else OutboundKind.REPLY
    )
    return queue(
        kind=kind,
        ticket=ticket,
        recipient=recipient,
        language=language_of(customer),
        text=event.body,
        event=event,
    )


# --- sending -----------------------------------------------------------------------------


def _mailbox(name: str, address: str) -> str:
    try:
        return str(Address(display_name=single_line(name, 200), addr_spec=address))
    except (ValueError, IndexError) as exc:
        raise outbox.Failure(f"unusable address {address!r}: {exc}", permanent=True) from exc


def build(message: OutboundMessage) -> EmailMessage:
    """The mail as Django sends it. Names and subjects are single lines by construction and
    addresses are parsed, never pasted into a header."""
    for address in (message.to_address, message.from_address):
        try:
            validate_email(address)
        except DjangoValidationError as exc:
            raise outbox.Failure(f"invalid address {address!r}", permanent=True) from exc
    organisation = _organisation()[0]
    headers = {
        "Message-ID": message.message_id,
        "Date": format_datetime(timezone.now()),
        "Auto-Submitted": message.auto_submitted,
        # Exchange: send no out-of-office or other automatic answer to this mail.
        "X-Auto-Response-Suppress": "All",
        "X-Loop": f"{loops.LOOP_MARK}@{_domain()}",
        "Content-Language": message.language,
    }
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    return EmailMessage(
        subject=single_line(message.subject, 255),
        body=message.body,
        from_email=_mailbox(organisation, message.from_address),
        to=[_mailbox(message.to_name, message.to_address)],
        headers=headers,
    )


def _send_task() -> Any:
    # Imported when the mail is handed over, not when it is queued: with
    # ADUAN_DELIVERY=worker the pipe never loads Celery (docs/performance.md).
    from aduan.channels.email import tasks

    return tasks.send_outbound


OUTBOX: outbox.Outbox[OutboundMessage, EmailMessage] = outbox.Outbox(
    name="mail",
    model=OutboundMessage,
    prepare=build,
    transport=outbox.SMTP,
    task=_send_task,
)


def hand_over(outbound_id: int) -> None:
    outbox.hand_over(OUTBOX, outbound_id)


def deliver(outbound_id: int) -> outbox.Outcome:
    """Send one queued mail (aduan/channels/outbox.py: claimed by one worker, retried after
    a temporary failure, ``failed`` with the error after a permanent one or the last)."""
    return outbox.deliver(OUTBOX, outbound_id)


def due_ids(limit: int = 500) -> list[int]:
    """Queued mail whose time has come, and mail left "sending" by a worker that died."""
    return outbox.due_ids(OUTBOX, limit=limit)


def mark_bounced(returned_ids: list[str], report: str) -> int:
    """A bounce names mail we sent: mark it ``bounced`` with the report, visible to staff."""
    if not returned_ids:
        return 0
    return OutboundMessage.objects.filter(
        message_id__in=returned_ids[:20], status=OutboundStatus.SENT
    ).update(status=OutboundStatus.BOUNCED, last_error=report[:2000])
