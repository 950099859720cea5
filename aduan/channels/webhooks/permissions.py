"""Who may configure chat, SMS and social media channels and see what was sent on them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.accounts.permissions import is_admin, is_front_staff
from aduan.core.permissions import capability


@capability(_("Only administrators may do this."))
def may_configure_webhooks(user: User) -> bool:
    """A channel's gateway address and secret: administrators only."""
    return is_admin(user)


@capability(_("Only front-line staff may see replies sent on channels."))
def may_see_channel_replies(user: User) -> bool:
    """The front line answers customers, so it follows the replies posted to gateways."""
    return is_front_staff(user)
