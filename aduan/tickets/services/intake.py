"""The customer writes again on a ticket: on the portal, by mail or through a chat, SMS or
social media gateway. One rule for all of them (``what_a_message_does``):

- on a ticket still being worked on, the message joins its timeline;
- on a resolved one it is "the problem persists" and reopens it (seed 000 1.3.4), except on
  the portal, which asks that question with its own buttons;
- on a closed one it reopens it when the organisation says so
  (``ADUAN_REOPEN_CLOSED_ON_REPLY``), else it opens a new ticket that follows the closed one
  (``Ticket.follows``);
- on a cancelled one it always opens a new ticket that follows it.

Whatever the message says, it never becomes anything but the customer's own words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.services import record
from aduan.core.errors import ValidationFailed
from aduan.core.validation import Errors
from aduan.customers.models import Customer
from aduan.organisation import selectors as org
from aduan.tickets import workflow
from aduan.tickets.models import EventKind, Status, Ticket, TicketEvent, answer_channel
from aduan.tickets.permissions import get_visible_ticket
from aduan.tickets.services.common import BODY_MAX, add_event, save_ticket
from aduan.tickets.services.complaint import (
    Upload,
    attach_uploads,
    check_uploads,
    record_complaint,
)
from aduan.tickets.services.creation import TicketInput
from aduan.tickets.services.status import apply_move


class Outcome(StrEnum):
    APPENDED = "appended"
    REOPENED = "reopened"
    # A new ticket that follows the closed or cancelled one.
    NEW_TICKET = "new_ticket"


def what_a_message_does(ticket: Ticket, *, reopen_resolved: bool = True) -> Outcome:
    """The rule for a customer's message on ``ticket`` (see the module's docstring)."""
    if ticket.status == Status.CANCELLED:
        return Outcome.NEW_TICKET
    if ticket.status == Status.CLOSED:
        reopen: bool = settings.ADUAN_REOPEN_CLOSED_ON_REPLY
        return Outcome.REOPENED if reopen else Outcome.NEW_TICKET
    if ticket.status == Status.RESOLVED and reopen_resolved:
        return Outcome.REOPENED
    return Outcome.APPENDED


@dataclass(frozen=True)
class CustomerMessage:
    outcome: Outcome
    # Where the message landed: the ticket written to, or the new one that follows it.
    ticket: Ticket
    # The customer's message, or the new ticket's "created" entry.
    event: TicketEvent
    withheld: list[dict[str, str]]

    @property
    def created(self) -> bool:
        return self.outcome == Outcome.NEW_TICKET


@transaction.atomic
def receive_customer_message(
    *,
    ticket: Ticket,
    customer: Customer,
    body: str,
    channel: str,
    actor: User | None = None,
    subject: str = "",
    files: Sequence[Upload] = (),
    details: Mapping[str, Any] | None = None,
    reopen_resolved: bool = True,
) -> CustomerMessage:
    """The customer's message on ``ticket``, by the organisation's channel ``channel`` (a
    code), as ``what_a_message_does`` says. ``actor`` is the customer's portal login when
    they write there (the ticket must be theirs); mail and the gateways pass none.
    ``subject`` names a new ticket (default: the one it follows). Files no upload would
    accept are withheld with the reason, as for any complaint a channel brings."""
    if actor is not None:
        locked = get_visible_ticket(actor, ticket.reference, for_update=True)
    else:
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    outcome = what_a_message_does(locked, reopen_resolved=reopen_resolved)
    if outcome == Outcome.NEW_TICKET:
        recorded = record_complaint(
            actor=actor,
            customer=None if actor is not None else customer,
            data=TicketInput(subject=subject or locked.subject, description=body, channel=channel),
            files=files,
            follows=locked,
            details=details,
        )
        return CustomerMessage(outcome, recorded.ticket, recorded.event, recorded.withheld)
    errors = Errors()
    text = errors.text("body", body, max_length=BODY_MAX)
    came_by = org.channel_by_code(channel)
    if came_by is None:
        errors.add("channel", _("Unknown or inactive channel '%(code)s'.") % {"code": channel})
    accepted, withheld = check_uploads(errors, files, withhold=actor is None)
    errors.raise_if_any()
    assert came_by is not None
    event = _append(locked, customer, actor, text, answer_channel(came_by.kind), details, withheld)
    attach_uploads(locked, event, actor, accepted)
    if outcome == Outcome.REOPENED:
        apply_move(
            locked,
            actor,
            Status.OPEN,
            trigger=workflow.Trigger.CUSTOMER_MESSAGE,
            by=workflow.ActorKind.CUSTOMER,
            note="",
        )
    else:
        # The conversation is alive: the version and updated_at move on.
        save_ticket(locked, [])
    record(
        actor=actor,
        action="ticket.message",
        instance=locked,
        after={"event": event.pk, "kind": event.kind, "internal": False, "channel": event.channel},
    )
    return CustomerMessage(outcome, locked, event, withheld)


def _append(
    ticket: Ticket,
    customer: Customer,
    actor: User | None,
    text: str,
    channel: str,
    details: Mapping[str, Any] | None,
    withheld: list[dict[str, str]],
) -> TicketEvent:
    if actor is not None and not actor.is_customer:
        raise ValidationFailed([("actor", _("Only the customer writes as the customer."))])
    # Only the customer's own portal login may stand as the author: whatever a mail or a
    # chat message claims, it never becomes a staff member's words.
    author = actor
    if author is None and customer.user_id:
        user = customer.user
        author = user if user is not None and user.is_customer else None
    extra = dict(details or {})
    if customer.pk != ticket.customer_id:
        extra["customer_id"] = customer.pk
    if withheld:
        extra["withheld_files"] = withheld
    return add_event(
        ticket, EventKind.CUSTOMER_MESSAGE, author, body=text, channel=channel, **extra
    )
