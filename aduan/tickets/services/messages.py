"""Messages on the timeline: the customer writes, staff reply or write internal notes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.audit.services import record
from aduan.core.errors import Conflict, ValidationFailed
from aduan.core.validation import clean_text
from aduan.tickets import deadlines
from aduan.tickets.models import EventKind, SolutionChannel, Status, TicketEvent
from aduan.tickets.permissions import may_answer_customer
from aduan.tickets.services.common import BODY_MAX, add_event, lock_ticket, save_ticket
from aduan.tickets.services.status import apply_move
from aduan.tickets.workflow import Trigger


@transaction.atomic
def add_message(
    *,
    actor: User,
    reference: str,
    body: str,
    internal: bool = False,
    channel: str | None = None,
) -> TicketEvent:
    """A message on the timeline: the customer writes, staff reply to the customer or write
    an internal note. Division staff and verificators write internal notes only."""
    ticket = lock_ticket(actor, reference)
    text = clean_text("body", body, max_length=BODY_MAX)
    channel_value = (channel or "").strip()
    if channel_value and channel_value not in SolutionChannel.values:
        raise ValidationFailed(
            [
                (
                    "channel",
                    _("Must be one of: %(choices)s.")
                    % {"choices": ", ".join(SolutionChannel.values)},
                )
            ]
        )
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise Conflict(
            _("Ticket %(reference)s is %(status)s; file a new complaint instead.")
            % {"reference": ticket.reference, "status": ticket.get_status_display()},
            field="status",
            extra={"current": ticket.status},
        )
    if actor.is_customer:
        if internal:
            raise ValidationFailed([("internal", _("Customers cannot write internal notes."))])
        event = add_event(
            ticket,
            EventKind.CUSTOMER_MESSAGE,
            actor,
            body=text,
            channel=channel_value or SolutionChannel.PORTAL,
        )
    elif may_answer_customer(actor, ticket):
        if internal:
            event = add_event(ticket, EventKind.NOTE, actor, body=text, internal=True)
        else:
            event = add_event(
                ticket,
                EventKind.REPLY,
                actor,
                body=text,
                channel=channel_value or SolutionChannel.PORTAL,
            )
            if ticket.first_response_at is None:
                ticket.first_response_at = timezone.now()
                sla_fields, sla_events = deadlines.on_first_response(
                    ticket, ticket.first_response_at
                )
                save_ticket(ticket, ["first_response_at", *sla_fields])
                TicketEvent.objects.bulk_create(sla_events)
            if ticket.status == Status.NEW:
                apply_move(ticket, actor, Status.OPEN, trigger=Trigger.REPLY, note="")
    else:
        if not internal:
            raise may_answer_customer.denied(actor, ticket)
        event = add_event(ticket, EventKind.NOTE, actor, body=text, internal=True)
    # The timeline keeps what was said; the audit log records who added it, like every change.
    record(
        actor=actor,
        action="ticket.message",
        instance=ticket,
        after={
            "event": event.pk,
            "kind": event.kind,
            "internal": event.internal,
            "channel": event.channel,
        },
    )
    return event
