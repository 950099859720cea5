"""What every page of the web UI needs: the person's role groups and the organisation."""

from __future__ import annotations

from functools import partial
from typing import Any, cast

from django.http import HttpRequest

from aduan.accounts import permissions as may
from aduan.accounts.models import User
from aduan.care.permissions import may_see_callbacks
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
    if request.path.startswith("/api/"):
        return {}
    # The menus ask the same capabilities as the services (accounts.permissions).
    person = cast(User, user) if user is not None and user.is_authenticated else None
    staff = person if person is not None and may.is_staff_member(person) else None
    return {
        "ui": {
            "role": person.role if person is not None else None,
            "is_staff_member": staff is not None,
            "is_front_staff": person is not None and may.is_front_staff(person),
            "reads_all_tickets": person is not None and may.reads_all_tickets(person),
            "is_division": person is not None and may.is_division_staff(person),
            "is_admin": person is not None and may.is_admin(person),
            "is_customer": person is not None and may.is_customer(person),
            "organisation": org.organisation_name(),
            "nav": _nav(request),
            # Callables, so only a page that shows the console menu asks the database.
            "sees_callbacks": partial(may_see_callbacks, staff) if staff else False,
            "unread_notifications": partial(notifications.unread_count, staff) if staff else 0,
        }
    }
