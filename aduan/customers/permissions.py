"""Who may do what with the customer registry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.accounts.permissions import is_front_staff
from aduan.core.permissions import capability


@capability(_("Only front-line staff may manage customers."))
def may_manage_customers(user: User) -> bool:
    """The front line registers a caller who is not yet known and corrects their details
    (seed 001 step 4); customers change their own on the portal."""
    return is_front_staff(user)


@capability(_("Only front-line staff may look up customers."))
def may_look_up_customers(user: User) -> bool:
    """Caller lookup by phone, email or name (seed 001 steps 2-5) shows other people's
    details: the front line only."""
    return is_front_staff(user)
