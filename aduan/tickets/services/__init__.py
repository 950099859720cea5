"""Every change to a ticket: creation, classification, messages, transitions, escalation,
forwarding to divisions and their responses, and intake by the channels; one module per
use case, re-exported here (``from aduan.tickets import services; services.create_ticket``).

Each public function is one transaction: it validates everything first, changes the rows,
writes the timeline entry and the audit entry, or raises and changes nothing. No other code
assigns ``ticket.status`` (``status.apply_move`` does, for every service here).
"""

from aduan.tickets.permissions import may_reopen_closed
from aduan.tickets.services.changes import TicketChanges, update_ticket
from aduan.tickets.services.common import AUDITED_FIELDS, BODY_MAX, SUBJECT_MAX
from aduan.tickets.services.creation import MAX_BACKDATE, TicketInput, create_ticket
from aduan.tickets.services.escalation import escalate
from aduan.tickets.services.forwarding import DivisionResponse, forward, respond_to_forwarding
from aduan.tickets.services.intake import (
    accepts_channel_message,
    receive_channel_message,
    receive_from_channel,
)
from aduan.tickets.services.messages import add_message
from aduan.tickets.services.transitions import TransitionInput, transition

__all__ = [
    "AUDITED_FIELDS",
    "BODY_MAX",
    "MAX_BACKDATE",
    "SUBJECT_MAX",
    "DivisionResponse",
    "TicketChanges",
    "TicketInput",
    "TransitionInput",
    "accepts_channel_message",
    "add_message",
    "create_ticket",
    "escalate",
    "forward",
    "may_reopen_closed",
    "receive_channel_message",
    "receive_from_channel",
    "respond_to_forwarding",
    "transition",
    "update_ticket",
]
