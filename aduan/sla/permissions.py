"""Who may read and change the service levels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.accounts.permissions import is_admin, is_staff_member
from aduan.core.permissions import capability


@capability(_("Only staff may read the service levels."))
def may_read_service_levels(user: User) -> bool:
    """Policies, calendars and a ticket's clock are staff information."""
    return is_staff_member(user)


@capability(_("Only administrators may change service levels."))
def may_configure_service_levels(user: User) -> bool:
    """Policies, escalation steps and calendars set every ticket's due times: administrators
    only."""
    return is_admin(user)
