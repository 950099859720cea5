"""Recording a complaint: staff for a registered customer, or a customer on the portal."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.core.errors import PermissionDenied
from aduan.core.permissions import require
from aduan.core.validation import Errors, clean_text
from aduan.customers.models import Customer
from aduan.organisation import selectors as org
from aduan.organisation.models import ChannelKind, TeamKind
from aduan.tickets import deadlines, signals
from aduan.tickets.models import EventKind, Status, Ticket, Tier
from aduan.tickets.permissions import may_record_complaint
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


@transaction.atomic
def create_ticket(*, actor: User, data: TicketInput) -> Ticket:
    """Record a complaint. Staff enter it for a registered customer (seed 001 step 9) and it
    opens at once; a customer files their own on the portal and it waits as ``new``."""
    require(may_record_complaint, actor)
    errors = Errors()
    now = timezone.now()
    subject = errors.check(
        "subject",
        lambda: clean_text("subject", data.subject, max_length=SUBJECT_MAX, single_line=True),
    )
    description = errors.check(
        "description", lambda: clean_text("description", data.description, max_length=BODY_MAX)
    )
    customer: Customer | None
    if actor.is_customer:
        customer = Customer.objects.filter(user=actor).first()
        if customer is None:
            raise PermissionDenied(_("Your login is not linked to a customer record."))
        if data.customer_id not in (None, customer.pk):
            errors.add("customer_id", _("Customers file complaints only for themselves."))
        channel_code: str | None = data.channel or "web"
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
    else:
        channel_code = data.channel
        customer = None
        if data.customer_id is None:
            errors.add("customer_id", _("Register or look up the customer first."))
        else:
            try:
                # get(), not first(): a look-up by primary key needs no ORDER BY, and
                # compiling the customers' ordering (by name) cost every new ticket.
                customer = Customer.objects.get(pk=data.customer_id)
            except Customer.DoesNotExist:
                errors.add(
                    "customer_id", _("No customer with id %(id)s.") % {"id": data.customer_id}
                )

    channel = find_channel(errors, channel_code)
    if actor.is_customer and channel is not None and channel.kind != ChannelKind.WEB:
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
    errors.raise_if_any()
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

    ticket = Ticket(
        reference=new_reference(received),
        channel=channel,
        category=category,
        is_technical=is_technical,
        priority=priority,
        subject=str(subject),
        description=str(description),
        customer=customer,
        team=team,
        assignee=assignee,
        tier=tier,
        status=Status.NEW if actor.is_customer else Status.OPEN,
        received_at=received,
        created_by=actor,
    )
    # The service-level policy for its priority, category and channel sets the due times.
    deadlines.start(ticket)
    ticket.save(force_insert=True)
    add_event(ticket, EventKind.CREATED, actor, channel=channel.code, status=ticket.status)
    audit_ticket(actor, "ticket.created", ticket, {})
    signals.ticket_created.send(sender=Ticket, ticket=ticket, actor=actor)
    return ticket
