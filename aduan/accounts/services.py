"""Authentication tokens and user management."""

from __future__ import annotations

import datetime
import functools
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import ApiToken, User
from aduan.core.errors import ApplicationError

# Refreshing last_used_at on every request would write a row per request; once an hour is
# enough to know whether a token is in use and to slide its expiry.
_TOUCH_INTERVAL = datetime.timedelta(hours=1)


class AuthenticationFailed(ApplicationError):
    status = 401
    code = "authentication_failed"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_token(*, username: str, password: str) -> str:
    """Check the credentials and return a new bearer token (shown once, stored hashed)."""
    user = authenticate(username=username, password=password)
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
