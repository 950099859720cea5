"""A new ticket: the checks and the row, for ``complaint.record_complaint`` (the one service
that records a complaint, whoever brings it: staff, the customer on the portal, a channel)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.core.errors import PermissionDenied
from aduan.core.validation import Errors
from aduan.customers.models import Customer
from aduan.organisation import selectors as org
from aduan.organisation.models import ChannelKind, TeamKind
from aduan.tickets import deadlines, signals
from aduan.tickets.models import EventKind, Status, Ticket, TicketEvent, Tier
from aduan.tickets.services.common import (
    BODY_MAX,
    SUBJECT_MAX,
    add_event,
    audit_ticket,
    find_assignee,
    find_category,
    find_channel,
    find_priority,
    find_team,
    new_reference,
)

# A letter may be entered days after it arrived, but not years, and never in the future.
MAX_BACKDATE = datetime.timedelta(days=365)


@dataclass(frozen=True)
class TicketInput:
    subject: str
    description: str
    channel: str | None = None
    customer_id: int | None = None
    category: str | None = None
    priority: str | None = None
    is_technical: bool | None = None
    team: str | None = None
    assignee_id: int | None = None
    received_at: datetime.datetime | None = None


def _customer_of(errors: Errors, actor: User | None, data: TicketInput) -> Customer | None:
    """Whose complaint it is: the signed-in customer's own, or the registered customer staff
    named. A channel (no ``actor``) has found or registered its sender itself."""
    if actor is not None and actor.is_customer:
        customer = Customer.objects.filter(user=actor).first()
        if customer is None:
            raise PermissionDenied(_("Your login is not linked to a customer record."))
        if data.customer_id not in (None, customer.pk):
            errors.add("customer_id", _("Customers file complaints only for themselves."))
        return customer
    if data.customer_id is None:
        errors.add("customer_id", _("Register or look up the customer first."))
        return None
    try:
        # get(), not first(): a look-up by primary key needs no ORDER BY, and compiling the
        # customers' ordering (by name) cost every new ticket.
        return Customer.objects.get(pk=data.customer_id)
    except Customer.DoesNotExist:
        errors.add("customer_id", _("No customer with id %(id)s.") % {"id": data.customer_id})
        return None


def new_ticket(
    errors: Errors,
    *,
    actor: User | None,
    data: TicketInput,
    customer: Customer | None = None,
) -> Ticket | None:
    """The unsaved ticket ``data`` describes, or None with the reasons in ``errors``. Staff
    enter a complaint for a registered customer (seed 001 step 9) and it opens at once; a
    customer files their own on the portal, and a channel (``actor`` None, with the
    ``customer`` it found) brings one by itself: those wait as ``new``."""
    now = timezone.now()
    subject = errors.text("subject", data.subject, max_length=SUBJECT_MAX, single_line=True)
    description = errors.text("description", data.description, max_length=BODY_MAX)
    by_customer = actor is None or actor.is_customer
    if customer is None:
        customer = _customer_of(errors, actor, data)
    channel_code = data.channel
    if by_customer:
        if actor is not None:
            channel_code = channel_code or "web"
        for field, value in (
            ("team", data.team),
            ("assignee_id", data.assignee_id),
            ("received_at", data.received_at),
            ("is_technical", data.is_technical),
            # Urgency is the front line's judgement, not the complainant's.
            ("priority", data.priority),
        ):
            if value is not None:
                errors.add(field, _("Only staff may set this field."))
    channel = find_channel(errors, channel_code)
    portal = actor is not None and actor.is_customer
    if portal and channel is not None and channel.kind != ChannelKind.WEB:
        errors.add("channel", _("Complaints filed on the portal use the web channel."))
    category = find_category(errors, data.category)
    priority = find_priority(errors, data.priority)
    team = find_team(errors, data.team)
    assignee = find_assignee(errors, data.assignee_id)
    received = data.received_at or now
    if data.received_at is not None:
        if timezone.is_naive(received):
            errors.add("received_at", _("Give a time zone, e.g. 2026-05-01T09:00:00+07:00."))
        elif received > now + datetime.timedelta(minutes=5):
            errors.add("received_at", _("Cannot be in the future."))
        elif received < now - MAX_BACKDATE:
            errors.add("received_at", _("Cannot be more than a year ago."))
    if errors:
        return None
    assert customer is not None and channel is not None and priority is not None

    if team is None:
        team = (category.default_team if category else None) or org.default_intake_team()
    is_technical = data.is_technical
    if is_technical is None:
        is_technical = bool(category and category.is_technical)
    tier = (team.tier if team else None) or Tier.FRONT_LINE
    if team is not None and team.kind == TeamKind.DIVISION:
        # A division is not a tier; it gets tickets through forwarding forms.
        tier = Tier.FRONT_LINE
    return Ticket(
        reference=new_reference(received),
        channel=channel,
        category=category,
        is_technical=is_technical,
        priority=priority,
        subject=subject,
        description=description,
        customer=customer,
        team=team,
        assignee=assignee,
        tier=tier,
        status=Status.NEW if by_customer else Status.OPEN,
        received_at=received,
        created_by=actor,
    )


def insert_ticket(ticket: Ticket, actor: User | None, **details: Any) -> TicketEvent:
    """Save the new ticket with its "created" entry and audit entry; returns the entry."""
    # The service-level policy for its priority, category and channel sets the due times.
    deadlines.start(ticket)
    ticket.save(force_insert=True)
    event = add_event(
        ticket,
        EventKind.CREATED,
        actor,
        channel=ticket.channel.code,
        status=ticket.status,
        **details,
    )
    audit_ticket(actor, "ticket.created", ticket, {})
    signals.ticket_created.send(sender=Ticket, ticket=ticket, actor=actor)
    return event
