"""Signals for apps that build on the ticket lifecycle (aduan.care: hard complaints and
callbacks).

Sent by the ticket services inside their transaction, after the change and its timeline and
audit entries are written: a receiver's rows commit or roll back with the change itself,
and a receiver that raises undoes the whole service call.
"""

from __future__ import annotations

from django.dispatch import Signal

# A ticket was recorded: ``ticket``, ``actor`` (None when it arrived by itself).
ticket_created = Signal()
# Category or priority changed: ``ticket``, ``actor``, ``fields`` (the names changed).
ticket_classified = Signal()
# A status move: ``ticket``, ``actor``, ``source``, ``target``.
status_changed = Signal()
