from __future__ import annotations

import pytest

from aduan.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_staff_read_a_tickets_changes_newest_first_with_before_and_after(api, org):
    ticket = make_ticket(org)
    agent = api("agent")
    agent.patch(f"/tickets/{ticket.reference}", {"priority": "urgent"})
    agent.post(
        f"/tickets/{ticket.reference}/forward",
        {"team": "div-network", "instructions": "Mohon periksa switch."},
    )

    response = agent.get(f"/tickets/{ticket.reference}/audit")

    assert response.status_code == 200
    entries = response.json()
    actions = [entry["action"] for entry in entries]
    assert actions[-1] == "ticket.created"
    assert "ticket.updated" in actions
    assert "forwarding.created" in actions
    update = next(entry for entry in entries if entry["action"] == "ticket.updated")
    assert update["actor"] == "agent"
    assert update["changes"]["priority"] == [org.normal.pk, org.urgent.pk]


@pytest.mark.parametrize("username", ["alice", "division"])
def test_customers_and_divisions_may_not_read_the_audit_trail(api, org, username):
    ticket = make_ticket(org)
    response = api(username).get(f"/tickets/{ticket.reference}/audit")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("verificator", 200),
        ("director", 200),
        ("admin", 200),
        ("agent", 403),
        ("alice", 403),
    ],
)
def test_only_auditors_read_the_whole_log(api, org, username, status):
    make_ticket(org)
    response = api(username).get("/audit", {"object_type": "tickets.ticket"})
    assert response.status_code == status
    if status == 200:
        assert [entry["action"] for entry in response.json()] == ["ticket.created"]


@pytest.mark.parametrize(
    "params",
    [
        {"object_type": "tickets.ticket\u0000"},
        {"object_id": "1\u0000"},
        {"action": "ticket.created\u0000"},
    ],
)
def test_control_characters_in_audit_filters_are_a_400_naming_the_field(api, org, params):
    response = api("admin").get("/audit", params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == next(iter(params))


def test_a_reference_with_a_nul_byte_is_a_400_not_a_server_error(api, org):
    response = api("agent").get("/tickets/ADU-2026%00/audit")
    assert response.status_code in (400, 404)
