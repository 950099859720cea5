"""Making and reading notifications. Every write is one transaction, like the ticket services.

A notification is written in its recipient's language when it is made (the person's own
language, else the organisation's default), so a list of them never needs translating.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.core.errors import NotFound
from aduan.notifications.models import Notification

TITLE_MAX = 200


@dataclass(frozen=True)
class Message:
    """What to say: ``title`` and ``body`` are lazy translations with ``%(name)s``
    placeholders filled from ``params`` in the recipient's language."""

    kind: str
    title: Promise | str
    body: Promise | str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    ticket_id: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


def _render(text: Promise | str, params: Mapping[str, Any]) -> str:
    template = str(text)
    if not params:
        return template
    return template % {key: str(value) for key, value in params.items()}


def build_row(
    recipient: User, message: Message, *, dedupe_key: str | None = None
) -> dict[str, Any]:
    """The notification's column values (``{attname: value}``) for bulk inserts."""
    language = recipient.language or settings.LANGUAGE_CODE
    if language == translation.get_language():
        title = _render(message.title, message.params)
        body = _render(message.body, message.params) if message.body else ""
    else:
        with translation.override(language):
            title = _render(message.title, message.params)
            body = _render(message.body, message.params) if message.body else ""
    return {
        "recipient_id": recipient.pk,
        "kind": message.kind,
        "title": title[:TITLE_MAX],
        "body": body,
        "ticket_id": message.ticket_id,
        "data": dict(message.data),
        "created_at": timezone.now(),
        "read_at": None,
        "dedupe_key": dedupe_key,
    }


def build(recipient: User, message: Message, *, dedupe_key: str | None = None) -> Notification:
    """An unsaved notification for ``recipient``; ``notify`` saves them in bulk."""
    return Notification(**build_row(recipient, message, dedupe_key=dedupe_key))


def save_all(notifications: list[Notification]) -> None:
    """Insert, skipping any whose (recipient, dedupe key) exists: a retried job adds nothing."""
    if notifications:
        Notification.objects.bulk_create(notifications, ignore_conflicts=True)


def notify(
    recipients: Iterable[User], message: Message, *, dedupe_key: str | None = None
) -> list[Notification]:
    """Notify each recipient once (duplicates in ``recipients`` are dropped)."""
    seen: set[int] = set()
    made = []
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        made.append(build(user, message, dedupe_key=dedupe_key))
    save_all(made)
    return made


@transaction.atomic
def mark_read(*, actor: User, notification_id: int) -> Notification:
    notification = (
        Notification.objects.select_for_update().filter(pk=notification_id, recipient=actor).first()
    )
    if notification is None:
        raise NotFound(_("No notification %(id)s for you.") % {"id": notification_id})
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
