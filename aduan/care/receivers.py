"""Care reacts to the ticket lifecycle: the repeat rule for hard complaints after intake,
a reopening or a new category, and the callback list on resolution. Runs inside the ticket
service's transaction."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from aduan.care import matching
from aduan.care.models import CareSettings, HardComplaintPhrase
from aduan.care.services import callbacks, common, hard
from aduan.tickets import signals as ticket_signals
from aduan.tickets.models import Status, Ticket
from aduan.tickets.workflow import REOPEN_SOURCES


def _created(sender: Any, ticket: Ticket, actor: Any, **kwargs: Any) -> None:
    hard.check_repeats(ticket, actor)


def _classified(sender: Any, ticket: Ticket, actor: Any, fields: list[str], **kwargs: Any) -> None:
    if "category" in fields:
        hard.check_repeats(ticket, actor)


def _status(
    sender: Any, ticket: Ticket, actor: Any, source: str, target: str, **kwargs: Any
) -> None:
    if target == Status.RESOLVED:
        callbacks.list_if_wanted(ticket)
    elif source in REOPEN_SOURCES and target == Status.OPEN:
        hard.check_repeats(ticket, actor)


ticket_signals.ticket_created.connect(_created, dispatch_uid="care-created")
ticket_signals.ticket_classified.connect(_classified, dispatch_uid="care-classified")
ticket_signals.status_changed.connect(_status, dispatch_uid="care-status")


def _clear_settings(**kwargs: Any) -> None:
    common.clear_cache()


def _clear_phrases(**kwargs: Any) -> None:
    matching.clear_cache()


post_save.connect(_clear_settings, sender=CareSettings, dispatch_uid="care-settings-saved")
m2m_changed.connect(
    _clear_settings,
    sender=CareSettings.callback_categories.through,
    dispatch_uid="care-settings-categories",
)
m2m_changed.connect(
    _clear_settings,
    sender=CareSettings.callback_priorities.through,
    dispatch_uid="care-settings-priorities",
)
post_save.connect(_clear_phrases, sender=HardComplaintPhrase, dispatch_uid="care-phrase-saved")
post_delete.connect(_clear_phrases, sender=HardComplaintPhrase, dispatch_uid="care-phrase-del")
