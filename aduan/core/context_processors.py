"""What every page of the web UI needs: the person's role groups and the organisation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from aduan.accounts.models import Role
from aduan.accounts.roles import ALL_TICKET_READERS, FRONT_STAFF, STAFF_ROLES
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
    return {
        "ui": {
            "role": role,
            "is_staff_member": role in STAFF_ROLES,
            "is_front_staff": role in FRONT_STAFF,
            "reads_all_tickets": role in ALL_TICKET_READERS,
            "is_division": role == Role.DIVISION,
            "is_admin": role == Role.ADMIN,
            "is_customer": role == Role.CUSTOMER,
            "organisation": org.organisation_name(),
            "nav": _nav(request),
        }
    }
