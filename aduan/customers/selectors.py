"""Finding customers: caller lookup by any local spelling of a phone number (seed 001 step 3)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from aduan.core.errors import ValidationFailed
from aduan.customers.models import Customer
from aduan.customers.phones import InvalidPhoneNumber, normalise_phone
from aduan.tickets.models import OPEN_STATUSES, Ticket

LOOKUP_LIMIT = 20
# What the API's lookup shows of each open ticket (customers.api.TicketBrief).
OPEN_TICKET_FIELDS = ("reference", "subject", "status", "tier", "received_at")


def with_open_tickets(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Seed 001 step 5: a registered caller's open and pending tickets come with them."""
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES).order_by("-id")
    return customers.prefetch_related(
        Prefetch("tickets", queryset=open_tickets, to_attr="open_tickets")
    )


def attach_open_tickets(customers: list[Customer]) -> list[Customer]:
    """Seed 001 step 5 for the API: sets ``open_tickets`` on each customer to their open and
    pending tickets, newest first, as the values the lookup shows (``TicketBrief``), read in
    one query. ``with_open_tickets`` builds a full ticket model for each instead."""
    by_customer: dict[int, list[dict[str, object]]] = {customer.pk: [] for customer in customers}
    if by_customer:
        rows = (
            Ticket.objects.filter(customer_id__in=by_customer, status__in=OPEN_STATUSES)
            .order_by("-id")
            .values_list("customer_id", *OPEN_TICKET_FIELDS)
        )
        for customer_id, *values in rows:
            by_customer[customer_id].append(dict(zip(OPEN_TICKET_FIELDS, values, strict=True)))
    for customer in customers:
        customer.open_tickets = by_customer[customer.pk]  # type: ignore[attr-defined]
    return customers


def search_customers(
    *, phone: str | None = None, email: str | None = None, text: str | None = None
) -> QuerySet[Customer]:
    # PostgreSQL refuses NUL in a query parameter outright; answer with the field instead.
    errors = [
        (field, _("Contains control characters that are not allowed."))
        for field, value in (("email", email), ("q", text))
        if value is not None and "\x00" in value
    ]
    if errors:
        raise ValidationFailed(errors)
    customers = Customer.objects.all()
    if phone:
        try:
            customers = customers.filter(phone=normalise_phone(phone))
        except InvalidPhoneNumber:
            return customers.none()
    if email:
        customers = customers.filter(email=email.strip().lower())
    if text:
        term = text.strip()
        customers = customers.filter(
            Q(name__icontains=term) | Q(organisation_name__icontains=term) | Q(customer_number=term)
        )
    return customers.order_by("name", "id")


def login_name_for(identifier: str) -> str:
    """The user name to log a customer in with, from what they typed on the portal: their
    email address, their phone number in any local spelling, or the user name itself."""
    text = (identifier or "").strip()
    if not text or len(text) > 254 or "\x00" in text:
        return text
    if "@" in text:
        customer = (
            Customer.objects.filter(email=text.lower(), user__isnull=False)
            .select_related("user")
            .first()
        )
        return customer.user.username if customer and customer.user else text.lower()
    if any(ch.isdigit() for ch in text) and not any(ch.isalpha() for ch in text):
        try:
            number = normalise_phone(text)
        except InvalidPhoneNumber:
            return text
        customer = (
            Customer.objects.filter(phone=number, user__isnull=False).select_related("user").first()
        )
        return customer.user.username if customer and customer.user else number
    return text
