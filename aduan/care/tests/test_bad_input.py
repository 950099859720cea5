"""Bad input to the service-level, care and notification endpoints: each answer is a 4xx
naming the field, never a 500, and nothing is half-written."""

from __future__ import annotations

import pytest

from aduan.audit.models import AuditEntry
from aduan.tests.factories import error_fields, make_ticket

pytestmark = pytest.mark.django_db

REF = "{ref}"
NUL = "a\x00b"

# (user, method, path, body, status, field)
CASES = [
    ("admin", "post", "/sla/policies", {"code": "x"}, 400, "name"),
    (
        "admin",
        "post",
        "/sla/policies",
        {"code": "X Y", "name": "n", "first_response_minutes": 1, "resolution_minutes": 1},
        400,
        "code",
    ),
    (
        "admin",
        "post",
        "/sla/policies",
        {"code": "p", "name": NUL, "first_response_minutes": 1, "resolution_minutes": 1},
        400,
        "name",
    ),
    (
        "admin",
        "post",
        "/sla/policies",
        {"code": "p", "name": "n", "first_response_minutes": 10**9, "resolution_minutes": 1},
        400,
        "first_response_minutes",
    ),
    (
        "admin",
        "post",
        "/sla/policies",
        {
            "code": "p",
            "name": "n",
            "first_response_minutes": 5,
            "resolution_minutes": 5,
            "calendar": "nope",
        },
        400,
        "calendar",
    ),
    (
        "admin",
        "post",
        "/sla/policies",
        {
            "code": "p",
            "name": "n",
            "first_response_minutes": 5,
            "resolution_minutes": 5,
            "clock": "lunar",
        },
        400,
        "clock",
    ),
    (
        "admin",
        "post",
        "/sla/escalation-steps",
        {"trigger": "later", "action": "escalate"},
        400,
        "trigger",
    ),
    (
        "admin",
        "post",
        "/sla/escalation-steps",
        {"trigger": "pending", "action": "escalate", "offset_minutes": -1},
        400,
        "offset_minutes",
    ),
    (
        "admin",
        "post",
        "/sla/escalation-steps",
        {"trigger": "pending", "action": "escalate", "policy": "nope"},
        400,
        "policy",
    ),
    (
        "admin",
        "post",
        "/sla/calendars/office/closed-days",
        {"date": "2026-02-30", "name": "x"},
        400,
        "date",
    ),
    (
        "admin",
        "post",
        "/sla/calendars/office/closed-days",
        {"date": "2026-03-03", "name": NUL},
        400,
        "name",
    ),
    (
        "admin",
        "post",
        "/sla/calendars/nope/closed-days",
        {"date": "2026-03-03", "name": "x"},
        404,
        None,
    ),
    ("agent", "get", "/sla/report?since=2026-03-01T00:00:00", None, 400, "since"),
    ("agent", "get", "/sla/report?until=0001-01-02T00:00:00%2B00:00", None, 400, "until"),
    ("agent", "get", "/callbacks/report?since=9999-12-31T23:59:59-14:00", None, 400, "since"),
    ("agent", "put", f"/tickets/{REF}/hard-complaint", {"criteria": "rude"}, 400, "criteria"),
    (
        "agent",
        "put",
        f"/tickets/{REF}/hard-complaint",
        {"criteria": ["rude"], "note": NUL},
        400,
        "note",
    ),
    ("agent", "post", "/hard-complaints/suggest", {"text": ""}, 400, "text"),
    (
        "admin",
        "post",
        "/hard-complaint-phrases",
        {"criterion": "rude", "phrase": NUL},
        400,
        "phrase",
    ),
    (
        "admin",
        "post",
        "/hard-complaint-phrases",
        {"criterion": "rude", "phrase": "!!!"},
        400,
        "phrase",
    ),
    (
        "admin",
        "post",
        "/hard-complaint-phrases",
        {"criterion": "repeat", "phrase": "x"},
        400,
        "criterion",
    ),
    ("leader", "post", f"/tickets/{REF}/super-emergency", {"reason": "  "}, 400, "reason"),
    ("leader", "post", f"/tickets/{REF}/super-emergency", {"reason": NUL}, 400, "reason"),
    (
        "leader",
        "post",
        f"/tickets/{REF}/promises",
        {"description": "Janji.", "due_at": "2026-13-01T00:00:00+07:00"},
        400,
        "due_at",
    ),
    (
        "leader",
        "post",
        f"/tickets/{REF}/promises",
        {"description": "Janji.", "due_at": "2099-01-01T00:00:00+07:00"},
        400,
        "due_at",
    ),
    (
        "leader",
        "post",
        f"/tickets/{REF}/promises",
        {"description": "Janji.", "due_at": "2099-01-01T00:00:00"},
        400,
        "due_at",
    ),
    (
        "leader",
        "post",
        f"/tickets/{REF}/promises",
        {"description": "Janji.", "due_at": "2099-01-01T00:00:00+07:00", "kind": "vip"},
        400,
        "kind",
    ),
    (
        "leader",
        "post",
        f"/tickets/{REF}/promises",
        {"description": "Janji.", "due_at": "2099-01-01T00:00:00+07:00", "guardian_id": 2**60},
        400,
        "guardian_id",
    ),
    ("agent", "post", f"/tickets/{REF}/special-action", {"reason": NUL}, 400, "reason"),
    ("agent", "post", "/notifications/99999/read", None, 404, None),
    ("support", "post", "/callbacks/99999/outcome", {"reached": False}, 404, None),
    ("support", "post", "/callbacks/1/outcome", {"reached": "maybe"}, 400, "reached"),
    ("support", "post", "/super-emergencies/99999/analysis", {"analysis": "x"}, 404, None),
    ("director", "post", "/special-actions/99999/decision", {"decision": "x"}, 404, None),
    ("agent", "get", "/notifications?limit=1000", None, 400, "limit"),
    ("agent", "get", f"/tickets/{'x' * 40}/sla", None, 400, "reference"),
]


@pytest.mark.parametrize(("user", "method", "path", "body", "status", "field"), CASES)
def test_bad_input_is_refused_naming_the_field(api, org, user, method, path, body, status, field):
    ticket = make_ticket(org)
    client = api(user)
    before = AuditEntry.objects.count()
    url = path.replace(REF, ticket.reference)
    if method == "get":
        response = client.get(url)
    elif method == "put":
        response = client.client.put(
            f"/api/v1{url}", body, content_type="application/json", headers=client._headers()
        )
    else:
        response = client.post(url, body)
    assert response.status_code == status, response.content
    if field is not None:
        assert field in error_fields(response), response.json()
    assert AuditEntry.objects.count() == before
