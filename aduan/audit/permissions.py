"""Who may read the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import Role, User
from aduan.core.permissions import capability

# Who may read the whole log: the people an ISO auditor talks to.
AUDITORS = frozenset({Role.ADMIN, Role.DIRECTOR, Role.VERIFICATOR})


@capability(_("Only administrators, directors and verificators may read the whole audit log."))
def may_read_audit(user: User) -> bool:
    """The whole log: administrators, directors and verificators, the people an ISO auditor
    talks to."""
    return user.is_active and user.role in AUDITORS
