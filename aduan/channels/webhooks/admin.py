"""Django admin for webhooks: endpoints, stored posts (re-run failed ones), replies."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aduan.channels.webhooks import services
from aduan.channels.webhooks.models import (
    ChannelIdentity,
    InboundWebhookMessage,
    OutboundDelivery,
    WebhookEndpoint,
)
from aduan.core.errors import ApplicationError


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    list_display = ["channel", "outbound_url", "is_active", "created_at"]


@admin.register(ChannelIdentity)
class ChannelIdentityAdmin(admin.ModelAdmin[ChannelIdentity]):
    list_display = ["channel", "external_id", "display_name", "customer"]
    search_fields = ["external_id", "display_name"]
    raw_id_fields = ["customer"]


@admin.register(InboundWebhookMessage)
class InboundWebhookMessageAdmin(admin.ModelAdmin[InboundWebhookMessage]):
    list_display = ["id", "received_at", "channel", "external_id", "status", "ticket", "error"]
    list_filter = ["status", "channel"]
    search_fields = ["external_id"]
    actions = ["run_again"]
    readonly_fields = [f.name for f in InboundWebhookMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Process again"))
    def run_again(self, request: HttpRequest, queryset: QuerySet[InboundWebhookMessage]) -> None:
        for stored in queryset.exclude(status="processed").only("pk"):
            try:
                services.retry(actor=request.user, message_id=stored.pk)  # type: ignore[arg-type]
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return


@admin.register(OutboundDelivery)
class OutboundDeliveryAdmin(admin.ModelAdmin[OutboundDelivery]):
    list_display = ["id", "created_at", "channel", "recipient", "status", "attempts"]
    list_filter = ["status", "channel"]
    readonly_fields = [f.name for f in OutboundDelivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
