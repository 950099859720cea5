"""Every change to a ticket: creation, classification, messages, transitions, escalation,
forwarding to divisions and their responses, recording a complaint whoever brings it
(``complaint``) and the customer writing again (``intake``); one module per
use case, re-exported here (``from aduan.tickets import services; services.create_ticket``).

Each public function is one transaction: it validates everything first, changes the rows,
writes the timeline entry and the audit entry, or raises and changes nothing. No other code
assigns ``ticket.status`` (``status.apply_move`` does, for every service here).
"""

from aduan.tickets.permissions import may_reopen_closed
from aduan.tickets.services.changes import TicketChanges, update_ticket
from aduan.tickets.services.common import AUDITED_FIELDS, BODY_MAX, SUBJECT_MAX
from aduan.tickets.services.complaint import (
    OUTCOMES,
    Recorded,
    Upload,
    create_ticket,
    record_complaint,
)
from aduan.tickets.services.creation import MAX_BACKDATE, TicketInput
from aduan.tickets.services.escalation import escalate
from aduan.tickets.services.forwarding import DivisionResponse, forward, respond_to_forwarding
from aduan.tickets.services.intake import (
    CustomerMessage,
    Outcome,
    receive_customer_message,
    what_a_message_does,
)
from aduan.tickets.services.messages import add_message
from aduan.tickets.services.transitions import TransitionInput, transition

__all__ = [
    "AUDITED_FIELDS",
    "BODY_MAX",
    "MAX_BACKDATE",
    "OUTCOMES",
    "SUBJECT_MAX",
    "CustomerMessage",
    "DivisionResponse",
    "Outcome",
    "Recorded",
    "TicketChanges",
    "TicketInput",
    "TransitionInput",
    "Upload",
    "add_message",
    "create_ticket",
    "escalate",
    "forward",
    "may_reopen_closed",
    "receive_customer_message",
    "record_complaint",
    "respond_to_forwarding",
    "transition",
    "update_ticket",
    "what_a_message_does",
]
