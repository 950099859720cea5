"""Who may see which tickets: the one choke point every view, API call and export goes through."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from aduan.accounts.models import Role, User
from aduan.accounts.roles import ALL_TICKET_READERS, FRONT_STAFF
from aduan.core.errors import NotFound, PermissionDenied
from aduan.tickets.models import Forwarding, Ticket


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


def require_front_staff(user: User) -> None:
    if user.role not in FRONT_STAFF:
        raise PermissionDenied(_("Only front-line staff may do this."))


def sees_internal(user: User) -> bool:
    return user.role != Role.CUSTOMER
