"""Who may do what with mail: configure it, read what came in, see and resend what went out."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import User
from aduan.accounts.permissions import is_admin, is_front_staff, is_staff_member
from aduan.core.permissions import capability


@capability(_("Only administrators may do this."))
def may_configure_mail(user: User) -> bool:
    """Mailboxes, templates, the inbound list and its raw messages and withheld files, and
    re-running failed messages: administrators only (every customer's mail is there)."""
    return is_admin(user)


def may_read_mail_of_ticket(user: User) -> bool:
    """Staff read the text of a mail that belongs to a ticket they may read (the ticket's
    visibility is checked by the caller); not its raw bytes."""
    return is_staff_member(user)


@capability(_("Only front-line staff may see outgoing mail."))
def may_see_outgoing_mail(user: User) -> bool:
    """The front line answers customers, so it follows what was sent and whether it
    arrived."""
    return is_front_staff(user)


@capability(_("Only front-line staff may send mail again."))
def may_resend_mail(user: User) -> bool:
    """A mail that failed, bounced or was held back is sent again by the front line."""
    return is_front_staff(user)
