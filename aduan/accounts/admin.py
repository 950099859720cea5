from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "teams"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Aduan"), {"fields": ("role", "teams", "phone", "language")}),
    )
    filter_horizontal = ["teams", "groups", "user_permissions"]
