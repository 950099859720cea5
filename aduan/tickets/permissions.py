"""Who may see which tickets (the one choke point every view, API call and export goes
through) and who may do what with them (the capabilities the services ``require``)."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts.models import Role, User
from aduan.accounts.permissions import (
    is_admin,
    is_customer,
    is_division_staff,
    is_front_staff,
    is_management,
    is_supervisor,
    reads_all_tickets,
)
from aduan.accounts.roles import ALL_TICKET_READERS
from aduan.core.errors import NotFound
from aduan.core.permissions import capability
from aduan.tickets import workflow
from aduan.tickets.models import Forwarding, Ticket, Tier

# --- reading --------------------------------------------------------------------------------


def visible_tickets(user: User) -> QuerySet[Ticket]:
    """Tickets ``user`` may read.

    Staff of the front line, management and verificators read all; division staff read what
    was forwarded to one of their divisions; customers read their own; anyone else nothing.
    """
    tickets = Ticket.objects.all()
    if not user.is_active:
        return tickets.none()
    if user.role in ALL_TICKET_READERS:
        return tickets
    if user.role == Role.DIVISION:
        forwarded_to_mine = Forwarding.objects.filter(
            ticket_id=OuterRef("pk"), team__in=user.teams.all()
        )
        return tickets.filter(Exists(forwarded_to_mine))
    if user.role == Role.CUSTOMER:
        return tickets.filter(customer__user=user)
    return tickets.none()


def visibility_key(user: User) -> tuple[object, ...]:
    """Everything the SQL of ``visible_tickets(user)`` depends on: equal keys, equal SQL.
    Compiled queries are cached by it (tickets.selectors); change both together."""
    if not user.is_active:
        return ("nobody",)
    if user.role in ALL_TICKET_READERS:
        return ("all",)
    return (user.role, user.pk)


def get_visible_ticket(user: User, reference: str, *, for_update: bool = False) -> Ticket:
    """The ticket, or NotFound: a ticket one may not see answers exactly like a missing one."""
    tickets = visible_tickets(user)
    if for_update:
        tickets = tickets.select_for_update(of=("self",))
    ticket = tickets.filter(reference=reference).first()
    if ticket is None:
        raise NotFound(_("No ticket %(reference)s.") % {"reference": reference})
    return ticket


def visible_forwardings(user: User) -> QuerySet[Forwarding]:
    """Forwarding forms ``user`` may read: all for those who read every ticket, their own
    divisions' for division staff, none for anyone else."""
    forwardings = Forwarding.objects.select_related("ticket", "team", "created_by", "responded_by")
    if user.is_active and user.role in ALL_TICKET_READERS:
        return forwardings
    if is_division_staff(user):
        return forwardings.filter(team__in=user.teams.all())
    return forwardings.none()


def sees_internal(user: User) -> bool:
    """Internal notes, internal files and the front line's events are for staff only."""
    return user.is_active and user.role != Role.CUSTOMER


# --- acting ---------------------------------------------------------------------------------


@capability(gettext_lazy("Your role may not record complaints."))
def may_record_complaint(user: User) -> bool:
    """The front line records a complaint for a registered customer (seed 001 step 9); a
    customer files their own on the portal."""
    return is_front_staff(user) or is_customer(user)


@capability(gettext_lazy("Only front-line staff may classify or assign tickets."))
def may_classify(user: User, ticket: Ticket | None = None) -> bool:
    """Classifying, reprioritising, moving to a team and assigning (seed 000 1.1.3) are the
    front line's."""
    return is_front_staff(user)


@capability(
    gettext_lazy("Your role writes internal notes only; the front line answers the customer."),
    field="internal",
)
def may_answer_customer(user: User, ticket: Ticket | None = None) -> bool:
    """Replies and files the customer sees come from the front line; division staff and
    verificators add internal notes and files only."""
    return is_front_staff(user)


@capability(gettext_lazy("Only front-line staff may forward tickets."))
def may_forward(user: User, ticket: Ticket | None = None) -> bool:
    """The front line sends forwarding forms to divisions (seed 000 1.2.4)."""
    return is_front_staff(user)


@capability(gettext_lazy("Only the division it was forwarded to may answer it."))
def may_answer_forwarding(
    user: User, forwarding: Forwarding, *, my_team_ids: Collection[int] | None = None
) -> bool:
    """The division a form was sent to answers it (seed 000 1.2.6); an administrator may
    answer for it. ``my_team_ids`` saves a query when the caller has the user's teams."""
    if is_admin(user):
        return True
    if not is_division_staff(user):
        return False
    if my_team_ids is not None:
        return forwarding.team_id in my_team_ids
    return user.teams.filter(pk=forwarding.team_id).exists()


@capability(gettext_lazy("Only front-line staff may escalate tickets."))
def may_escalate(user: User, ticket: Ticket | None = None) -> bool:
    """The front line moves a ticket one tier up (seed 001 step 6)."""
    return is_front_staff(user)


def may_reopen_closed(user: User) -> bool:
    """Supervisors reopen a closed ticket (the workflow table's closed -> open move)."""
    return is_supervisor(user)


def _move_refusal(user: User, ticket: Ticket, target: str) -> str:
    move = workflow.move_for(ticket.status, target)
    if move is not None and user.role in move.roles:
        return _("At tier 3 only management (director or manager) may do this.")
    return _("Your role (%(role)s) may not move a ticket to '%(to)s'.") % {
        "role": user.get_role_display(),
        "to": target,
    }


def _role_may(user: User, move: workflow.Move, tier: int) -> bool:
    if not user.is_active or user.role not in move.roles:
        return False
    # At tier 3 the decision belongs to management (seed 001 step 6, seed 003).
    return not (move.management_at_tier_3 and tier >= Tier.MANAGEMENT and not is_management(user))


@capability(_move_refusal, field="to")
def may_move(user: User, ticket: Ticket, target: str) -> bool:
    """Whether the workflow table (tickets.workflow) lets this person move the ticket from
    its status to ``target``; a move the table does not have is allowed to nobody."""
    move = workflow.move_for(ticket.status, target)
    return move is not None and _role_may(user, move, ticket.tier)


def allowed_moves(user: User, ticket: Ticket) -> list[str]:
    """The statuses ``user`` may move ``ticket`` to, in the table's order: the buttons the
    console and the portal show, and the API's ``allowed_transitions``."""
    return [
        move.target
        for move in workflow.moves_from(ticket.status)
        if _role_may(user, move, ticket.tier)
    ]


@capability(gettext_lazy("Only staff may read the audit log."))
def may_read_ticket_history(user: User) -> bool:
    """A ticket's recorded changes, for staff who read every ticket (the ticket itself must
    be visible to them too)."""
    return reads_all_tickets(user)
