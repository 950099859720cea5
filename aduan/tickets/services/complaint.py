"""Recording a complaint, whoever brings it: staff at the caller desk or through the API, the
customer on the portal, mail and the chat, SMS and social media gateways. One transaction:
the ticket, its "created" entry, its files, the outcome of the call, the timeline and audit
entries; or an error naming the field and nothing recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.core.errors import ApplicationError, ValidationFailed
from aduan.core.permissions import require
from aduan.core.validation import Errors
from aduan.customers.models import Customer
from aduan.tickets.attachments import (
    add_received_attachment,
    attach_checked,
    check_file,
    store_file,
)
from aduan.tickets.models import EventKind, Status, Ticket, TicketEvent, answer_channel
from aduan.tickets.permissions import may_record_complaint
from aduan.tickets.services.common import add_event
from aduan.tickets.services.creation import TicketInput, insert_ticket, new_ticket
from aduan.tickets.services.transitions import TransitionInput, transition

# What came of the call (seed 001 steps 9-11): still open, solved on the spot, or on hold.
OUTCOMES: tuple[str, ...] = (Status.OPEN, Status.RESOLVED, Status.PENDING)


@dataclass(frozen=True)
class Upload:
    """A file that came with a complaint or a message: an upload, or a file a channel
    carried (``ContentFile``). ``name`` is the sender's file name."""

    name: str
    file: File[bytes]


@dataclass(frozen=True)
class Recorded:
    ticket: Ticket
    # The ticket's "created" entry (a channel's files hang on it).
    event: TicketEvent
    # Files a channel brought that no upload would accept: listed, not put on the ticket.
    withheld: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Checked:
    upload: Upload
    filename: str
    content_type: str


def check_uploads(
    errors: Errors, files: Sequence[Upload], *, withhold: bool
) -> tuple[list[_Checked], list[dict[str, str]]]:
    """The files any upload would accept, and the others. People are told (an error on
    ``attachments``) and nothing is recorded; what a channel brought is kept aside with the
    reason (``withhold``), since nobody is there to send it again."""
    accepted: list[_Checked] = []
    withheld: list[dict[str, str]] = []
    for upload in files:
        try:
            filename, content_type = check_file(upload.name, upload.file.size or 0)
        except ValidationFailed as exc:
            if not withhold:
                errors.add("attachments", f"{upload.name[:80]}: {exc.message}")
            else:
                withheld.append({"filename": upload.name[:200], "reason": exc.message})
            continue
        accepted.append(_Checked(upload, filename, content_type))
    return accepted, withheld


def attach_uploads(
    ticket: Ticket, event: TicketEvent, actor: User | None, files: Sequence[_Checked]
) -> None:
    """People's files are entries of their own, with their author; a channel's files hang
    on the entry of the message that carried them."""
    for item in files:
        if actor is not None:
            attach_checked(
                ticket=ticket,
                actor=actor,
                file=item.upload.file,
                filename=item.filename,
                content_type=item.content_type,
            )
            continue
        path, checksum = store_file(item.upload.file)
        add_received_attachment(
            event=event,
            path=path,
            checksum=checksum,
            filename=item.filename,
            content_type=item.content_type,
            size=item.upload.file.size or 0,
        )


def _check_outcome(errors: Errors, actor: User | None, outcome: str, note: str) -> None:
    if outcome not in OUTCOMES:
        errors.add("outcome", _("Must be one of: %(choices)s.") % {"choices": ", ".join(OUTCOMES)})
    elif outcome != Status.OPEN:
        if actor is None or actor.is_customer:
            errors.add("outcome", _("Only staff may set this field."))
        elif not note.strip():
            errors.add("note", _("Write the solution report, or the reason the ticket is pending."))


@transaction.atomic
def record_complaint(
    *,
    actor: User | None,
    data: TicketInput,
    customer: Customer | None = None,
    files: Sequence[Upload] = (),
    outcome: str = Status.OPEN,
    note: str = "",
    follows: Ticket | None = None,
    details: Mapping[str, Any] | None = None,
) -> Recorded:
    """Record a complaint with its files and what came of the call.

    ``actor`` is the person recording it: staff for a registered customer
    (``data.customer_id``; it opens at once, and ``outcome`` may resolve it on the spot or
    put it on hold with ``note``), or a customer filing their own on the portal. A channel
    passes no actor and the ``customer`` it found; such a complaint waits as ``new``, and
    files no upload would accept are withheld (``Recorded.withheld``) instead of refused.
    ``follows`` is the closed or cancelled ticket the customer wrote to again.
    """
    if actor is not None:
        require(may_record_complaint, actor)
    errors = Errors()
    accepted, withheld = check_uploads(errors, files, withhold=actor is None)
    _check_outcome(errors, actor, outcome, note)
    ticket = new_ticket(errors, actor=actor, data=data, customer=customer)
    errors.raise_if_any()
    assert ticket is not None
    extra = dict(details or {})
    if follows is not None:
        ticket.follows = follows
        # The reference stays in the entry too, for readers of the timeline's JSON.
        extra["follows"] = follows.reference
    if withheld:
        extra["withheld_files"] = withheld
    event = insert_ticket(ticket, actor, **extra)
    attach_uploads(ticket, event, actor, accepted)
    if follows is not None:
        add_event(
            follows,
            EventKind.NOTE,
            None,
            body=_("The customer wrote again; the new ticket %(reference)s follows this one.")
            % {"reference": ticket.reference},
            internal=True,
            followed_by=ticket.reference,
        )
    if outcome != Status.OPEN:
        assert actor is not None
        ticket = _settle(actor, ticket, outcome, note)
    return Recorded(ticket=ticket, event=event, withheld=withheld)


def _settle(actor: User, ticket: Ticket, outcome: str, note: str) -> Ticket:
    """Resolve the call on the spot, or put it on hold, through the workflow's own checks."""
    channel = answer_channel(ticket.channel.kind) if outcome == Status.RESOLVED else None
    try:
        return transition(
            actor=actor,
            reference=ticket.reference,
            data=TransitionInput(to=outcome, note=note, channel=channel),
        )
    except ApplicationError as exc:
        # The move is this form's "outcome", whatever the transition service calls it.
        if exc.field == "to":
            exc.field = "outcome"
            if isinstance(exc, ValidationFailed):
                exc.errors = [("outcome" if f == "to" else f, m) for f, m in exc.errors]
        raise


def create_ticket(*, actor: User, data: TicketInput) -> Ticket:
    """A complaint without files or outcome: ``record_complaint``'s plain case."""
    return record_complaint(actor=actor, data=data).ticket
