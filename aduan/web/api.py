"""The REST API at /api/v1/, with its OpenAPI 3 document at /api/v1/openapi.json, assembled
from every app's router: how a caller signs in (a bearer token or the browser's session),
the error shape, the operation ids. Only the URLconf imports this module; the routers share
``aduan.api`` (schemas, errors, ``actor``) instead (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.operation import Operation
from ninja.security import HttpBearer, SessionAuth

from aduan.accounts.api import router as accounts_router
from aduan.accounts.services import user_for_token
from aduan.api import errors
from aduan.audit.api import router as audit_router
from aduan.care.api import router as care_router
from aduan.channels.email.api import router as mail_router
from aduan.channels.webhooks.api import router as channels_router
from aduan.customers.api import router as customers_router
from aduan.notifications.api import router as notifications_router
from aduan.organisation.api import router as organisation_router
from aduan.sla.api import router as sla_router
from aduan.tickets import callers  # noqa: F401  (adds the caller lookup to the customers router)
from aduan.tickets.api import router as tickets_router


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


class AduanApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``<app's API module>_<function>``, e.g. ``aduan_care_api_follow_up``: an API
        split into a package (``aduan/care/api/``) keeps the ids clients were generated
        with."""
        parts = operation.view_func.__module__.split(".")
        if "api" not in parts:
            return super().get_openapi_operation_id(operation)
        module = ".".join(parts[: len(parts) - parts[::-1].index("api")])
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = AduanApi(
    title="Aduan API",
    version="1",
    description=(
        "Complaint handling: customers, tickets, their timeline, forwarding to divisions and "
        "escalation. Authenticate with `POST /api/v1/auth/token`, then send "
        "`Authorization: Bearer <token>`. Errors are `{detail, code, errors: [{field, message}]}`."
    ),
    auth=AUTH,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    parser=errors.JsonObjectParser(),
)
errors.install(api)
api.add_router("", accounts_router)
api.add_router("", organisation_router)
api.add_router("", customers_router)
api.add_router("", tickets_router)
api.add_router("", audit_router)
api.add_router("", sla_router)
api.add_router("", care_router)
api.add_router("", notifications_router)
api.add_router("", mail_router)
api.add_router("", channels_router)
