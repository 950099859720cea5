"""Who a person is in the procedures, as questions the other apps' capabilities build on.

The role groups of ``aduan.accounts.roles`` are compared here and in the other apps'
``permissions.py`` modules only. An inactive login is refused everything.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import Role, User
from aduan.accounts.roles import (
    ALL_TICKET_READERS,
    FRONT_STAFF,
    MANAGEMENT,
    STAFF_ROLES,
    SUPERVISORS,
)
from aduan.core.permissions import StrOrPromise, capability


def _has(user: User, roles: frozenset[str] | set[str]) -> bool:
    return bool(user.is_active) and user.role in roles


@capability(_("Only staff may do this."))
def is_staff_member(user: User) -> bool:
    """Everyone inside the organisation: the front line, verificators and division staff."""
    return _has(user, STAFF_ROLES)


@capability(_("Only front-line staff may do this."))
def is_front_staff(user: User) -> bool:
    """Agents, team leaders, coordinators, directors and administrators: they take
    complaints, classify, forward, answer and escalate (seed 001)."""
    return _has(user, FRONT_STAFF)


def reads_all_tickets(user: User) -> bool:
    """The front line and verificators read every ticket; division staff read what was
    forwarded to them, customers their own."""
    return _has(user, ALL_TICKET_READERS)


def is_division_staff(user: User) -> bool:
    """A division's person in charge: answers forwarding forms (seed 000 1.2.6)."""
    return _has(user, {Role.DIVISION})


def is_team_leader(user: User) -> bool:
    return _has(user, {Role.LEADER})


def is_coordinator(user: User) -> bool:
    return _has(user, {Role.COORDINATOR})


@capability(_("Only administrators may do this."))
def is_admin(user: User) -> bool:
    return _has(user, {Role.ADMIN})


def is_supervisor(user: User) -> bool:
    """Team leaders, coordinators and management: they reopen closed tickets."""
    return _has(user, SUPERVISORS)


def is_management(user: User) -> bool:
    """Directors and administrators: decisions at tier 3 are theirs (seed 001 step 6, seed
    003)."""
    return _has(user, MANAGEMENT)


def is_customer(user: User) -> bool:
    return _has(user, {Role.CUSTOMER})


@capability(_("Only administrators may manage users."))
def may_manage_users(user: User) -> bool:
    """Creating staff logins and changing roles is the administrator's."""
    return is_admin(user)


@capability(_("Only staff may list users."))
def may_list_users(user: User) -> bool:
    """Staff pick colleagues (assignees, teams); customers see no one."""
    return is_staff_member(user)


def may_own_tickets(user: User) -> bool:
    """Only the front line can be a ticket's assignee: they are the ones who answer it."""
    return is_front_staff(user)


def ticket_owners() -> Q:
    """``may_own_tickets`` as a filter on users (the assignee pickers)."""
    return Q(is_active=True, role__in=FRONT_STAFF)


def staff_logins() -> Q:
    """Every login but the customers', as a filter on users."""
    return ~Q(role=Role.CUSTOMER)


def staff_roles() -> list[tuple[str, StrOrPromise]]:
    """The roles an administrator may give a staff login (customers sign up themselves)."""
    return [(value, label) for value, label in Role.choices if value != Role.CUSTOMER]


def is_staff_role(role: str) -> bool:
    """Whether an administrator may give ``role`` to a staff login."""
    return role in Role.values and role != Role.CUSTOMER


def is_admin_role(role: str) -> bool:
    """Whether ``role`` makes a login an administrator: it also gets Django's admin site
    (is_staff, is_superuser), and an administrator may not take it from themselves."""
    return role == Role.ADMIN
