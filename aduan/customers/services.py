"""Registering and updating customers (seed 001 steps 2-4, seed 003 verification)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.accounts.roles import FRONT_STAFF
from aduan.audit.services import record, snapshot
from aduan.core.errors import Conflict, NotFound, PermissionDenied
from aduan.core.validation import Errors
from aduan.customers.models import Customer
from aduan.customers.phones import InvalidPhoneNumber, normalise_phone

AUDITED = (
    "name",
    "phone",
    "email",
    "organisation_name",
    "address",
    "customer_number",
    "is_verified",
    "language",
    "notes",
)
_UNSET: Any = object()


def clean_phone(errors: Errors, raw: str | None, field: str = "phone") -> str:
    if not raw or not raw.strip():
        return ""
    try:
        return normalise_phone(raw)
    except InvalidPhoneNumber:
        errors.add(field, _("'%(value)s' is not a phone number.") % {"value": raw[:40]})
        return ""


def clean_email(errors: Errors, raw: str | None, field: str = "email") -> str:
    value = (raw or "").strip().lower()
    if not value:
        return ""
    try:
        validate_email(value)
    except DjangoValidationError:
        errors.add(field, _("'%(value)s' is not an email address.") % {"value": value[:80]})
        return ""
    if len(value) > 254:
        errors.add(field, _("At most 254 characters."))
    return value


@dataclass(frozen=True)
class CustomerInput:
    name: str = _UNSET
    phone: str | None = _UNSET
    email: str | None = _UNSET
    organisation_name: str | None = _UNSET
    address: str | None = _UNSET
    customer_number: str | None = _UNSET
    language: str | None = _UNSET
    notes: str | None = _UNSET
    is_verified: bool = _UNSET


def _require_staff(actor: User) -> None:
    if actor.role not in FRONT_STAFF:
        raise PermissionDenied(_("Only front-line staff may manage customers."))


def _apply(customer: Customer, data: CustomerInput, errors: Errors, *, creating: bool) -> None:
    given = {
        f.name: getattr(data, f.name) for f in fields(data) if getattr(data, f.name) is not _UNSET
    }
    if creating or "name" in given:
        customer.name = errors.text("name", given.get("name"), max_length=200, single_line=True)
    if "phone" in given:
        customer.phone = clean_phone(errors, given["phone"])
    if "email" in given:
        customer.email = clean_email(errors, given["email"])
    for field, limit, single in (
        ("organisation_name", 200, True),
        ("address", 2000, False),
        ("customer_number", 60, True),
        ("notes", 5000, False),
    ):
        if field in given:
            value = errors.text(
                field, given[field], max_length=limit, required=False, single_line=single
            )
            setattr(customer, field, value)
    if "language" in given:
        language = (given["language"] or "").strip()
        if language not in ("", "id", "en"):
            errors.add("language", _("Must be 'id' or 'en'."))
        customer.language = language
    if "is_verified" in given:
        if given["is_verified"] is None:
            errors.add("is_verified", _("Must be true or false."))
        elif given["is_verified"] != customer.is_verified:
            customer.is_verified = bool(given["is_verified"])
            customer.verified_at = timezone.now() if customer.is_verified else None
    if not errors and not customer.phone and not customer.email:
        errors.add("phone", _("Give a phone number or an email address (or both)."))


def _check_duplicates(customer: Customer) -> None:
    others = Customer.objects.exclude(pk=customer.pk)
    if customer.phone:
        other = others.filter(phone=customer.phone).first()
        if other is not None:
            raise Conflict(
                _("Phone %(phone)s is already registered to %(name)s (customer %(id)d).")
                % {"phone": customer.phone, "name": other.name, "id": other.pk},
                field="phone",
                extra={"existing_customer_id": other.pk},
            )
    if customer.email:
        other = others.filter(email=customer.email).first()
        if other is not None:
            raise Conflict(
                _("Email %(email)s is already registered to %(name)s (customer %(id)d).")
                % {"email": customer.email, "name": other.name, "id": other.pk},
                field="email",
                extra={"existing_customer_id": other.pk},
            )


@transaction.atomic
def register_customer(*, actor: User | None, data: CustomerInput) -> Customer:
    """Register a caller not yet known (seed 001 step 4). New customers start unverified."""
    if actor is not None:
        _require_staff(actor)
    customer = Customer(created_by=actor)
    errors = Errors()
    _apply(customer, data, errors, creating=True)
    errors.raise_if_any()
    _check_duplicates(customer)
    customer.save()
    record(
        actor=actor, action="customer.created", instance=customer, after=snapshot(customer, AUDITED)
    )
    return customer


@transaction.atomic
def update_customer(*, actor: User, customer_id: int, data: CustomerInput) -> Customer:
    _require_staff(actor)
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("No customer %(id)s.") % {"id": customer_id})
    before = snapshot(customer, AUDITED)
    errors = Errors()
    _apply(customer, data, errors, creating=False)
    errors.raise_if_any()
    _check_duplicates(customer)
    customer.save()
    record(
        actor=actor,
        action="customer.updated",
        instance=customer,
        before=before,
        after=snapshot(customer, AUDITED),
    )
    return customer
