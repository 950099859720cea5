"""Intake by mail and the other channels (aduan.channels: mail, chat, SMS, social media).

Nobody is signed in: the system is the actor, and what the message says never makes it
anything but the customer's own words.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.audit.services import record
from aduan.core.errors import Conflict
from aduan.core.validation import Errors, clean_text
from aduan.customers.models import Customer
from aduan.organisation import selectors as org
from aduan.tickets import deadlines, signals, workflow
from aduan.tickets.models import EventKind, Status, Ticket, TicketEvent, Tier
from aduan.tickets.services.common import (
    BODY_MAX,
    SUBJECT_MAX,
    add_event,
    audit_ticket,
    find_channel,
    find_priority,
    new_reference,
    save_ticket,
)
from aduan.tickets.services.status import apply_move


@transaction.atomic
def receive_from_channel(
    *,
    channel: str,
    customer: Customer,
    subject: str,
    description: str,
    follows: Ticket | None = None,
    details: dict[str, Any] | None = None,
) -> tuple[Ticket, TicketEvent]:
    """Open a ticket for a complaint that arrived by itself. Like one filed on the portal it
    waits as ``new`` for the front line to classify. ``follows`` is the closed ticket the
    customer wrote to again: the new one is its linked follow-up. Keep in step with
    ``create_ticket``."""
    errors = Errors()
    subject_text = errors.text("subject", subject, max_length=SUBJECT_MAX, single_line=True)
    description_text = errors.text("description", description, max_length=BODY_MAX)
    channel_row = find_channel(errors, channel)
    priority = find_priority(errors, None)
    errors.raise_if_any()
    assert channel_row is not None and priority is not None
    received = timezone.now()
    team = org.default_intake_team()
    ticket = Ticket(
        reference=new_reference(received),
        channel=channel_row,
        priority=priority,
        subject=subject_text,
        description=description_text,
        customer=customer,
        team=team,
        tier=(team.tier if team else None) or Tier.FRONT_LINE,
        status=Status.NEW,
        received_at=received,
    )
    deadlines.start(ticket)
    ticket.save(force_insert=True)
    extra = dict(details or {})
    if follows is not None:
        extra["follows"] = follows.reference
    event = add_event(
        ticket, EventKind.CREATED, None, channel=channel_row.code, status=ticket.status, **extra
    )
    audit_ticket(None, "ticket.created", ticket, {})
    signals.ticket_created.send(sender=Ticket, ticket=ticket, actor=None)
    if follows is not None:
        add_event(
            follows,
            EventKind.NOTE,
            None,
            body=_("The customer wrote again after closing; follow-up ticket %(reference)s.")
            % {"reference": ticket.reference},
            internal=True,
            follow_up=ticket.reference,
        )
    return ticket, event


def accepts_channel_message(ticket: Ticket, *, reopen_closed: bool) -> bool:
    """Whether a customer's message by mail or another channel joins ``ticket`` (else the
    caller opens a linked follow-up): cancelled tickets never take one, closed ones only
    when the organisation reopens them on a reply."""
    if ticket.status == Status.CANCELLED:
        return False
    return ticket.status != Status.CLOSED or reopen_closed


@transaction.atomic
def receive_channel_message(
    *,
    ticket_id: int,
    customer: Customer,
    body: str,
    channel: str,
    reopen_closed: bool = False,
    details: dict[str, Any] | None = None,
) -> TicketEvent:
    """The customer writes again on an existing ticket, by mail or another channel. On a
    resolved ticket that is "the problem persists" and reopens it (seed 000 1.3.4); a closed
    one reopens only with ``reopen_closed``. Refuses (Conflict) where
    ``accepts_channel_message`` says no."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    text = clean_text("body", body, max_length=BODY_MAX)
    if not accepts_channel_message(ticket, reopen_closed=reopen_closed):
        raise Conflict(
            _("Ticket %(reference)s is %(status)s; file a new complaint instead.")
            % {"reference": ticket.reference, "status": ticket.get_status_display()},
            field="status",
            extra={"current": ticket.status},
        )
    # Only the customer's own portal login may stand as the author: whatever the message
    # claims, it never becomes a staff member's words.
    user = customer.user if customer.user_id else None
    author = user if user is not None and user.is_customer else None
    extra = dict(details or {})
    if customer.pk != ticket.customer_id:
        extra["customer_id"] = customer.pk
    event = add_event(
        ticket, EventKind.CUSTOMER_MESSAGE, author, body=text, channel=channel, **extra
    )
    if ticket.status in workflow.REOPEN_SOURCES:
        apply_move(
            ticket,
            None,
            Status.OPEN,
            trigger=workflow.Trigger.CUSTOMER_MESSAGE,
            by=workflow.ActorKind.CUSTOMER,
            note="",
        )
    else:
        save_ticket(ticket, [])
    record(
        actor=None,
        action="ticket.message",
        instance=ticket,
        after={"event": event.pk, "kind": event.kind, "internal": False, "channel": channel},
    )
    return event
