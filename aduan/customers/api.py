from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from aduan.accounts.models import User
from aduan.api.auth import actor
from aduan.api.schemas import ERRORS, Id
from aduan.core.errors import NotFound
from aduan.core.permissions import require
from aduan.customers import services
from aduan.customers.models import Customer
from aduan.customers.permissions import may_look_up_customers
from aduan.customers.phones import display_phone

router = Router(tags=["customers"])


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


def staff(request: HttpRequest) -> User:
    user = actor(request)
    require(may_look_up_customers, user)
    return user


@router.post("/customers", response={201: CustomerOut, **ERRORS})
def register(request: HttpRequest, payload: CustomerIn) -> Status[Customer]:
    """Register a caller who is not yet known (seed 001 step 4)."""
    actor = staff(request)
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


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def update(request: HttpRequest, customer_id: Id, payload: CustomerPatch) -> Customer:
    actor = staff(request)
    given = payload.dict(exclude_unset=True)
    return services.update_customer(
        actor=actor, customer_id=customer_id, data=services.CustomerInput(**given)
    )
