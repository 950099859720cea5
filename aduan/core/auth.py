"""Login rate limiting with django-axes, shared by the console's and the portal's logins."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


class AxesBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' lockout check for every login made through a web form.

    Axes needs the request to know the client's address and refuses to run without one. The
    API token endpoint authenticates without a request; it is left to the next backend here
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
