"""One error shape for the whole API: ``{detail, code, errors: [{field, message}]}``."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from aduan.core.errors import ApplicationError

logger = logging.getLogger(__name__)

# Where a value came from: the first part of an error location, never a field name.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}
# The view parameter that holds a whole schema (``payload: TicketIn``); not a field either.
_CONTAINERS = {"payload", "filters", "data"}


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    # Strip only the leading source and container, so a field that happens to be called
    # ``file`` or ``body`` keeps its name.
    parts = [str(part) for part in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] in _CONTAINERS:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("This field is required."),
        "string_too_long": _("At most %(n)s characters.") % {"n": ctx.get("max_length")},
        "string_too_short": _("At least %(n)s characters.") % {"n": ctx.get("min_length")},
        "string_type": _("Must be text."),
        "int_parsing": _("Must be a whole number."),
        "int_type": _("Must be a whole number."),
        "bool_parsing": _("Must be true or false."),
        "bool_type": _("Must be true or false."),
        "greater_than_equal": _("Must be at least %(n)s.") % {"n": ctx.get("ge")},
        "less_than_equal": _("Must be at most %(n)s.") % {"n": ctx.get("le")},
        "datetime_parsing": _("Must be a date and time like 2026-05-01T09:00:00+07:00."),
        "datetime_from_date_parsing": _("Must be a date and time like 2026-05-01T09:00:00+07:00."),
        "datetime_type": _("Must be a date and time like 2026-05-01T09:00:00+07:00."),
        "value_error": str(error.get("msg", "")),
        "literal_error": _("Must be one of: %(choices)s.") % {"choices": ctx.get("expected")},
        "enum": _("Must be one of: %(choices)s.") % {"choices": ctx.get("expected")},
        "extra_forbidden": _("Unknown field."),
        "json_invalid": _("The body is not valid JSON."),
        # Only ``Code`` has a pattern.
        "string_pattern_mismatch": _(
            "Not a code: codes are lowercase letters, digits, '-' and '_'."
        ),
        "model_attributes_type": _("Must be a JSON object."),
        "dict_type": _("Must be a JSON object."),
        "list_type": _("Must be a list."),
    }
    return str(messages.get(kind) or error.get("msg") or _("Invalid value."))


class JsonObjectParser(Parser):
    """Every request body of this API is a JSON object; a list, a string or ``null`` is
    refused like malformed JSON instead of reading as an object with every field missing."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the request body is not a JSON object")
        return data


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field(error.get("loc", ())), "message": _message(error)}
            for error in exc.errors
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return api.create_response(
            request, {"detail": detail, "code": "invalid", "errors": errors}, status=400
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {
                "detail": _("Log in first: send 'Authorization: Bearer <token>'."),
                "code": "not_authenticated",
            },
            status=401,
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("Not found."), "code": "not_found"}, status=404
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # django-ninja answers 400 this way only when the request body does not parse
            # (see JsonObjectParser).
            message = _("The body must be a JSON object.")
            return api.create_response(
                request,
                {
                    "detail": message,
                    "code": "invalid",
                    "errors": [{"field": "body", "message": message}],
                },
                status=400,
            )
        return api.create_response(
            request, {"detail": str(exc), "code": "error"}, status=exc.status_code
        )

    @api.exception_handler(MultiPartParserError)
    def unreadable_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # Raised lazily wherever request.POST is first read (django-axes reads it on a
        # failed login), so it can surface from any endpoint, not only the upload ones.
        message = _("The request body is not valid multipart/form-data.")
        return api.create_response(
            request,
            {
                "detail": message,
                "code": "invalid",
                "errors": [{"field": "body", "message": message}],
            },
            status=400,
        )

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return api.create_response(
            request,
            {
                "detail": _("Something went wrong on our side; it has been logged."),
                "code": "server_error",
            },
            status=500,
        )
