"""Who may do what in the care procedures (seed 004): hard complaints, super emergencies,
promises, callbacks and special actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import Role, User
from aduan.accounts.permissions import (
    is_admin,
    is_coordinator,
    is_front_staff,
    is_management,
    is_team_leader,
    reads_all_tickets,
)
from aduan.care.models import SuperEmergency
from aduan.core.permissions import capability
from aduan.organisation.models import TeamKind

# --- the support desk -----------------------------------------------------------------------


def in_support_team(user: User) -> bool:
    return user.teams.filter(kind=TeamKind.SUPPORT, is_active=True).exists()


def _agent_or_leader(user: User) -> bool:
    return user.is_active and user.role in (Role.AGENT, Role.LEADER)


@capability(_("Only the support desk handles super emergencies."))
def is_support_desk(user: User) -> bool:
    """Seed 004's "Support HC": the support team's agents and leaders, coordinators and
    administrators."""
    if is_admin(user) or is_coordinator(user):
        return True
    return _agent_or_leader(user) and in_support_team(user)


def support_desk() -> list[User]:
    """Everyone to tell when something lands on the support desk: the support team's agents
    and leaders, or the coordinators when that team has nobody."""
    return list(
        User.objects.filter(
            is_active=True,
            role__in=(Role.AGENT, Role.LEADER),
            teams__kind=TeamKind.SUPPORT,
            teams__is_active=True,
        )
        .distinct()
        .order_by("id")
    ) or list(User.objects.filter(is_active=True, role=Role.COORDINATOR).order_by("id"))


# --- hard complaints ------------------------------------------------------------------------


@capability(_("Only front-line staff may mark hard complaints."))
def may_mark_hard(user: User) -> bool:
    """The agent on the call ticks the hard-complaint criteria they heard (seed 004 5.1)."""
    return is_front_staff(user)


@capability(_("Only the support desk acts on hard complaints."))
def may_act_on_hard_complaint(user: User) -> bool:
    """The support desk pulls, processes and reports on hard complaints (seed 004
    5.1.3-5.1.6)."""
    return is_support_desk(user)


@capability(_("Only staff who may read every ticket see this queue."))
def may_see_hard_complaints(user: User) -> bool:
    """Who sees the hard-complaint queue: those who may read every ticket. Division staff
    see only what was forwarded to them, so not this list of other customers' tickets."""
    return reads_all_tickets(user)


@capability(_("Only administrators may edit the phrase list."))
def may_edit_phrases(user: User) -> bool:
    """The phrases that flag a hard complaint change what the whole desk sees: administrators
    only."""
    return is_admin(user)


# --- super emergencies ----------------------------------------------------------------------


@capability(_("Only a team leader may raise a super emergency."))
def may_raise_emergency(user: User) -> bool:
    """Seed 004 5.2.1-5.2.3: the team leader handling the customer raises it (and an
    administrator may)."""
    return is_team_leader(user) or is_admin(user)


@capability(_("Only the support desk handles super emergencies."))
def may_handle_emergency(user: User) -> bool:
    """Analysis, forwarding and progress (seed 004 5.2.4-5.2.7) are the support desk's."""
    return is_support_desk(user)


@capability(_("Only the support desk or the team leader who raised it may close it."))
def may_close_emergency(user: User, emergency: SuperEmergency) -> bool:
    """The repair is done: the support desk or the team leader who raised it closes it."""
    return is_support_desk(user) or (user.is_active and user.pk == emergency.raised_by_id)


# --- promises -------------------------------------------------------------------------------


@capability(_("Only front-line staff may make promises to customers."))
def may_make_promise(user: User) -> bool:
    """The front line promises the customer something by a date (seed 004 5.3)."""
    return is_front_staff(user)


def may_guard_promises(user: User) -> bool:
    """A team leader guards promise tickets, up to the cap (seed 004 5.3)."""
    return is_team_leader(user)


# --- callbacks ------------------------------------------------------------------------------


@capability(_("Only tier-2 outbound agents and team leaders record callbacks."))
def may_call_back(user: User) -> bool:
    """Seed 004 5.2.8 and 5.3.9: tier-2 outbound agents (the support team) or a team
    leader call the customer back."""
    if is_admin(user) or is_team_leader(user):
        return True
    return user.is_active and user.role == Role.AGENT and in_support_team(user)


@capability(_("Only tier-2 outbound agents and team leaders see callbacks."))
def may_see_callbacks(user: User) -> bool:
    """Who sees the callback list: those who call back, and the support desk."""
    return may_call_back(user) or is_support_desk(user)


# --- special actions ------------------------------------------------------------------------


@capability(_("Only front-line staff may ask the director for special action."))
def may_request_special_action(user: User) -> bool:
    """The front line brings the director in when the customer stays unsatisfied."""
    return is_front_staff(user)


@capability(_("Only the director or a manager decides special actions."))
def may_decide_special_action(user: User) -> bool:
    """The special action to take is the director's or a manager's decision (seed 002
    steps 16-17)."""
    return is_management(user)
