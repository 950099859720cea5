"""Reading one's own notifications, newest first, a page at a time (keyset, no counting)."""

from __future__ import annotations

from aduan.accounts.models import User
from aduan.notifications.models import Notification

MAX_PAGE = 100


def page(
    user: User, *, unread_only: bool, before_id: int | None, limit: int
) -> tuple[list[Notification], int | None]:
    """Up to ``limit`` notifications older than ``before_id``, and the id to pass for the
    next page (None on the last)."""
    rows = Notification.objects.filter(recipient=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    if before_id is not None:
        rows = rows.filter(id__lt=before_id)
    found = list(rows.select_related("ticket").order_by("-id")[: limit + 1])
    if len(found) > limit:
        found = found[:limit]
        return found, found[-1].pk
    return found, None


def unread_count(user: User) -> int:
    # Served by the partial (recipient, id) WHERE read_at IS NULL index; a person's unread
    # notifications are few, unlike the table.
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
