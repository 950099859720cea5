from django.contrib import admin

from aduan.organisation.models import Category, Channel, Organisation, Priority, Team


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "reference_prefix", "timezone", "default_language"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["code", "name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["code", "name", "parent", "default_team", "is_technical", "is_active"]
    list_filter = ["is_technical", "is_active", "default_team"]
    search_fields = ["code", "name"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin[Priority]):
    list_display = ["code", "name", "rank", "response_hours", "resolution_hours", "is_default"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin[Channel]):
    list_display = ["code", "name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
