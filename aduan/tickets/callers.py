"""The caller lookup (seed 001 steps 2-5) of the API: the customers API's ``GET /customers``
and ``GET /customers/{id}`` answer with each caller's open and pending tickets.

The operations join the customers router (the paths and operation ids clients know), but
they live here: the tickets app stands on the customers app, so only it may read both. The
API assembly (``aduan.web.api``) imports this module before it mounts that router.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Schema

from aduan.api import rendering
from aduan.api.schemas import ERRORS, Id
from aduan.core.errors import NotFound
from aduan.customers import selectors as customer_selectors
from aduan.customers.api import CustomerOut, CustomerQuery, router, staff
from aduan.customers.models import Customer
from aduan.tickets import selectors


class TicketBrief(Schema):
    reference: str
    subject: str
    status: str
    tier: int
    received_at: datetime.datetime


class CustomerLookupOut(CustomerOut):
    open_tickets: list[TicketBrief]

    @staticmethod
    def resolve_open_tickets(obj: Customer) -> list[object]:
        return list(getattr(obj, "open_tickets", []))


@router.get(
    "/customers",
    response={200: list[CustomerLookupOut], **ERRORS},
    operation_id="aduan_customers_api_lookup",
)
def lookup(request: HttpRequest, filters: Query[CustomerQuery]) -> HttpResponse:
    """Caller lookup (seed 001 steps 2-5): by phone in any local spelling, by email or by
    name; each customer comes with their open and pending tickets."""
    staff(request)
    customers = customer_selectors.search_customers(
        phone=filters.phone, email=filters.email, text=filters.q
    )
    found = selectors.attach_open_tickets(list(customers[: filters.limit]))
    # Rendered from the schema without django-ninja's per-object validation (a hot path:
    # see aduan/api/rendering.py).
    return rendering.render(request, list[CustomerLookupOut], found)


@router.get(
    "/customers/{customer_id}",
    response={200: CustomerLookupOut, **ERRORS},
    operation_id="aduan_customers_api_detail",
)
def detail(request: HttpRequest, customer_id: Id) -> Customer:
    staff(request)
    customer = selectors.with_open_tickets(Customer.objects.filter(pk=customer_id)).first()
    if customer is None:
        raise NotFound(_("No customer %(id)s.") % {"id": customer_id})
    return customer
