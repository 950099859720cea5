from django.contrib import admin

from aduan.care.models import (
    Callback,
    CareSettings,
    ExternalGroup,
    HardComplaint,
    HardComplaintPhrase,
    Promise,
    SpecialAction,
    SuperEmergency,
    WebhookDelivery,
)


@admin.register(CareSettings)
class CareSettingsAdmin(admin.ModelAdmin[CareSettings]):
    list_display = ["__str__", "repeat_threshold", "repeat_window_days", "promise_cap"]
    filter_horizontal = ["callback_categories", "callback_priorities"]


@admin.register(HardComplaintPhrase)
class HardComplaintPhraseAdmin(admin.ModelAdmin[HardComplaintPhrase]):
    list_display = ["phrase", "criterion", "language", "is_active"]
    list_filter = ["criterion", "language", "is_active"]
    search_fields = ["phrase"]


@admin.register(ExternalGroup)
class ExternalGroupAdmin(admin.ModelAdmin[ExternalGroup]):
    list_display = ["code", "name", "webhook_url", "is_active"]


@admin.register(HardComplaint)
class HardComplaintAdmin(admin.ModelAdmin[HardComplaint]):
    list_display = ["ticket", "status", "repeat_count", "marked_at"]
    list_filter = ["status"]
    raw_id_fields = ["ticket", "marked_by", "last_action_by"]


@admin.register(SuperEmergency)
class SuperEmergencyAdmin(admin.ModelAdmin[SuperEmergency]):
    list_display = ["ticket", "status", "raised_by", "raised_at"]
    list_filter = ["status"]
    raw_id_fields = ["ticket", "raised_by", "analysed_by", "closed_by"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    list_display = ["id", "group", "event", "status", "attempts", "created_at", "delivered_at"]
    list_filter = ["status", "group"]
    raw_id_fields = ["emergency"]


@admin.register(Promise)
class PromiseAdmin(admin.ModelAdmin[Promise]):
    list_display = ["ticket", "guardian", "kind", "due_at", "status", "overdue_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["ticket", "guardian", "made_by", "closed_by"]


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin[Callback]):
    list_display = ["ticket", "round", "status", "attempts", "reached", "solved", "satisfaction"]
    list_filter = ["status", "reached", "solved", "satisfaction"]
    raw_id_fields = ["ticket", "recorded_by"]


@admin.register(SpecialAction)
class SpecialActionAdmin(admin.ModelAdmin[SpecialAction]):
    list_display = ["ticket", "status", "automatic", "requested_at", "decided_at"]
    list_filter = ["status", "automatic"]
    raw_id_fields = ["ticket", "requested_by", "decided_by"]
