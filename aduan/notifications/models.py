"""In-app notifications: what a person must know about (a target near or missed, a ticket
escalated to their team, progress on a super emergency)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Machine-readable, e.g. "sla.resolution_breached"; clients filter and pick icons by it.
    kind = models.CharField(_("kind"), max_length=40)
    # Written in the recipient's language when the notification is made.
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Makes a notification idempotent: a retried job that notifies again with the same key
    # adds nothing. NULL (not "") for none, so the unique constraint ignores those rows.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "id"], name="notification_recipient_idx"),
            models.Index(
                fields=["recipient", "id"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="notification_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind}"
