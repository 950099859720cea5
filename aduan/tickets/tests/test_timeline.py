"""The ticket's timeline: everything that happened, oldest first, with its author; the
customer's view holds only what was said to or by them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.tests.factories import file_on_portal, make_ticket
from aduan.tickets import services
from aduan.tickets.attachments import add_attachment
from aduan.tickets.models import Forwarding

pytestmark = pytest.mark.django_db


def timeline(client, reference: str) -> list[dict]:
    response = client.get(f"/tickets/{reference}/timeline")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_timeline_tells_the_whole_story_in_order_with_authors(api, org):
    ticket = file_on_portal(org)
    agent, alice, division = api("agent"), api("alice"), api("division")
    agent.patch(f"/tickets/{ticket.reference}", {"category": "network"})
    agent.post(f"/tickets/{ticket.reference}/messages", {"body": "Kami cek.", "channel": "email"})
    alice.post(f"/tickets/{ticket.reference}/messages", {"body": "Terima kasih."})
    agent.post(
        f"/tickets/{ticket.reference}/forward", {"team": "div-network", "instructions": "Cek."}
    )
    form = Forwarding.objects.get(ticket=ticket)
    division.post(f"/forwardings/{form.pk}/response", {"findings": "Ok.", "solution": "Reset."})
    agent.post(
        f"/tickets/{ticket.reference}/transition",
        {"to": "resolved", "channel": "phone", "note": "Sudah direset."},
    )

    events = timeline(agent, ticket.reference)
    story = [(event["kind"], event["author"]["username"]) for event in events]
    assert story == [
        ("created", "alice"),
        ("assignment", "agent"),
        ("reply", "agent"),
        ("status_change", "agent"),  # the agent's reply opens a 'new' ticket
        ("customer_message", "alice"),
        ("forwarded", "agent"),
        ("status_change", "agent"),
        ("division_response", "division"),
        ("status_change", "division"),
        ("status_change", "agent"),
        ("solution_report", "agent"),
    ]
    assert [event["id"] for event in events] == sorted(event["id"] for event in events)
    changes = [
        (e["data"]["source"], e["data"]["target"]) for e in events if e["kind"] == "status_change"
    ]
    assert changes == [
        ("new", "open"),
        ("open", "forwarded"),
        ("forwarded", "in_progress"),
        ("in_progress", "resolved"),
    ]
    [assignment] = [e for e in events if e["kind"] == "assignment"]
    assert assignment["internal"] is True
    assert assignment["data"]["changes"]["category"] == [None, org.network_category.pk]

    customer_view = [
        (e["kind"], e["author"]["username"]) for e in timeline(alice, ticket.reference)
    ]
    assert customer_view == [
        ("created", "alice"),
        ("reply", "agent"),
        ("status_change", "agent"),
        ("customer_message", "alice"),
        ("status_change", "agent"),
        ("status_change", "division"),
        ("status_change", "agent"),
        ("solution_report", "agent"),
    ]


def test_a_pending_reason_is_in_the_staff_timeline(api, org):
    ticket = make_ticket(org)
    api("agent").post(
        f"/tickets/{ticket.reference}/transition", {"to": "pending", "note": "Tunggu vendor."}
    )
    [change] = [
        e for e in timeline(api("leader"), ticket.reference) if e["kind"] == "status_change"
    ]
    assert change["body"] == "Tunggu vendor."


def test_attachments_appear_on_the_timeline_with_a_download_link(api, org):
    ticket = make_ticket(org)
    response = api("alice").post(
        f"/tickets/{ticket.reference}/attachments",
        {"note": "Foto modem"},
        files={"file": SimpleUploadedFile("modem.jpg", b"\xff\xd8\xff modem")},
    )
    assert response.status_code == 201, response.content
    [event] = [e for e in timeline(api("alice"), ticket.reference) if e["kind"] == "attachment"]
    assert event["body"] == "Foto modem"
    [attachment] = event["attachments"]
    assert attachment["filename"] == "modem.jpg"
    download = api("agent").client.get(attachment["download_url"], headers=api("agent")._headers())
    assert download.status_code == 200


def test_reading_a_long_timeline_costs_a_fixed_number_of_queries(
    api, org, django_assert_max_num_queries
):
    ticket = make_ticket(org)
    agent = api("agent")
    agent.get("/me")

    def add_activity(rounds: int) -> None:
        for n in range(rounds):
            services.add_message(
                actor=org.user("agent" if n % 2 else "agent2"),
                reference=ticket.reference,
                body=f"Balasan {n}",
            )
            add_attachment(
                actor=org.user("agent"),
                reference=ticket.reference,
                name=f"bukti-{n}.txt",
                file=SimpleUploadedFile(f"bukti-{n}.txt", f"isi {n}".encode()),
            )

    add_activity(1)
    with django_assert_max_num_queries(5) as few:
        short = timeline(agent, ticket.reference)
    add_activity(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        long = timeline(agent, ticket.reference)
    assert len(long) > len(short) + 20
    assert sum(len(e["attachments"]) for e in long) == 16
