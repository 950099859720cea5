"""Who is calling: the signed-in person behind an API request. How a request signs in
(bearer token or session) is the assembled API's choice: ``aduan.web.api``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    # The routers' shared kit stands below every app, accounts included (docs/architecture.md).
    from aduan.accounts.models import User


def actor(request: HttpRequest) -> User:
    """The person making this API call: the views behind the API's ``auth`` run only once
    one of its classes has set ``request.auth`` to a signed-in user."""
    return request.auth  # type: ignore[attr-defined, no-any-return]
