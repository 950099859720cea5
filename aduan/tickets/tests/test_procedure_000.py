"""Seed 000, "Prosedur Pengaduan Layanan", walked through the REST API by every role in turn.

1.1 the customer reports and the helpdesk classifies; 1.2 the helpdesk forwards to the
division, which examines it and answers with findings, a solution and steps for the user;
1.3 the helpdesk reports the solution to the customer by phone, email, letter or in person,
the customer may report that the problem persists, and the result is recorded.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from aduan.organisation.models import ChannelKind
from aduan.tests.factories import ChannelFactory
from aduan.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def kinds(timeline_response) -> list[str]:
    assert timeline_response.status_code == 200, timeline_response.content
    return [event["kind"] for event in timeline_response.json()]


def events_of(timeline_response, kind: str) -> list[dict]:
    return [event for event in timeline_response.json() if event["kind"] == kind]


@pytest.mark.parametrize("solution_channel", ["phone", "email", "letter", "verbal"])
def test_a_portal_complaint_goes_through_classification_division_solution_reopen_and_close(
    api, org, solution_channel
):
    alice, agent, division = api("alice"), api("agent"), api("division")

    # 1.1.1-1.1.2: the customer reports on the portal; the helpdesk receives it as 'new'.
    filed = alice.post(
        "/tickets",
        {
            "subject": "Internet sekolah putus-putus",
            "description": "Sejak Senin koneksi di lab komputer putus setiap 10 menit.",
        },
    )
    assert filed.status_code == 201, filed.content
    ticket = filed.json()
    reference = ticket["reference"]
    assert ticket["status"] == "new"
    assert ticket["channel"]["code"] == "web"
    assert ticket["customer"]["id"] == org.alice.pk
    assert ticket["category"] is None
    assert reference in [row["reference"] for row in agent.get("/tickets").json()["items"]]

    # 1.1.3: the helpdesk classifies it; a more urgent priority brings the due time forward.
    classified = agent.patch(
        f"/tickets/{reference}",
        {"category": "network", "priority": "urgent", "version": ticket["version"]},
    )
    assert classified.status_code == 200, classified.content
    body = classified.json()
    assert body["category"]["code"] == "network"
    assert body["priority"]["code"] == "urgent"
    assert body["is_technical"] is True
    received = datetime.datetime.fromisoformat(body["received_at"])
    due = datetime.datetime.fromisoformat(body["due_at"])
    assert due - received == datetime.timedelta(hours=org.urgent.resolution_hours)
    assert body["version"] == ticket["version"] + 1

    # 1.2.4: the helpdesk cannot solve it and forwards it to the division with instructions.
    forwarded = agent.post(
        f"/tickets/{reference}/transition",
        {"to": "forwarded", "team": "div-network", "note": "Mohon cek switch di lantai 2."},
    )
    assert forwarded.status_code == 200, forwarded.content
    assert forwarded.json()["status"] == "forwarded"

    # 1.2.5: the division finds the form in its inbox together with the complaint.
    inbox = division.get("/forwardings", {"status": "sent"})
    assert inbox.status_code == 200
    forms = [form for form in inbox.json() if form["ticket"] == reference]
    assert len(forms) == 1
    form = forms[0]
    assert form["team"]["code"] == "div-network"
    assert form["instructions"] == "Mohon cek switch di lantai 2."
    assert form["created_by"]["username"] == "agent"
    seen_by_division = division.get(f"/tickets/{reference}")
    assert seen_by_division.status_code == 200
    assert seen_by_division.json()["description"].startswith("Sejak Senin")

    # 1.2.6-1.2.7: it examines the problem and answers with findings, solution and steps.
    answered = division.post(
        f"/forwardings/{form['id']}/response",
        {
            "findings": "Port uplink switch rusak.",
            "solution": "Port dipindah ke switch cadangan.",
            "user_steps": "Restart komputer lab setelah pukul 14.00.",
        },
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "responded"
    assert answered.json()["responded_by"]["username"] == "division"
    assert answered.json()["user_steps"] == "Restart komputer lab setelah pukul 14.00."

    # 1.3.1: the form comes back to the helpdesk and the ticket is theirs again.
    back = agent.get(f"/tickets/{reference}")
    assert back.json()["status"] == "in_progress"
    [response_event] = events_of(agent.get(f"/tickets/{reference}/timeline"), "division_response")
    assert "Port uplink switch rusak." in response_event["body"]
    assert "Restart komputer lab" in response_event["body"]

    # 1.3.2-1.3.3 and 1.3.5: the helpdesk reports the solution and records how it was given.
    resolved = agent.post(
        f"/tickets/{reference}/transition",
        {
            "to": "resolved",
            "channel": solution_channel,
            "note": "Port switch sudah dipindah; mohon restart komputer lab.",
        },
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_at"] is not None
    [report] = events_of(agent.get(f"/tickets/{reference}/timeline"), "solution_report")
    assert report["channel"] == solution_channel
    assert report["body"] == "Port switch sudah dipindah; mohon restart komputer lab."

    # 1.3.4: the customer receives the report ...
    own_timeline = alice.get(f"/tickets/{reference}/timeline")
    assert "solution_report" in kinds(own_timeline)
    assert alice.get(f"/tickets/{reference}").json()["status"] == "resolved"

    # ... and says the problem persists: the ticket reopens with their words on record.
    reopened = alice.post(
        f"/tickets/{reference}/transition",
        {"to": "open", "note": "Masih putus setelah restart."},
    )
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["status"] == "open"
    assert reopened.json()["reopen_count"] == 1
    assert reopened.json()["resolved_at"] is None
    messages = events_of(alice.get(f"/tickets/{reference}/timeline"), "customer_message")
    assert [m["body"] for m in messages] == ["Masih putus setelah restart."]

    # The helpdesk solves it again and the customer confirms.
    again = agent.post(
        f"/tickets/{reference}/transition",
        {"to": "resolved", "channel": "phone", "note": "Kabel LAN lab diganti."},
    )
    assert again.status_code == 200, again.content
    closed = alice.post(f"/tickets/{reference}/transition", {"to": "closed"})
    assert closed.status_code == 200, closed.content
    final = closed.json()
    assert final["status"] == "closed"
    assert final["closed_at"] is not None
    assert final["reopen_count"] == 1
    assert final["allowed_transitions"] == []

    stored = Ticket.objects.get(reference=reference)
    assert stored.status == "closed"
    assert stored.events.filter(kind="solution_report").count() == 2


def test_the_helpdesk_solves_a_simple_complaint_itself_without_forwarding(api, org):
    """1.2.3: when the helpdesk can solve it, it gives the solution straight away."""
    agent = api("agent")
    created = agent.post(
        "/tickets",
        {
            "subject": "Lupa password e-mail",
            "description": "Guru lupa password e-mail sekolah.",
            "customer_id": org.bob.pk,
            "channel": "phone",
            "category": "billing",
        },
    )
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    resolved = agent.post(
        f"/tickets/{reference}/transition",
        {"to": "resolved", "channel": "phone", "note": "Password direset lewat telepon."},
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved"
    assert agent.get(f"/tickets/{reference}/forwardings").json() == []


def test_forwarding_with_the_forward_endpoint_returns_the_printed_form(api, org):
    """1.2.2 and 1.2.4: the forwarding form carries the division and the instructions."""
    agent = api("agent")
    reference = agent.post(
        "/tickets",
        {
            "subject": "Tagihan ganda",
            "description": "Tagihan bulan Mei tertagih dua kali.",
            "customer_id": org.alice.pk,
            "channel": "email",
            "category": "billing",
        },
    ).json()["reference"]
    sent = agent.post(
        f"/tickets/{reference}/forward",
        {"team": "div-finance", "instructions": "Mohon cek mutasi rekening 5 Mei."},
    )
    assert sent.status_code == 201, sent.content
    form = sent.json()
    assert form["ticket"] == reference
    assert form["team"]["code"] == "div-finance"
    assert form["status"] == "sent"
    assert form["instructions"] == "Mohon cek mutasi rekening 5 Mei."
    assert agent.get(f"/tickets/{reference}").json()["status"] == "forwarded"
    assert [f["id"] for f in api("finance").get("/forwardings").json()] == [form["id"]]


def test_a_letter_received_days_ago_is_entered_with_its_arrival_time(api, org):
    """1.1.1: complaints also arrive by letter; their clock starts when the letter came."""
    ChannelFactory(code="letter", kind=ChannelKind.LETTER)
    arrived = (timezone.now() - datetime.timedelta(days=3)).replace(microsecond=0)
    created = api("agent").post(
        "/tickets",
        {
            "subject": "Surat keluhan jaringan",
            "description": "Surat dari kepala sekolah tentang jaringan lambat.",
            "customer_id": org.bob.pk,
            "channel": "letter",
            "received_at": arrived.isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["channel"]["code"] == "letter"
    assert datetime.datetime.fromisoformat(body["received_at"]) == arrived
    due = datetime.datetime.fromisoformat(body["due_at"])
    assert due == arrived + datetime.timedelta(hours=org.normal.resolution_hours)
