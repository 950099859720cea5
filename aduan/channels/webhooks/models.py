"""Chat, SMS and social media by webhook: a gateway posts each message it receives to
``/api/v1/channels/{code}/inbound`` signed with a shared secret, and Aduan posts its replies
to the gateway's URL signed the same way."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEndpoint(models.Model):
    """The webhook configuration of one channel (of kind chat, SMS or social media)."""

    channel = models.OneToOneField(
        "organisation.Channel",
        verbose_name=_("channel"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    secret = models.CharField(
        _("shared secret"),
        max_length=200,
        help_text=_("Signs both directions (HMAC-SHA256); at least 16 characters."),
    )
    outbound_url = models.URLField(
        _("reply URL"),
        max_length=500,
        blank=True,
        help_text=_("Replies to the customer are posted here; empty: no replies by webhook."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return str(self.channel_id)


class ChannelIdentity(models.Model):
    """Who a sender on a channel is: their account there (a phone number, a chat or social
    media id) and the customer it belongs to."""

    channel = models.ForeignKey(
        "organisation.Channel", verbose_name=_("channel"), on_delete=models.CASCADE
    )
    external_id = models.CharField(_("id on the channel"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="channel_identities",
    )
    display_name = models.CharField(_("name on the channel"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("channel identity")
        verbose_name_plural = _("channel identities")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="webhook_identity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.external_id}"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Stored, not yet processed")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")


class InboundWebhookMessage(models.Model):
    """A message as the gateway posted it, stored before it is processed; the gateway's
    message id makes a retried post count once."""

    channel = models.ForeignKey(
        "organisation.Channel", verbose_name=_("channel"), on_delete=models.PROTECT
    )
    external_id = models.CharField(_("message id on the channel"), max_length=200)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("processing attempts"), default=0)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.ForeignKey(
        "tickets.TicketEvent",
        verbose_name=_("timeline entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inbound webhook message")
        verbose_name_plural = _("inbound webhook messages")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="webhook_inbound_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "id"], name="webhook_inbound_status_idx")]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.external_id} ({self.status})"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Not sent: too many to this recipient")


class OutboundDelivery(models.Model):
    """A reply posted to a channel's gateway, with its delivery state (the webhook outbox)."""

    delivery_id = models.CharField(_("delivery id"), max_length=64, unique=True)
    channel = models.ForeignKey(
        "organisation.Channel", verbose_name=_("channel"), on_delete=models.PROTECT
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.ForeignKey(
        "tickets.TicketEvent",
        verbose_name=_("timeline entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recipient = models.CharField(_("recipient id on the channel"), max_length=200)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound webhook delivery")
        verbose_name_plural = _("outbound webhook deliveries")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["recipient", "ticket", "created_at"], name="webhook_outbound_cap_idx"
            ),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_outbound_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} ({self.status})"
