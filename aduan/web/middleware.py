"""Per-request preferences for the web UI, and its Content-Security-Policy."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from aduan.organisation import selectors as org

# The console and the portal load nothing from elsewhere and run no inline script; Pico's
# icons are data: URIs. The API documentation page (Swagger UI) and Django's admin keep
# their own rules, so the policy is set only on the pages under these prefixes.
CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
CSP_PREFIXES = ("/console/", "/portal/", "/language/")
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


class PreferencesMiddleware:
    """Shows every date in the organisation's time zone (Asia/Jakarta by default), and speaks
    the signed-in person's own language (``User.language``) when they chose one; otherwise
    ``LocaleMiddleware``'s choice (cookie, then ``Accept-Language``, then Indonesian) stands."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            # The API speaks ISO 8601 with offsets and Accept-Language; nothing to set.
            return self.get_response(request)
        try:
            timezone.activate(zoneinfo.ZoneInfo(org.timezone_name()))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language in LANGUAGE_CODES and user is not None and user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(CSP_PREFIXES) or request.path == "/":
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
