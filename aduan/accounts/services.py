"""Authentication tokens and user management."""

from __future__ import annotations

import datetime
import functools
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts import permissions
from aduan.accounts.models import ApiToken, User
from aduan.accounts.permissions import may_manage_users
from aduan.audit.services import record, snapshot
from aduan.core.errors import ApplicationError, NotFound
from aduan.core.permissions import require
from aduan.core.validation import Errors

# Refreshing last_used_at on every request would write a row per request; once an hour is
# enough to know whether a token is in use and to slide its expiry.
_TOUCH_INTERVAL = datetime.timedelta(hours=1)


class AuthenticationFailed(ApplicationError):
    status = 401
    code = "authentication_failed"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(*, username: str, password: str, request: HttpRequest | None = None) -> str:
    """Check the credentials and return a new bearer token (shown once, stored hashed).

    With the ``request``, django-axes counts failures and refuses a locked-out name from that
    address, as on the web login forms (aduan.web.auth). The check runs outside a
    transaction on purpose: the refusal must not roll back the failure axes just recorded."""
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise AuthenticationFailed(_("Wrong user name or password."), field="password")
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=_hash(key),
        prefix=key[:8],
        expires_at=timezone.now() + datetime.timedelta(days=settings.ADUAN_TOKEN_TTL_DAYS),
    )
    return key


@functools.cache
def _token_sql() -> tuple[str, list[str]]:
    """The look-up every API request makes, written out once per process: building it with
    the ORM cost more than running it (see docs/performance.md)."""
    qn = connection.ops.quote_name
    token_table = qn(ApiToken._meta.db_table)
    user_table = qn(User._meta.db_table)
    fields = [f.attname for f in User._meta.concrete_fields]
    columns = ", ".join(f"u.{qn(f.column)}" for f in User._meta.concrete_fields)
    # Only quoted identifiers from the models go into the text; values are parameters.
    sql = (
        f"SELECT t.{qn('id')}, t.{qn('last_used_at')}, {columns} "  # noqa: S608
        f"FROM {token_table} t INNER JOIN {user_table} u ON u.{qn('id')} = t.{qn('user_id')} "
        f"WHERE t.{qn('key_hash')} = %s AND t.{qn('expires_at')} > %s"
    )
    return sql, fields


def _find_token(key_hash: str) -> tuple[int, datetime.datetime | None, User] | None:
    """(token id, last used, user) of an unexpired token."""
    if connection.vendor != "postgresql":
        # Other backends need the ORM's value converters (SQLite returns text for times).
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=key_hash, expires_at__gt=timezone.now())
            .first()
        )
        return (token.pk, token.last_used_at, token.user) if token is not None else None
    sql, fields = _token_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_hash, timezone.now()])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, last_used_at, *values = row
    return token_id, last_used_at, User.from_db(connection.alias, fields, values)


def user_for_token(key: str) -> User | None:
    if not key or len(key) > 200:
        return None
    found = _find_token(_hash(key))
    if found is None:
        return None
    token_id, last_used_at, user = found
    if not user.is_active:
        return None
    now = timezone.now()
    if last_used_at is None or now - last_used_at > _TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token_id).update(
            last_used_at=now,
            expires_at=now + datetime.timedelta(days=settings.ADUAN_TOKEN_TTL_DAYS),
        )
    return user


def revoke_token(key: str) -> None:
    ApiToken.objects.filter(key_hash=_hash(key)).delete()


# --- people: language, password, and the administrators' user management ----------------

USER_AUDITED = ("username", "first_name", "last_name", "email", "role", "is_active", "language")
LANGUAGE_CODES = ("id", "en")


def _check_language(errors: Errors, language: str) -> str:
    value = (language or "").strip()
    if value not in ("", *LANGUAGE_CODES):
        errors.add("language", _("Must be one of: %(choices)s.") % {"choices": "id, en"})
    return value


@transaction.atomic
def set_language(*, actor: User, language: str) -> User:
    """The language ``actor`` reads Aduan in; empty for the organisation's default."""
    errors = Errors()
    value = _check_language(errors, language)
    errors.raise_if_any()
    if actor.language != value:
        before = {"language": actor.language}
        actor.language = value
        actor.save(update_fields=["language"])
        record(
            actor=actor,
            action="user.language",
            instance=actor,
            before=before,
            after={"language": value},
        )
    return actor


def _password_errors(errors: Errors, password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        for message in exc.messages:
            errors.add(field, str(message))


@transaction.atomic
def change_password(*, actor: User, new_password: str) -> User:
    """A person sets their own new password (the caller has checked the old one)."""
    errors = Errors()
    _password_errors(errors, new_password, actor, "new_password")
    errors.raise_if_any()
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    # The audit log says that it changed, never the password or its hash.
    record(
        actor=actor,
        action="user.password_changed",
        instance=actor,
        after={"password": "***"},
    )
    return actor


@dataclass(frozen=True)
class UserInput:
    username: str
    role: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    team_codes: tuple[str, ...] = ()
    language: str = ""
    is_active: bool = True
    # Required for a new user; for an existing one, empty keeps the current password.
    password: str = ""


def _user_state(user: User) -> dict[str, object]:
    state = snapshot(user, USER_AUDITED)
    state["teams"] = sorted(team.code for team in user.teams.all()) if user.pk else []
    return state


@transaction.atomic
def save_user(*, actor: User, user_id: int | None, data: UserInput) -> User:
    """Create a staff login or change one: name, role, teams, language, active, password.
    Administrators only. Customers get their logins on the portal, not here."""
    from aduan.organisation.models import Team

    require(may_manage_users, actor)
    if user_id is None:
        user = User()
    else:
        found = User.objects.select_for_update().filter(pk=user_id).first()
        if found is None:
            raise NotFound(_("No user %(id)s.") % {"id": user_id})
        user = found
    before = _user_state(user) if user.pk else {}
    errors = Errors()
    username = errors.text("username", data.username, max_length=150, single_line=True)
    if username:
        try:
            User.username_validator(username)
        except DjangoValidationError as exc:
            errors.add("username", str(exc.messages[0]))
        if User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
            errors.add("username", _("This user name is taken."))
    if not permissions.is_staff_role(data.role):
        staff_roles = [str(value) for value, _label in permissions.staff_roles()]
        errors.add("role", _("Must be one of: %(choices)s.") % {"choices": ", ".join(staff_roles)})
    if user.pk and user.is_customer:
        errors.add("role", _("Customer logins are managed on the customer portal."))
    user.first_name = errors.text(
        "first_name", data.first_name, max_length=150, required=False, single_line=True
    )
    user.last_name = errors.text(
        "last_name", data.last_name, max_length=150, required=False, single_line=True
    )
    email = (data.email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors.add("email", _("'%(value)s' is not an email address.") % {"value": email[:80]})
    user.email = email
    user.language = _check_language(errors, data.language)
    codes = sorted(set(data.team_codes))
    teams = list(Team.objects.filter(code__in=codes, is_active=True))
    unknown = sorted(set(codes) - {team.code for team in teams})
    if unknown:
        errors.add(
            "teams", _("Unknown or inactive team '%(code)s'.") % {"code": ", ".join(unknown)}
        )
    if user.pk == actor.pk and (not data.is_active or not permissions.is_admin_role(data.role)):
        errors.add("role", _("You cannot take away your own administrator access."))
    user.username = username
    user.role = data.role
    user.is_active = data.is_active
    # Administrators also get Django's admin site for the rare settings.
    user.is_staff = user.is_superuser = permissions.is_admin_role(data.role)
    if data.password:
        _password_errors(errors, data.password, user)
    elif user.pk is None:
        errors.add("password", _("This field is required and may not be empty."))
    errors.raise_if_any()
    if data.password:
        user.set_password(data.password)
    user.save()
    user.teams.set(teams)
    after = _user_state(user)
    if data.password:
        after["password"] = "***"  # noqa: S105 - a marker, never the password
    record(
        actor=actor,
        action="user.created" if not before else "user.updated",
        instance=user,
        before=before,
        after=after,
    )
    return user
