from django.contrib import admin

from aduan.sla.models import (
    BusinessCalendar,
    ClosedDay,
    EscalationStep,
    SlaEvent,
    SlaPolicy,
    WorkingPeriod,
)


class WorkingPeriodInline(admin.TabularInline[WorkingPeriod, BusinessCalendar]):
    model = WorkingPeriod
    extra = 0


class ClosedDayInline(admin.TabularInline[ClosedDay, BusinessCalendar]):
    model = ClosedDay
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin[BusinessCalendar]):
    list_display = ["code", "name", "timezone", "national_holidays", "collective_leave"]
    inlines = [WorkingPeriodInline, ClosedDayInline]


class EscalationStepInline(admin.TabularInline[EscalationStep, SlaPolicy]):
    model = EscalationStep
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    list_display = [
        "code",
        "name",
        "priority",
        "category",
        "channel",
        "first_response_minutes",
        "resolution_minutes",
        "clock",
        "pause_when_pending",
        "order",
        "is_active",
    ]
    list_filter = ["clock", "is_active", "priority"]
    inlines = [EscalationStepInline]


@admin.register(EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin[EscalationStep]):
    list_display = ["policy", "trigger", "offset_minutes", "action", "is_active"]
    list_filter = ["trigger", "action", "is_active"]


@admin.register(SlaEvent)
class SlaEventAdmin(admin.ModelAdmin[SlaEvent]):
    list_display = ["done_at", "ticket", "key", "trigger", "action", "outcome"]
    list_filter = ["trigger", "action"]
    raw_id_fields = ["ticket"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
