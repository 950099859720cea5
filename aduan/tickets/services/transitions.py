"""The status moves people choose, checked against the workflow table."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.core.errors import ValidationFailed
from aduan.core.validation import clean_text
from aduan.tickets import workflow
from aduan.tickets.models import EventKind, SolutionChannel, Status, Ticket
from aduan.tickets.services.common import BODY_MAX, add_event, check_version, lock_ticket
from aduan.tickets.services.forwarding import forward_to_division
from aduan.tickets.services.status import apply_move, check_move
from aduan.tickets.workflow import Trigger


@dataclass(frozen=True)
class TransitionInput:
    to: str
    note: str = ""
    team: str | None = None
    channel: str | None = None
    version: int | None = None


@transaction.atomic
def transition(*, actor: User, reference: str, data: TransitionInput) -> Ticket:
    """Move a ticket to another status, if the workflow table allows it for this person."""
    ticket = lock_ticket(actor, reference)
    check_version(ticket, data.version)
    target = data.to
    if target not in Status.values:
        raise ValidationFailed(
            [
                (
                    "to",
                    _("Unknown status '%(to)s'; one of: %(choices)s.")
                    % {"to": target, "choices": ", ".join(Status.values)},
                )
            ]
        )
    check_move(ticket, actor, target, trigger=Trigger.CHOICE)
    move = workflow.move_for(ticket.status, target)
    assert move is not None  # check_move refused a move the table lacks
    note = clean_text("note", data.note, max_length=BODY_MAX, required=move.needs_note)
    if target == Status.FORWARDED:
        forward_to_division(ticket, actor, team_code=data.team, instructions=note)
        return ticket
    channel = ""
    if target == Status.RESOLVED:
        channel = (data.channel or "").strip()
        if channel not in SolutionChannel.values:
            raise ValidationFailed(
                [
                    (
                        "channel",
                        _("Say how the solution reached the customer: one of %(choices)s.")
                        % {"choices": ", ".join(SolutionChannel.values)},
                    )
                ]
            )
    elif data.channel:
        raise ValidationFailed([("channel", _("Only used when resolving."))])
    if data.team:
        raise ValidationFailed([("team", _("Only used when forwarding to a division."))])
    if actor.is_customer and target == Status.OPEN:
        # The customer's own words about what still fails belong in their timeline.
        add_event(
            ticket, EventKind.CUSTOMER_MESSAGE, actor, body=note, channel=SolutionChannel.PORTAL
        )
    apply_move(ticket, actor, target, trigger=Trigger.CHOICE, note=note, channel=channel)
    return ticket
