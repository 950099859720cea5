from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from aduan.accounts.models import User
from aduan.accounts.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            # Views and services read request.user like the HTML side does.
            request.user = user
        return user


class Session(SessionAuth):
    """The browser's Django session, with Django's CSRF check (for the web UI's htmx calls)."""


AUTH = [BearerToken(), Session()]


def actor(request: HttpRequest) -> User:
    """The person making this API call: the views behind ``AUTH`` run only once one of its
    classes has set ``request.auth`` to a signed-in user."""
    return request.auth  # type: ignore[attr-defined, no-any-return]
