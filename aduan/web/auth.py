"""Login rate limiting with django-axes, shared by the console's and the portal's logins."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class AxesBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' lockout check for every login: the console's and the portal's forms and
    the API token endpoint, all of which pass the request.

    Axes needs the request to know the client's address and refuses to run without one; a
    login without a request (``Client.login`` in tests, a shell) is left to the next backend
    (``ModelBackend``) instead of failing with axes' ``ValueError``.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` reverse
    proxies the address the outermost trusted proxy saw in ``X-Forwarded-For``."""
    proxies: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """What a locked-out login gets: the API its usual error shape, people a page."""
    message = _("Too many failed log-in attempts; try again later.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    return render(request, "aduan/locked_out.html", status=429)
