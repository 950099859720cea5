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
from aduan.audit.services import record, snapshot
from aduan.core.errors import Conflict, NotFound
from aduan.core.permissions import require
from aduan.core.validation import Errors
from aduan.customers.models import Customer
from aduan.customers.permissions import may_manage_customers
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


def _apply(
    customer: Customer,
    data: CustomerInput,
    errors: Errors,
    *,
    creating: bool,
    require_contact: bool = True,
) -> None:
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
    if require_contact and not errors and not customer.phone and not customer.email:
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
def register_customer(
    *, actor: User | None, data: CustomerInput, require_contact: bool = True
) -> Customer:
    """Register a caller not yet known (seed 001 step 4). New customers start unverified.

    ``require_contact=False`` is for senders on social media, known only by their account on
    that channel (aduan.channels.webhooks keeps the account)."""
    if actor is not None:
        require(may_manage_customers, actor)
    customer = Customer(created_by=actor)
    errors = Errors()
    _apply(customer, data, errors, creating=True, require_contact=require_contact)
    errors.raise_if_any()
    _check_duplicates(customer)
    customer.save()
    record(
        actor=actor, action="customer.created", instance=customer, after=snapshot(customer, AUDITED)
    )
    return customer


@transaction.atomic
def update_customer(*, actor: User, customer_id: int, data: CustomerInput) -> Customer:
    require(may_manage_customers, actor)
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


# --- the customer portal: sign-up with email or phone, and email verification -------------


@dataclass(frozen=True)
class SignUpInput:
    name: str
    password: str
    email: str = ""
    phone: str = ""
    organisation_name: str = ""
    language: str = ""


def _existing_login(username: str) -> User | None:
    return User.objects.filter(username__iexact=username).first() if username else None


@transaction.atomic
def sign_up(*, data: SignUpInput) -> User:
    """A customer creates their own portal login with an email address or a phone number.

    With an email address the login stays inactive until the link sent there is opened
    (``verify_email``); only then is it joined to a customer record the helpdesk may already
    keep under that address. A phone number cannot be proven here, so a number the helpdesk
    already registered is refused rather than handing that customer's tickets to whoever
    typed it; a new number gets its login at once. The login's user name is the email address,
    or the phone number in E.164.
    """
    from django.contrib.auth.password_validation import validate_password

    from aduan.accounts.models import Role

    errors = Errors()
    name = errors.text("name", data.name, max_length=200, single_line=True)
    email = clean_email(errors, data.email)
    phone = clean_phone(errors, data.phone)
    organisation_name = errors.text(
        "organisation_name",
        data.organisation_name,
        max_length=200,
        required=False,
        single_line=True,
    )
    language = (data.language or "").strip()
    if language not in ("", "id", "en"):
        errors.add("language", _("Must be 'id' or 'en'."))
    if not errors and not email and not phone:
        errors.add("email", _("Give an email address or a phone number."))
    username = email or phone
    login = _existing_login(username)
    # Someone who signed up before but never opened the link may sign up again: the new
    # password replaces the old one and a new link is sent.
    if login is not None and (login.is_active or login.last_login or not login.is_customer):
        errors.add(
            "email" if email else "phone",
            _("There is already a login for %(name)s. Log in instead.") % {"name": username},
        )
    by_email = Customer.objects.filter(email=email).first() if email else None
    by_phone = Customer.objects.filter(phone=phone).first() if phone else None
    if (
        by_email is not None
        and by_email.user_id is not None
        and by_email.user_id != getattr(login, "pk", None)
    ):
        errors.add(
            "email", _("There is already a login for %(name)s. Log in instead.") % {"name": email}
        )
    if by_phone is not None and by_phone != by_email:
        errors.add(
            "phone",
            _(
                "This number is already registered with us. Sign up with the email address "
                "the helpdesk has for you, or ask the helpdesk for a portal login."
            ),
        )
    user = login or User(username=username, role=Role.CUSTOMER)
    user.first_name = name[:150]
    user.email = email
    user.language = language
    user.is_active = not email
    if not errors:
        try:
            validate_password(data.password, user)
        except DjangoValidationError as exc:
            for message in exc.messages:
                errors.add("password", str(message))
    errors.raise_if_any()
    user.set_password(data.password)
    user.save()
    record(
        actor=user,
        action="user.signed_up",
        instance=user,
        after={
            "username": user.username,
            "email": email,
            "role": user.role,
            "active": user.is_active,
        },
    )
    if by_email is None and not Customer.objects.filter(user=user).exists():
        customer = register_customer(
            actor=None,
            data=CustomerInput(
                name=name,
                phone=phone or None,
                email=email or None,
                organisation_name=organisation_name or None,
                language=language or None,
            ),
        )
        customer.user = user
        customer.save(update_fields=["user"])
        record(
            actor=user,
            action="customer.portal_login",
            instance=customer,
            before={"user": None},
            after={"user": user.pk},
        )
    return user


@transaction.atomic
def verify_email(*, uidb64: str, token: str) -> User:
    """Open the link from the sign-up mail: the login becomes active and, when the helpdesk
    already knew this email address, is joined to that customer record."""
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    from aduan.core.errors import ValidationFailed
    from aduan.customers.tokens import email_verification_token

    invalid = ValidationFailed(
        [("token", _("This link is not valid or has expired. Sign up again for a new one."))]
    )
    try:
        user_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError) as exc:
        raise invalid from exc
    if not 0 < user_id < 2**63:
        raise invalid
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None or not email_verification_token.check_token(user, token):
        raise invalid
    user.is_active = True
    user.save(update_fields=["is_active"])
    record(
        actor=user,
        action="user.email_verified",
        instance=user,
        before={"is_active": False},
        after={"is_active": True, "email": user.email},
    )
    if not Customer.objects.filter(user=user).exists():
        customer = (
            Customer.objects.select_for_update()
            .filter(email=user.email, user__isnull=True)
            .order_by("id")
            .first()
        )
        if customer is None:
            customer = register_customer(
                actor=None, data=CustomerInput(name=user.first_name or user.email, email=user.email)
            )
        customer.user = user
        customer.save(update_fields=["user"])
        record(
            actor=user,
            action="customer.portal_login",
            instance=customer,
            before={"user": None},
            after={"user": user.pk},
        )
    return user
