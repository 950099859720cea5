"""Seed 001, the Contact Center procedure, as the agent on the phone does it, step by step.

1-3 the caller phones and the agent checks the number; 4 an unknown caller is registered;
5 a known caller's tickets are checked; 6 a pending ticket goes to support, then management;
7 and 9 a new ticket is opened; 8 a caller who does not go on has the ticket cancelled;
10 what the agent cannot solve is put on hold; 11 what the agent solves is closed.
"""

from __future__ import annotations

import pytest

from aduan.tests.factories import error_fields, make_ticket, ticket_in_status
from aduan.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def lookup(agent, phone: str) -> list[dict]:
    response = agent.get("/customers", {"phone": phone})
    assert response.status_code == 200, response.content
    return response.json()


def open_ticket(agent, customer_id: int, subject: str = "Internet mati") -> dict:
    response = agent.post(
        "/tickets",
        {
            "subject": subject,
            "description": "Penelepon melaporkan internet sekolah mati sejak pagi.",
            "customer_id": customer_id,
            "channel": "phone",
            "category": "network",
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_an_unknown_caller_is_registered_and_gets_a_new_open_ticket(api, org):
    agent = api("agent")
    # Steps 2-3: the number is not registered.
    assert lookup(agent, "0856-1111-2222") == []
    # Step 4: the agent enters the new caller.
    registered = agent.post(
        "/customers",
        {"name": "Pak Darto", "phone": "0856-1111-2222", "organisation_name": "SDN 3 Blitar"},
    )
    assert registered.status_code == 201, registered.content
    customer = registered.json()
    assert customer["phone"] == "+6285611112222"
    assert customer["is_verified"] is False
    # The next call from the same number finds them, in whatever spelling it is typed.
    [found] = lookup(agent, "+62 856 1111 2222")
    assert found["id"] == customer["id"]
    assert found["open_tickets"] == []
    # Steps 7 and 9: no ticket yet, so the agent enters the problem and opens one.
    ticket = open_ticket(agent, customer["id"])
    assert ticket["status"] == "open"
    assert ticket["customer"]["id"] == customer["id"]
    [again] = lookup(agent, "085611112222")
    assert [t["reference"] for t in again["open_tickets"]] == [ticket["reference"]]


def test_a_known_callers_pending_ticket_goes_to_support_then_management_and_no_further(api, org):
    agent = api("agent")
    pending = ticket_in_status(org, "pending")
    # Step 5: the caller is known and the agent sees the ticket still on hold.
    [caller] = lookup(agent, "0812-3456-7890")
    assert caller["id"] == org.alice.pk
    [brief] = caller["open_tickets"]
    assert brief["reference"] == pending.reference
    assert brief["status"] == "pending"

    # Step 6: reported to the support team ...
    to_support = agent.post(
        f"/tickets/{pending.reference}/escalate", {"note": "Pelanggan menelepon lagi."}
    )
    assert to_support.status_code == 200, to_support.content
    assert to_support.json()["tier"] == 2
    assert to_support.json()["team"]["code"] == "support"
    assert to_support.json()["status"] == "pending"

    # ... still unsolved there, so it goes up to management.
    support = api("support")
    to_management = support.post(
        f"/tickets/{pending.reference}/escalate", {"note": "Tim support belum bisa."}
    )
    assert to_management.status_code == 200, to_management.content
    assert to_management.json()["tier"] == 3
    assert to_management.json()["team"]["code"] == "management"

    # There is nothing above management.
    events_before = TicketEvent.objects.filter(ticket=pending).count()
    beyond = agent.post(f"/tickets/{pending.reference}/escalate", {"note": "Lagi?"})
    assert beyond.status_code == 409, beyond.content
    assert Ticket.objects.get(pk=pending.pk).tier == 3
    assert TicketEvent.objects.filter(ticket=pending).count() == events_before

    escalations = [
        (e["data"]["source_tier"], e["data"]["target_tier"], e["author"]["username"])
        for e in agent.get(f"/tickets/{pending.reference}/timeline").json()
        if e["kind"] == "escalation"
    ]
    assert escalations == [(1, 2, "agent"), (2, 3, "support")]


def test_a_caller_who_does_not_go_on_has_the_ticket_cancelled(api, org):
    """Step 8."""
    agent = api("agent")
    ticket = open_ticket(agent, org.bob.pk)
    cancelled = agent.post(
        f"/tickets/{ticket['reference']}/transition",
        {"to": "cancelled", "note": "Penelepon membatalkan laporan."},
    )
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["closed_at"] is not None
    [caller] = lookup(agent, "(021) 7418780")
    assert caller["open_tickets"] == []


def test_putting_a_ticket_on_hold_needs_a_reason(api, org):
    """Step 10: an empty or missing note is refused, naming 'note', and changes nothing."""
    agent = api("agent")
    ticket = open_ticket(agent, org.alice.pk)
    reference = ticket["reference"]
    for payload in ({"to": "pending"}, {"to": "pending", "note": "   "}):
        refused = agent.post(f"/tickets/{reference}/transition", payload)
        assert refused.status_code == 400, refused.content
        assert error_fields(refused) == ["note"]
    assert agent.get(f"/tickets/{reference}").json()["status"] == "open"
    assert agent.get(f"/tickets/{reference}").json()["version"] == ticket["version"]

    held = agent.post(
        f"/tickets/{reference}/transition",
        {"to": "pending", "note": "Perlu kunjungan teknisi ke lokasi."},
    )
    assert held.status_code == 200, held.content
    assert held.json()["status"] == "pending"
    [change] = [
        e
        for e in agent.get(f"/tickets/{reference}/timeline").json()
        if e["kind"] == "status_change"
    ]
    assert change["data"] == {"source": "open", "target": "pending"}
    assert change["body"] == "Perlu kunjungan teknisi ke lokasi."


def test_a_problem_the_agent_solves_is_resolved_and_then_closed(api, org):
    """Step 11."""
    agent = api("agent")
    reference = open_ticket(agent, org.alice.pk)["reference"]
    resolved = agent.post(
        f"/tickets/{reference}/transition",
        {"to": "resolved", "channel": "phone", "note": "Modem di-restart, internet normal."},
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["first_response_at"] is not None
    closed = agent.post(f"/tickets/{reference}/transition", {"to": "closed"})
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    [caller] = lookup(agent, "6281234567890")
    assert reference not in [t["reference"] for t in caller["open_tickets"]]


def test_resolving_without_saying_how_the_customer_was_told_is_refused(api, org):
    agent = api("agent")
    ticket = make_ticket(org)
    refused = agent.post(
        f"/tickets/{ticket.reference}/transition", {"to": "resolved", "note": "Sudah beres."}
    )
    assert refused.status_code == 400, refused.content
    assert error_fields(refused) == ["channel"]
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_a_pending_ticket_is_taken_up_again_when_the_caller_rings_back(api, org):
    """Step 5-6: the agent may also simply resume work on the held ticket."""
    agent = api("agent")
    ticket = ticket_in_status(org, "pending")
    resumed = agent.post(f"/tickets/{ticket.reference}/transition", {"to": "in_progress"})
    assert resumed.status_code == 200, resumed.content
    assert resumed.json()["status"] == "in_progress"
