"""Who may change the organisation: teams, categories, priorities and its settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.accounts.permissions import is_admin
from aduan.core.permissions import capability


@capability(_("Only administrators may change the organisation's settings."))
def may_configure_organisation(user: User) -> bool:
    """Teams, categories and priorities route and time every ticket: administrators only."""
    return is_admin(user)
