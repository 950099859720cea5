"""What every page of the web UI needs: the person's role groups and the organisation."""

from __future__ import annotations

from functools import partial
from typing import Any, cast

from django.http import HttpRequest

from aduan.accounts.models import Role, User
from aduan.accounts.roles import ALL_TICKET_READERS, FRONT_STAFF, STAFF_ROLES
from aduan.care.services.common import may_see_callbacks
from aduan.notifications import selectors as notifications
from aduan.organisation import selectors as org

# Which menu entry a page belongs to (its URL name), to mark it as the current one.
NAV = {
    "console:desk": "desk",
    "console:register": "desk",
    "console:complaint": "desk",
    "console:queues": "queues",
    "console:ticket": "queues",
    "console:inbox": "inbox",
    "console:forwarding": "inbox",
    "console:hard_complaints": "hard_complaints",
    "console:callbacks": "callbacks",
    "console:callback_outcome": "callbacks",
    "console:notifications": "notifications",
    "portal:home": "home",
    "portal:ticket": "home",
    "portal:new": "new",
}


def _nav(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    name = match.view_name
    if name.startswith("console:admin"):
        return "admin"
    return NAV.get(name, "")


def ui(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    if request.path.startswith("/api/"):
        return {}
    staff = role in STAFF_ROLES
    person = cast(User, user)
    return {
        "ui": {
            "role": role,
            "is_staff_member": staff,
            "is_front_staff": role in FRONT_STAFF,
            "reads_all_tickets": role in ALL_TICKET_READERS,
            "is_division": role == Role.DIVISION,
            "is_admin": role == Role.ADMIN,
            "is_customer": role == Role.CUSTOMER,
            "organisation": org.organisation_name(),
            "nav": _nav(request),
            # Callables, so only a page that shows the console menu asks the database.
            "sees_callbacks": partial(may_see_callbacks, person) if staff else False,
            "unread_notifications": partial(notifications.unread_count, person) if staff else 0,
        }
    }
