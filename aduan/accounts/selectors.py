"""Reads of people: who can own tickets, and the administrators' user list."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from aduan.accounts.models import User
from aduan.accounts.permissions import staff_logins, ticket_owners


def assignable_users() -> list[User]:
    """Active front-line staff, who may own tickets (see tickets.services.common.find_assignee)."""
    return list(
        User.objects.filter(ticket_owners()).order_by("first_name", "last_name", "username")[:500]
    )


def list_users(*, role: str | None = None, text: str | None = None) -> QuerySet[User]:
    """Staff logins for the administrators' page (customers are in the customer registry)."""
    users = User.objects.filter(staff_logins()).prefetch_related("teams")
    if role:
        users = users.filter(role=role)
    if text and text.strip():
        term = text.strip()
        users = users.filter(
            Q(username__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
        )
    return users.order_by("username")
