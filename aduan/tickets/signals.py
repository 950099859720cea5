"""Signals other apps listen to.

They are sent inside the service's transaction, so a receiver that writes rows (an outbox
entry for mail or a webhook) commits or rolls back with the change that caused it, and does
its slow work (sending) only after commit.
"""

from __future__ import annotations

from django.dispatch import Signal

# A reply or solution report for the customer was written on the timeline: ``event``, a
# TicketEvent that is not internal. aduan.channels delivers it by mail or webhook.
customer_answered = Signal()
