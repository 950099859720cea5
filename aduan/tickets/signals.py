"""Signals the ticket services send for the apps that build on the ticket lifecycle
(aduan.care: hard complaints and callbacks; aduan.channels: delivering answers).

They are sent inside the service's transaction, after the change and its timeline and audit
entries are written: a receiver's rows (an outbox entry for mail or a webhook) commit or
roll back with the change itself, a receiver that raises undoes the whole service call, and
slow work (sending) waits until after commit.
"""

from __future__ import annotations

from django.dispatch import Signal

# A ticket was recorded: ``ticket``, ``actor`` (None when it arrived by itself).
ticket_created = Signal()
# Category or priority changed: ``ticket``, ``actor``, ``fields`` (the names changed).
ticket_classified = Signal()
# A status move: ``ticket``, ``actor``, ``source``, ``target``.
status_changed = Signal()
# A reply or solution report for the customer was written on the timeline: ``event``, a
# TicketEvent that is not internal. aduan.channels delivers it by mail or webhook.
customer_answered = Signal()
