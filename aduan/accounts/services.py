"""Authentication tokens and user management."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
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


def user_for_token(key: str) -> User | None:
    if not key or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=now,
            expires_at=now + datetime.timedelta(days=settings.ADUAN_TOKEN_TTL_DAYS),
        )
    return token.user


def revoke_token(key: str) -> None:
    ApiToken.objects.filter(key_hash=_hash(key)).delete()
