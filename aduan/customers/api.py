from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aduan.accounts.models import User
from aduan.api import rendering
from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Id
from aduan.core.errors import NotFound
from aduan.core.permissions import require
from aduan.customers import selectors, services
from aduan.customers.models import Customer
from aduan.customers.permissions import may_look_up_customers
from aduan.customers.phones import display_phone

router = Router(tags=["customers"])


class TicketBrief(Schema):
    reference: str
    subject: str
    status: str
    tier: int
    received_at: datetime.datetime


class CustomerOut(Schema):
    id: int
    name: str
    phone: str
    phone_display: str
    email: str
    organisation_name: str
    address: str
    customer_number: str
    is_verified: bool
    language: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_phone_display(obj: Customer) -> str:
        return display_phone(obj.phone) if obj.phone else ""


class CustomerLookupOut(CustomerOut):
    open_tickets: list[TicketBrief]

    @staticmethod
    def resolve_open_tickets(obj: Customer) -> list[object]:
        return list(getattr(obj, "open_tickets", []))


class CustomerIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    organisation_name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=2000)
    customer_number: str | None = Field(None, max_length=60)
    language: str | None = Field(None, max_length=8)
    notes: str | None = Field(None, max_length=5000)
    is_verified: bool = False


class CustomerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    organisation_name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=2000)
    customer_number: str | None = Field(None, max_length=60)
    language: str | None = Field(None, max_length=8)
    notes: str | None = Field(None, max_length=5000)
    is_verified: bool | None = None


class CustomerQuery(Schema):
    phone: str | None = Field(None, max_length=40, description="Any local form: 0812-..., +62...")
    email: str | None = Field(None, max_length=254)
    q: str | None = Field(None, max_length=100, description="Part of the name or organisation.")
    limit: int = Field(20, ge=1, le=100)


def _staff(request: HttpRequest) -> User:
    user = actor(request)
    require(may_look_up_customers, user)
    return user


@router.get("/customers", response={200: list[CustomerLookupOut], **ERRORS})
def lookup(request: HttpRequest, filters: Query[CustomerQuery]) -> HttpResponse:
    """Caller lookup (seed 001 steps 2-5): by phone in any local spelling, by email or by
    name; each customer comes with their open and pending tickets."""
    _staff(request)
    customers = selectors.search_customers(phone=filters.phone, email=filters.email, text=filters.q)
    found = selectors.attach_open_tickets(list(customers[: filters.limit]))
    # Rendered from the schema without django-ninja's per-object validation (a hot path:
    # see aduan/api/rendering.py).
    return rendering.render(request, list[CustomerLookupOut], found)


@router.post("/customers", response={201: CustomerOut, **ERRORS})
def register(request: HttpRequest, payload: CustomerIn) -> Status[Customer]:
    """Register a caller who is not yet known (seed 001 step 4)."""
    actor = _staff(request)
    customer = services.register_customer(
        actor=actor, data=services.CustomerInput(**payload.dict())
    )
    return Status(201, customer)


@router.get("/customers/me", response={200: CustomerOut, **ERRORS})
def my_record(request: HttpRequest) -> Customer:
    """A customer's own record."""
    user = actor(request)
    customer = Customer.objects.filter(user=user).first() if user.is_customer else None
    if customer is None:
        raise NotFound(_("Your login is not linked to a customer record."))
    return customer


@router.get("/customers/{customer_id}", response={200: CustomerLookupOut, **ERRORS})
def detail(request: HttpRequest, customer_id: Id) -> Customer:
    _staff(request)
    customer = selectors.with_open_tickets(Customer.objects.filter(pk=customer_id)).first()
    if customer is None:
        raise NotFound(_("No customer %(id)s.") % {"id": customer_id})
    return customer


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def update(request: HttpRequest, customer_id: Id, payload: CustomerPatch) -> Customer:
    actor = _staff(request)
    given = payload.dict(exclude_unset=True)
    return services.update_customer(
        actor=actor, customer_id=customer_id, data=services.CustomerInput(**given)
    )
