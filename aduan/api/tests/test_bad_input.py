"""Bad input never breaks the API: each row answers 4xx (never 500) with an ``errors`` list
naming the bad field, and a refused request leaves no trace in the database."""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from aduan.accounts.models import ApiToken
from aduan.audit.models import AuditEntry
from aduan.customers.models import Customer
from aduan.tests.factories import make_ticket
from aduan.tickets.models import Attachment, Forwarding, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

HUGE = 2**70
NUL = "\u0000"


def cursor(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def when(**delta: float) -> str:
    return (timezone.now() + datetime.timedelta(**delta)).isoformat()


class Raw(str):
    """A request body sent exactly as written, not encoded as JSON."""


NEW_TICKET = {
    "subject": "Internet mati",
    "description": "Lab komputer tidak bisa internet.",
    "channel": "phone",
}
NEW_CUSTOMER = {"name": "Pak Joko", "phone": "0857-1234-9876"}


def ticket_with(**changes: Any) -> Callable[[dict], dict]:
    def build(ctx: dict) -> dict:
        payload = {**NEW_TICKET, "customer_id": ctx["alice_id"], **changes}
        return {key: value for key, value in payload.items() if value is not ...}

    return build


def customer_with(**changes: Any) -> dict:
    payload = {**NEW_CUSTOMER, **changes}
    return {key: value for key, value in payload.items() if value is not ...}


# (who, method, path, payload, expected status, field the answer must name)
ROWS = [
    # --- POST /tickets --------------------------------------------------------------------
    ("agent", "post", "/tickets", ticket_with(subject=...), 400, "subject"),
    ("agent", "post", "/tickets", ticket_with(subject=""), 400, "subject"),
    ("agent", "post", "/tickets", ticket_with(subject="   "), 400, "subject"),
    ("agent", "post", "/tickets", ticket_with(subject="x" * 201), 400, "subject"),
    ("agent", "post", "/tickets", ticket_with(subject="dua\nbaris"), 400, "subject"),
    ("agent", "post", "/tickets", ticket_with(subject=f"a{NUL}b"), 400, "subject"),
    ("agent", "post", "/tickets", ticket_with(subject=123), 400, "subject"),
    ("agent", "post", "/tickets", ticket_with(subject=["a"]), 400, "subject"),
    ("agent", "post", "/tickets", ticket_with(description=...), 400, "description"),
    ("agent", "post", "/tickets", ticket_with(description=NUL), 400, "description"),
    ("agent", "post", "/tickets", ticket_with(description="bel\x07"), 400, "description"),
    ("agent", "post", "/tickets", ticket_with(description="x" * 20_001), 400, "description"),
    ("agent", "post", "/tickets", ticket_with(customer_id=...), 400, "customer_id"),
    ("agent", "post", "/tickets", ticket_with(customer_id=HUGE), 400, "customer_id"),
    ("agent", "post", "/tickets", ticket_with(customer_id=0), 400, "customer_id"),
    ("agent", "post", "/tickets", ticket_with(customer_id=-1), 400, "customer_id"),
    ("agent", "post", "/tickets", ticket_with(customer_id="abc"), 400, "customer_id"),
    ("agent", "post", "/tickets", ticket_with(customer_id=987_654), 400, "customer_id"),
    ("agent", "post", "/tickets", ticket_with(customer_id=1.5), 400, "customer_id"),
    ("agent", "post", "/tickets", ticket_with(channel=...), 400, "channel"),
    ("agent", "post", "/tickets", ticket_with(channel="merpati"), 400, "channel"),
    ("agent", "post", "/tickets", ticket_with(channel=NUL), 400, "channel"),
    ("agent", "post", "/tickets", ticket_with(channel="x" * 51), 400, "channel"),
    ("agent", "post", "/tickets", ticket_with(category="astrologi"), 400, "category"),
    ("agent", "post", "/tickets", ticket_with(category=f"network{NUL}"), 400, "category"),
    ("agent", "post", "/tickets", ticket_with(priority="kiamat"), 400, "priority"),
    ("agent", "post", "/tickets", ticket_with(priority=NUL), 400, "priority"),
    ("agent", "post", "/tickets", ticket_with(team="tim-hantu"), 400, "team"),
    ("agent", "post", "/tickets", ticket_with(team=NUL), 400, "team"),
    ("agent", "post", "/tickets", ticket_with(assignee_id=HUGE), 400, "assignee_id"),
    ("agent", "post", "/tickets", ticket_with(assignee_id=987_654), 400, "assignee_id"),
    ("agent", "post", "/tickets", ticket_with(is_technical="mungkin"), 400, "is_technical"),
    ("agent", "post", "/tickets", ticket_with(received_at=when(days=2)), 400, "received_at"),
    ("agent", "post", "/tickets", ticket_with(received_at=when(days=-800)), 400, "received_at"),
    (
        "agent",
        "post",
        "/tickets",
        ticket_with(received_at="2026-01-05T09:00:00"),
        400,
        "received_at",
    ),
    ("agent", "post", "/tickets", ticket_with(received_at="kemarin"), 400, "received_at"),
    (
        "agent",
        "post",
        "/tickets",
        ticket_with(received_at="2026-13-45T99:00:00Z"),
        400,
        "received_at",
    ),
    ("agent", "post", "/tickets", Raw('{"subject": "Internet mati",'), 400, "body"),
    ("agent", "post", "/tickets", Raw("not json at all"), 400, "body"),
    ("agent", "post", "/tickets", Raw("[1, 2, 3]"), 400, "body"),
    ("agent", "post", "/tickets", Raw('"just a string"'), 400, "body"),
    ("agent", "post", "/tickets", Raw("null"), 400, "body"),
    ("alice", "post", "/tickets", ticket_with(customer_id=..., channel="phone"), 400, "channel"),
    (
        "alice",
        "post",
        "/tickets",
        ticket_with(customer_id=..., channel=..., received_at=when(hours=-1)),
        400,
        "received_at",
    ),
    (
        "alice",
        "post",
        "/tickets",
        ticket_with(channel=..., customer_id="{bob_id}"),
        400,
        "customer_id",
    ),
    (
        "alice",
        "post",
        "/tickets",
        ticket_with(customer_id=..., channel=..., team="support"),
        400,
        "team",
    ),
    # --- POST /customers ------------------------------------------------------------------
    ("agent", "post", "/customers", customer_with(name=...), 400, "name"),
    ("agent", "post", "/customers", customer_with(name=""), 400, "name"),
    ("agent", "post", "/customers", customer_with(name="   "), 400, "name"),
    ("agent", "post", "/customers", customer_with(name=f"Joko{NUL}"), 400, "name"),
    ("agent", "post", "/customers", customer_with(name="Joko\nWidodo"), 400, "name"),
    ("agent", "post", "/customers", customer_with(name="x" * 201), 400, "name"),
    ("agent", "post", "/customers", customer_with(name=42), 400, "name"),
    ("agent", "post", "/customers", customer_with(phone="bukan nomor"), 400, "phone"),
    ("agent", "post", "/customers", customer_with(phone="12"), 400, "phone"),
    ("agent", "post", "/customers", customer_with(phone="0" * 41), 400, "phone"),
    ("agent", "post", "/customers", customer_with(phone=f"0812{NUL}"), 400, "phone"),
    ("agent", "post", "/customers", customer_with(phone=81234567890), 400, "phone"),
    ("agent", "post", "/customers", customer_with(email="bukan-email"), 400, "email"),
    ("agent", "post", "/customers", customer_with(email=f"a{NUL}@contoh.id"), 400, "email"),
    ("agent", "post", "/customers", customer_with(email="a@b"), 400, "email"),
    ("agent", "post", "/customers", customer_with(email="a" * 250 + "@x.id"), 400, "email"),
    ("agent", "post", "/customers", customer_with(language="fr"), 400, "language"),
    ("agent", "post", "/customers", customer_with(language=NUL), 400, "language"),
    ("agent", "post", "/customers", customer_with(notes="x" * 5001), 400, "notes"),
    ("agent", "post", "/customers", customer_with(address=f"Jl. {NUL}"), 400, "address"),
    (
        "agent",
        "post",
        "/customers",
        customer_with(organisation_name="SMA\nNegeri"),
        400,
        "organisation_name",
    ),
    ("agent", "post", "/customers", customer_with(is_verified="mungkin"), 400, "is_verified"),
    ("agent", "post", "/customers", customer_with(phone="0812 3456 7890"), 409, "phone"),
    ("agent", "post", "/customers", customer_with(phone="(021) 7418780"), 409, "phone"),
    ("agent", "post", "/customers", customer_with(phone=..., email="{alice_email}"), 409, "email"),
    ("agent", "post", "/customers", Raw("{'name': 'single quotes'}"), 400, "body"),
    # --- PATCH /tickets/{ref} -------------------------------------------------------------
    ("agent", "patch", "/tickets/{ref}", {"priority": "kiamat"}, 400, "priority"),
    ("agent", "patch", "/tickets/{ref}", {"priority": None}, 400, "priority"),
    ("agent", "patch", "/tickets/{ref}", {"priority": ""}, 400, "priority"),
    ("agent", "patch", "/tickets/{ref}", {"priority": NUL}, 400, "priority"),
    ("agent", "patch", "/tickets/{ref}", {"category": "astrologi"}, 400, "category"),
    ("agent", "patch", "/tickets/{ref}", {"team": "tim-hantu"}, 400, "team"),
    ("agent", "patch", "/tickets/{ref}", {"team": "div-network"}, 400, "team"),
    ("agent", "patch", "/tickets/{ref}", {"assignee_id": HUGE}, 400, "assignee_id"),
    ("agent", "patch", "/tickets/{ref}", {"assignee_id": 987_654}, 400, "assignee_id"),
    ("agent", "patch", "/tickets/{ref}", {"assignee_id": "{alice_user_id}"}, 400, "assignee_id"),
    ("agent", "patch", "/tickets/{ref}", {"subject": None}, 400, "subject"),
    ("agent", "patch", "/tickets/{ref}", {"subject": f"x{NUL}"}, 400, "subject"),
    ("agent", "patch", "/tickets/{ref}", {"subject": "x" * 201}, 400, "subject"),
    ("agent", "patch", "/tickets/{ref}", {"is_technical": None}, 400, "is_technical"),
    ("agent", "patch", "/tickets/{ref}", {"is_technical": "mungkin"}, 400, "is_technical"),
    ("agent", "patch", "/tickets/{ref}", {"version": 0}, 400, "version"),
    ("agent", "patch", "/tickets/{ref}", {"version": HUGE}, 400, "version"),
    ("agent", "patch", "/tickets/{ref}", {"version": "baru"}, 400, "version"),
    ("agent", "patch", "/tickets/{ref}", {"priority": "urgent", "version": 99}, 409, "version"),
    ("agent", "patch", "/tickets/{ref}", Raw("{"), 400, "body"),
    ("agent", "patch", "/tickets/" + "X" * 33, {"priority": "urgent"}, 400, "reference"),
    # --- POST /tickets/{ref}/transition ---------------------------------------------------
    ("agent", "post", "/tickets/{ref}/transition", {}, 400, "to"),
    ("agent", "post", "/tickets/{ref}/transition", {"to": "terbang"}, 400, "to"),
    ("agent", "post", "/tickets/{ref}/transition", {"to": NUL}, 400, "to"),
    ("agent", "post", "/tickets/{ref}/transition", {"to": 3}, 400, "to"),
    ("agent", "post", "/tickets/{ref}/transition", {"to": "pending", "note": NUL}, 400, "note"),
    (
        "agent",
        "post",
        "/tickets/{ref}/transition",
        {"to": "pending", "note": "x" * 20_001},
        400,
        "note",
    ),
    (
        "agent",
        "post",
        "/tickets/{ref}/transition",
        {"to": "resolved", "note": "Beres.", "channel": "merpati"},
        400,
        "channel",
    ),
    (
        "agent",
        "post",
        "/tickets/{ref}/transition",
        {"to": "pending", "note": "Tunggu.", "channel": "phone"},
        400,
        "channel",
    ),
    (
        "agent",
        "post",
        "/tickets/{ref}/transition",
        {"to": "pending", "note": "Tunggu.", "team": "div-network"},
        400,
        "team",
    ),
    (
        "agent",
        "post",
        "/tickets/{ref}/transition",
        {"to": "forwarded", "note": "Cek."},
        400,
        "team",
    ),
    (
        "agent",
        "post",
        "/tickets/{ref}/transition",
        {"to": "forwarded", "note": "Cek.", "team": "tim-hantu"},
        400,
        "team",
    ),
    (
        "agent",
        "post",
        "/tickets/{ref}/transition",
        {"to": "forwarded", "note": "Cek.", "team": NUL},
        400,
        "team",
    ),
    ("agent", "post", "/tickets/{ref}/transition", {"to": "closed", "version": 0}, 400, "version"),
    (
        "agent",
        "post",
        "/tickets/{ref}/transition",
        {"to": "in_progress", "version": 99},
        409,
        "version",
    ),
    ("agent", "post", "/tickets/{ref}/transition", {"to": "pending"}, 400, "note"),
    ("agent", "post", "/tickets/{ref}/transition", {"to": "closed"}, 409, "to"),
    ("agent", "post", "/tickets/{ref}/transition", Raw("to=closed"), 400, "body"),
    # --- POST /tickets/{ref}/escalate -----------------------------------------------------
    ("agent", "post", "/tickets/{ref}/escalate", {}, 400, "note"),
    ("agent", "post", "/tickets/{ref}/escalate", {"note": "   "}, 400, "note"),
    ("agent", "post", "/tickets/{ref}/escalate", {"note": NUL}, 400, "note"),
    (
        "agent",
        "post",
        "/tickets/{ref}/escalate",
        {"note": "Naik.", "team": "tim-hantu"},
        400,
        "team",
    ),
    (
        "agent",
        "post",
        "/tickets/{ref}/escalate",
        {"note": "Naik.", "team": "helpdesk"},
        400,
        "team",
    ),
    ("agent", "post", "/tickets/{ref}/escalate", {"note": "Naik.", "team": NUL}, 400, "team"),
    ("agent", "post", "/tickets/{ref}/escalate", {"note": "Naik.", "version": -1}, 400, "version"),
    # --- POST /tickets/{ref}/messages -----------------------------------------------------
    ("agent", "post", "/tickets/{ref}/messages", {}, 400, "body"),
    ("agent", "post", "/tickets/{ref}/messages", {"body": ""}, 400, "body"),
    ("agent", "post", "/tickets/{ref}/messages", {"body": " \n "}, 400, "body"),
    ("agent", "post", "/tickets/{ref}/messages", {"body": f"Halo{NUL}"}, 400, "body"),
    ("agent", "post", "/tickets/{ref}/messages", {"body": "x" * 20_001}, 400, "body"),
    ("agent", "post", "/tickets/{ref}/messages", {"body": 12}, 400, "body"),
    (
        "agent",
        "post",
        "/tickets/{ref}/messages",
        {"body": "Halo", "channel": "merpati"},
        400,
        "channel",
    ),
    (
        "agent",
        "post",
        "/tickets/{ref}/messages",
        {"body": "Halo", "internal": "mungkin"},
        400,
        "internal",
    ),
    (
        "alice",
        "post",
        "/tickets/{ref}/messages",
        {"body": "Halo", "internal": True},
        400,
        "internal",
    ),
    # --- POST /tickets/{ref}/forward ------------------------------------------------------
    ("agent", "post", "/tickets/{ref}/forward", {"instructions": "Cek."}, 400, "team"),
    (
        "agent",
        "post",
        "/tickets/{ref}/forward",
        {"team": "tim-hantu", "instructions": "Cek."},
        400,
        "team",
    ),
    (
        "agent",
        "post",
        "/tickets/{ref}/forward",
        {"team": "helpdesk", "instructions": "Cek."},
        400,
        "team",
    ),
    ("agent", "post", "/tickets/{ref}/forward", {"team": NUL, "instructions": "Cek."}, 400, "team"),
    ("agent", "post", "/tickets/{ref}/forward", {"team": "div-network"}, 400, "instructions"),
    (
        "agent",
        "post",
        "/tickets/{ref}/forward",
        {"team": "div-network", "instructions": "  "},
        400,
        "instructions",
    ),
    (
        "agent",
        "post",
        "/tickets/{ref}/forward",
        {"team": "div-network", "instructions": f"Cek{NUL}"},
        400,
        "instructions",
    ),
    # --- GET /tickets filters -------------------------------------------------------------
    ("agent", "get", "/tickets", {"status": "terbang"}, 400, "status"),
    ("agent", "get", "/tickets", {"status": NUL}, 400, "status"),
    ("agent", "get", "/tickets", {"limit": 0}, 400, "limit"),
    ("agent", "get", "/tickets", {"limit": 1000}, 400, "limit"),
    ("agent", "get", "/tickets", {"limit": "sepuluh"}, 400, "limit"),
    ("agent", "get", "/tickets", {"limit": HUGE}, 400, "limit"),
    ("agent", "get", "/tickets", {"cursor": "!!!"}, 400, "cursor"),
    ("agent", "get", "/tickets", {"cursor": NUL}, 400, "cursor"),
    ("agent", "get", "/tickets", {"cursor": "x" * 201}, 400, "cursor"),
    ("agent", "get", "/tickets", {"cursor": cursor({})}, 400, "cursor"),
    ("agent", "get", "/tickets", {"cursor": cursor([])}, 400, "cursor"),
    ("agent", "get", "/tickets", {"cursor": cursor(["abc"])}, 400, "cursor"),
    ("agent", "get", "/tickets", {"cursor": cursor([{"id": 1}])}, 400, "cursor"),
    ("agent", "get", "/tickets", {"cursor": cursor([HUGE])}, 400, "cursor"),
    ("agent", "get", "/tickets", {"cursor": cursor([-HUGE])}, 400, "cursor"),
    ("agent", "get", "/tickets", {"cursor": cursor([1e308])}, 400, "cursor"),
    ("agent", "get", "/tickets", {"ordering": "due_at", "cursor": cursor([5])}, 400, "cursor"),
    (
        "agent",
        "get",
        "/tickets",
        {"ordering": "due_at", "cursor": cursor(["bukan tanggal", 5])},
        400,
        "cursor",
    ),
    (
        "agent",
        "get",
        "/tickets",
        {"ordering": "due_at", "cursor": cursor(["2026-02-30T00:00:00+07:00", 5])},
        400,
        "cursor",
    ),
    (
        "agent",
        "get",
        "/tickets",
        {"ordering": "due_at", "cursor": cursor(["2026-01-01T00:00:00+07:00", HUGE])},
        400,
        "cursor",
    ),
    ("agent", "get", "/tickets", {"ordering": "subject"}, 400, "ordering"),
    ("agent", "get", "/tickets", {"assignee": HUGE}, 400, "assignee"),
    ("agent", "get", "/tickets", {"customer": HUGE}, 400, "customer"),
    ("agent", "get", "/tickets", {"customer": -5}, 400, "customer"),
    ("agent", "get", "/tickets", {"tier": 4}, 400, "tier"),
    ("agent", "get", "/tickets", {"text": NUL}, 400, "text"),
    ("agent", "get", "/tickets", {"text": "x" * 201}, 400, "text"),
    ("agent", "get", "/tickets", {"team": NUL}, 400, "team"),
    ("agent", "get", "/tickets", {"team": "x" * 51}, 400, "team"),
    ("agent", "get", "/tickets", {"open": "mungkin"}, 400, "open"),
    ("agent", "get", "/tickets", {"unassigned": "mungkin"}, 400, "unassigned"),
    ("agent", "get", "/tickets/" + "X" * 33, None, 400, "reference"),
    # --- other reads ----------------------------------------------------------------------
    ("agent", "get", "/customers", {"limit": 0}, 400, "limit"),
    ("agent", "get", "/customers", {"phone": "0" * 41}, 400, "phone"),
    ("agent", "get", "/customers", {"q": "x" * 101}, 400, "q"),
    ("agent", "get", "/customers", {"q": NUL}, 400, "q"),
    ("agent", "get", "/customers", {"email": f"a{NUL}@b.id"}, 400, "email"),
    ("agent", "get", f"/customers/{HUGE}", None, 400, "customer_id"),
    ("agent", "get", "/forwardings", {"status": "hilang"}, 400, "status"),
    ("agent", "get", "/forwardings", {"team": NUL}, 400, "team"),
    ("agent", "get", "/forwardings", {"limit": 0}, 400, "limit"),
    ("agent", "get", f"/forwardings/{HUGE}", None, 400, "forwarding_id"),
    ("division", "post", f"/forwardings/{HUGE}/response", {"findings": "x"}, 400, "forwarding_id"),
    ("agent", "get", f"/attachments/{HUGE}/download", None, 400, "attachment_id"),
    ("agent", "get", "/attachments/abc/download", None, 400, "attachment_id"),
]


def _resolve(value: Any, ctx: dict) -> Any:
    if callable(value):
        return _resolve(value(ctx), ctx)
    if isinstance(value, Raw):
        return value
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        key = value[1:-1]
        return ctx.get(key, value) if key.isidentifier() else value
    if isinstance(value, dict):
        return {k: _resolve(v, ctx) for k, v in value.items()}
    return value


def _state(ticket: Ticket) -> tuple:
    ticket = Ticket.objects.get(pk=ticket.pk)
    return (
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        AuditEntry.objects.count(),
        Customer.objects.count(),
        Forwarding.objects.count(),
        Attachment.objects.count(),
        ticket.status,
        ticket.version,
        ticket.priority_id,
        ticket.tier,
    )


def _row_id(row: tuple) -> str:
    who, method, path, _payload, status, field = row
    return f"{method} {path[:30]} {field} {status} as {who}"


@pytest.mark.parametrize(
    ("who", "method", "path", "payload", "status", "field"),
    [pytest.param(*row, id=f"{index:03d} {_row_id(row)}") for index, row in enumerate(ROWS)],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_half_written(
    api, org, who, method, path, payload, status, field
):
    ticket = make_ticket(org)
    ctx = {
        "alice_id": org.alice.pk,
        "bob_id": org.bob.pk,
        "alice_email": org.alice.email,
        "alice_user_id": org.user("alice").pk,
        "ref": ticket.reference,
    }
    client = api(who)
    path = path.replace("{ref}", ticket.reference)
    data = _resolve(payload, ctx)
    before = _state(ticket)
    tokens_before = ApiToken.objects.count()

    if method == "get":
        response = client.get(path, data)
    elif method == "post":
        response = client.post(path, data)
    else:
        response = client.patch(path, data)

    assert response.status_code == status, response.content
    body = response.json()
    assert body["errors"], body
    named = {error["field"].split(".")[0] for error in body["errors"]}
    assert named == {field}, body
    assert all(error["message"] for error in body["errors"])
    assert _state(ticket) == before
    assert ApiToken.objects.count() == tokens_before
