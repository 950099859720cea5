"""The REST API at /api/v1/, with its OpenAPI 3 document at /api/v1/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

from aduan.accounts.api import router as accounts_router
from aduan.api import errors
from aduan.api.auth import AUTH
from aduan.audit.api import router as audit_router
from aduan.care.api import router as care_router
from aduan.channels.email.api import router as mail_router
from aduan.channels.webhooks.api import router as channels_router
from aduan.customers.api import router as customers_router
from aduan.notifications.api import router as notifications_router
from aduan.organisation.api import router as organisation_router
from aduan.sla.api import router as sla_router
from aduan.tickets.api import router as tickets_router

api = NinjaAPI(
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
