"""Finding customers: caller lookup by any local spelling of a phone number (seed 001 step 3)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from aduan.core.errors import ValidationFailed
from aduan.customers.models import Customer
from aduan.customers.phones import InvalidPhoneNumber, normalise_phone

LOOKUP_LIMIT = 20


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
