"""The service-level API: staff read the configuration, administrators change it, a
ticket's clock and ledger, the report against the targets, and a sweep on demand."""

from __future__ import annotations

import pytest
import time_machine

from aduan.audit.models import AuditEntry
from aduan.sla.models import SlaPolicy
from aduan.sla.tests.factories import at, ladder, make_policy
from aduan.tests.factories import make_ticket
from aduan.tickets import services

pytestmark = pytest.mark.django_db

POLICY = {
    "code": "urgent-network",
    "name": "Urgent network",
    "priority": "urgent",
    "category": "network",
    "first_response_minutes": 30,
    "resolution_minutes": 240,
}


def test_staff_read_the_configuration(api, org):
    make_policy("standard", priority=org.normal)
    agent = api("agent")
    assert [p["code"] for p in agent.get("/sla/policies").json()] == ["standard"]
    calendars = agent.get("/sla/calendars").json()
    assert calendars[0]["code"] == "office" and calendars[0]["is_default"]
    assert [p["weekday"] for p in calendars[0]["periods"]] == [0, 1, 2, 3, 4]
    steps = agent.get("/sla/escalation-steps").json()
    assert {s["action"] for s in steps} >= {"notify_assignee", "notify_leader", "escalate"}
    for path in ("/sla/policies", "/sla/calendars", "/sla/escalation-steps"):
        assert api("alice").get(path).status_code == 403


def test_administrators_create_and_change_policies(api, org):
    admin = api("admin")
    created = admin.post("/sla/policies", POLICY)
    assert created.status_code == 201, created.content
    assert created.json()["priority"] == "urgent" and created.json()["clock"] == "business"
    with time_machine.travel(at("2026-03-09", "09:00"), tick=False):
        ticket = make_ticket(org, priority="urgent")
    assert ticket.due_at == at("2026-03-09", "13:00")

    changed = admin.patch(
        "/sla/policies/urgent-network", {"category": None, "resolution_minutes": 120}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["category"] is None and changed.json()["resolution_minutes"] == 120
    with time_machine.travel(at("2026-03-09", "09:00"), tick=False):
        billing = make_ticket(org, priority="urgent", category="billing")
    assert billing.due_at == at("2026-03-09", "11:00")
    # The ticket already running keeps its due time.
    ticket.refresh_from_db()
    assert ticket.due_at == at("2026-03-09", "13:00")
    assert AuditEntry.objects.filter(action="sla.policy_updated").exists()


def test_bad_policies_are_refused_with_the_field(api, org):
    admin = api("admin")
    admin.post("/sla/policies", POLICY)
    duplicate = admin.post("/sla/policies", POLICY)
    assert duplicate.status_code == 400 and duplicate.json()["errors"][0]["field"] == "code"
    unknown = admin.post("/sla/policies", {**POLICY, "code": "x", "priority": "nope"})
    assert unknown.json()["errors"][0]["field"] == "priority"
    zero = admin.post("/sla/policies", {**POLICY, "code": "y", "resolution_minutes": 0})
    assert zero.status_code == 400
    assert admin.patch("/sla/policies/missing", {"name": "x"}).status_code == 404


@pytest.mark.parametrize("username", ["agent", "leader", "director", "alice"])
def test_only_administrators_change_service_levels(api, org, username):
    client = api(username)
    assert client.post("/sla/policies", POLICY).status_code == 403
    step = {"trigger": "resolution_breached", "offset_minutes": 60, "action": "escalate"}
    assert client.post("/sla/escalation-steps", step).status_code == 403
    closed = {"date": "2026-03-10", "name": "Ulang tahun"}
    assert client.post("/sla/calendars/office/closed-days", closed).status_code == 403
    assert client.post("/sla/sweep").status_code == 403
    assert not SlaPolicy.objects.exists()


def test_administrators_edit_the_ladder(api, org):
    admin = api("admin")
    ladder()
    made = admin.post(
        "/sla/escalation-steps",
        {"trigger": "resolution_breached", "offset_minutes": 60, "action": "escalate"},
    )
    assert made.status_code == 201
    step_id = made.json()["id"]
    moved = admin.client.put(
        f"/api/v1/sla/escalation-steps/{step_id}",
        {"trigger": "resolution_breached", "offset_minutes": 90, "action": "notify_management"},
        content_type="application/json",
        headers=admin._headers(),
    )
    assert moved.status_code == 200 and moved.json()["offset_minutes"] == 90
    assert admin.delete(f"/sla/escalation-steps/{step_id}").status_code == 204
    assert admin.get("/sla/escalation-steps").json() == []


def test_a_closed_day_moves_due_times(api, org):
    make_policy("normal", priority=org.normal, resolution_minutes=8 * 60)
    admin = api("admin")
    added = admin.post("/sla/calendars/office/closed-days", {"date": "2026-03-10", "name": "HUT"})
    assert added.status_code == 201
    assert (
        admin.post(
            "/sla/calendars/office/closed-days", {"date": "2026-03-10", "name": "HUT"}
        ).status_code
        == 409
    )
    with time_machine.travel(at("2026-03-09", "12:00"), tick=False):
        ticket = make_ticket(org)
    # 4 h on Monday, Tuesday closed, 4 h on Wednesday.
    assert ticket.due_at == at("2026-03-11", "12:00")
    assert admin.delete("/sla/calendars/office/closed-days/2026-03-10").status_code == 204
    with time_machine.travel(at("2026-03-09", "12:00"), tick=False):
        assert make_ticket(org).due_at == at("2026-03-10", "12:00")


def test_a_tickets_clock_and_ledger(api, org):
    make_policy("normal", priority=org.normal, first_response_minutes=60)
    ladder(("first_response_breached", 0, "notify_leader"))
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        ticket = make_ticket(org)
        t.move_to(at("2026-03-09", "09:30"))
        swept = api("admin").post("/sla/sweep")
        assert swept.status_code == 200
        assert swept.json()["breaches"] == 1 and swept.json()["alerts"] == 1
        body = api("agent").get(f"/tickets/{ticket.reference}/sla").json()
    assert body["policy"] == "normal" and body["state"] == "breached"
    assert body["first_response_breached_at"] == "2026-03-09T02:00:00Z"  # 09:00 WIB
    assert [entry["trigger"] for entry in body["ledger"]] == [
        "first_response_breached",
        "first_response_breached",
    ]
    assert api("bob").get(f"/tickets/{ticket.reference}/sla").status_code == 404
    assert api("alice").get(f"/tickets/{ticket.reference}/sla").status_code == 403


def test_the_report_against_the_targets(api, org):
    make_policy("normal", priority=org.normal, first_response_minutes=60, resolution_minutes=4 * 60)
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        fast, slow, open_ = (make_ticket(org, subject=f"T{n}") for n in range(3))
        t.move_to(at("2026-03-09", "08:30"))
        services.transition(
            actor=agent,
            reference=fast.reference,
            data=services.TransitionInput(to="resolved", note="Cepat.", channel="phone"),
        )
        t.move_to(at("2026-03-09", "15:00"))
        services.transition(
            actor=agent,
            reference=slow.reference,
            data=services.TransitionInput(to="resolved", note="Lambat.", channel="phone"),
        )
        report = (
            api("coordinator")
            .get(
                "/sla/report",
                {"since": "2026-03-09T00:00:00+07:00", "until": "2026-03-10T00:00:00+07:00"},
            )
            .json()
        )
    normal = report["by_priority"][0]
    assert normal["priority"] == "normal"
    assert (
        normal["received"],
        normal["resolved"],
        normal["resolution_met"],
        normal["resolution_missed"],
    ) == (3, 2, 1, 1)
    assert (normal["first_response_met"], normal["first_response_missed"]) == (1, 1)
    assert (normal["open"], normal["open_overdue"]) == (1, 1)
    assert report["totals"]["received"] == 3
    assert open_


def test_the_report_period_is_bounded(api, org):
    client = api("agent")
    too_long = client.get(
        "/sla/report",
        {"since": "2026-01-01T00:00:00+07:00", "until": "2026-12-31T00:00:00+07:00"},
    )
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["field"] == "since"
    backwards = client.get(
        "/sla/report",
        {"since": "2026-03-02T00:00:00+07:00", "until": "2026-03-01T00:00:00+07:00"},
    )
    assert backwards.status_code == 400
