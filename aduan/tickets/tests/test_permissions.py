"""Who may read and do what: customers, division staff, agents, supervisors, management and
verificators, all through the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.tests.factories import make_ticket, ticket_in_status
from aduan.tickets import services
from aduan.tickets.attachments import add_attachment
from aduan.tickets.models import Forwarding, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def references(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["items"]}


# --- customers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("get", "/timeline", None),
        ("get", "/attachments", None),
        ("get", "/forwardings", None),
        ("post", "/transition", {"to": "cancelled"}),
        ("post", "/messages", {"body": "Halo?"}),
    ],
)
def test_a_customer_asking_for_another_customers_ticket_is_told_it_does_not_exist(
    api, org, method, suffix, payload
):
    bobs = make_ticket(org, customer=org.bob)
    events_before = TicketEvent.objects.count()
    client = api("alice")
    path = f"/tickets/{bobs.reference}{suffix}"
    response = client.get(path) if method == "get" else client.post(path, payload)
    assert response.status_code == 404, response.content
    missing = client.get(f"/tickets/ADU-1999-999999{suffix}") if method == "get" else None
    if missing is not None:
        assert missing.status_code == 404
        assert missing.json()["code"] == response.json()["code"]
    assert Ticket.objects.get(pk=bobs.pk).status == "open"
    assert TicketEvent.objects.count() == events_before


def test_a_customer_cannot_attach_files_to_another_customers_ticket(api, org):
    bobs = make_ticket(org, customer=org.bob)
    response = api("alice").post(
        f"/tickets/{bobs.reference}/attachments",
        files={"file": SimpleUploadedFile("bukti.pdf", b"%PDF-1.4 bukti")},
    )
    assert response.status_code == 404
    assert bobs.attachments.count() == 0


def test_a_customers_list_shows_only_their_own_tickets(api, org):
    alices = {make_ticket(org).reference, ticket_in_status(org, "new").reference}
    bobs = make_ticket(org, customer=org.bob).reference
    assert references(api("alice").get("/tickets")) == alices
    assert references(api("bob").get("/tickets")) == {bobs}
    assert references(api("alice").get("/tickets", {"customer": org.bob.pk})) == set()


def test_a_customer_never_sees_internal_notes_forwardings_or_division_answers(api, org):
    ticket = make_ticket(org)
    agent, division = org.user("agent"), org.user("division")
    services.add_message(
        actor=agent,
        reference=ticket.reference,
        body="Catatan internal: pelanggan VIP.",
        internal=True,
    )
    services.add_message(actor=agent, reference=ticket.reference, body="Sedang kami cek, Bu.")
    forwarding = services.forward(
        actor=agent,
        reference=ticket.reference,
        team="div-network",
        instructions="Rahasia: cek log firewall kantor.",
    )
    services.respond_to_forwarding(
        actor=division,
        forwarding_id=forwarding.pk,
        data=services.DivisionResponse(
            findings="Firewall memblokir IP sekolah.", solution="Aturan firewall diperbaiki."
        ),
    )
    services.escalate(actor=agent, reference=ticket.reference, note="Eskalasi internal.")
    add_attachment(
        actor=agent,
        reference=ticket.reference,
        name="log-internal.txt",
        internal=True,
        file=SimpleUploadedFile("log-internal.txt", b"log firewall"),
    )

    seen = api("alice").get(f"/tickets/{ticket.reference}/timeline")
    assert seen.status_code == 200
    kinds = {event["kind"] for event in seen.json()}
    assert kinds >= {"created", "reply", "status_change"}
    assert kinds.isdisjoint({"note", "forwarded", "division_response", "escalation", "assignment"})
    assert all(event["internal"] is False for event in seen.json())
    text = repr(seen.json())
    for secret in ("pelanggan VIP", "Rahasia", "firewall", "Firewall", "log-internal", "Eskalasi"):
        assert secret not in text
    assert api("alice").get(f"/tickets/{ticket.reference}/forwardings").json() == []
    assert api("alice").get(f"/tickets/{ticket.reference}/attachments").json() == []

    staff_kinds = {
        e["kind"] for e in api("agent").get(f"/tickets/{ticket.reference}/timeline").json()
    }
    assert {"note", "forwarded", "division_response", "escalation", "attachment"} <= staff_kinds


def test_a_customer_cannot_write_an_internal_note(api, org):
    ticket = make_ticket(org)
    response = api("alice").post(
        f"/tickets/{ticket.reference}/messages", {"body": "Halo", "internal": True}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "internal"
    assert not ticket.events.filter(kind__in=["note", "customer_message"]).exists()


def test_a_customer_may_withdraw_their_own_new_complaint_but_not_resolve_it(api, org):
    ticket = ticket_in_status(org, "new")
    alice = api("alice")
    refused = alice.post(
        f"/tickets/{ticket.reference}/transition",
        {"to": "resolved", "note": "beres", "channel": "portal"},
    )
    assert refused.status_code == 403
    withdrawn = alice.post(f"/tickets/{ticket.reference}/transition", {"to": "cancelled"})
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["status"] == "cancelled"


# --- division staff --------------------------------------------------------------------------


def test_division_staff_see_only_tickets_forwarded_to_their_division(api, org):
    mine = ticket_in_status(org, "forwarded")  # forwarded to div-network
    not_forwarded = make_ticket(org)
    to_finance = make_ticket(org)
    services.forward(
        actor=org.user("agent"),
        reference=to_finance.reference,
        team="div-finance",
        instructions="Cek tagihan.",
    )
    division = api("division")
    assert references(division.get("/tickets")) == {mine.reference}
    assert division.get(f"/tickets/{mine.reference}").status_code == 200
    for other in (not_forwarded, to_finance):
        assert division.get(f"/tickets/{other.reference}").status_code == 404
        assert division.get(f"/tickets/{other.reference}/timeline").status_code == 404
    forms = division.get("/forwardings").json()
    assert {form["ticket"] for form in forms} == {mine.reference}
    assert {form["team"]["code"] for form in forms} == {"div-network"}
    finance_form = Forwarding.objects.get(ticket=to_finance)
    assert division.get(f"/forwardings/{finance_form.pk}").status_code == 404
    assert references(api("finance").get("/tickets")) == {to_finance.reference}


def test_division_staff_cannot_answer_another_divisions_form(api, org):
    ticket = ticket_in_status(org, "forwarded")
    form = Forwarding.objects.get(ticket=ticket)
    response = api("finance").post(
        f"/forwardings/{form.pk}/response", {"findings": "Bukan urusan kami.", "solution": "-"}
    )
    assert response.status_code == 404
    form.refresh_from_db()
    assert form.status == "sent"
    assert form.findings == ""
    assert Ticket.objects.get(pk=ticket.pk).status == "forwarded"


def test_front_line_staff_cannot_answer_a_form_in_the_divisions_place(api, org):
    ticket = ticket_in_status(org, "forwarded")
    form = Forwarding.objects.get(ticket=ticket)
    response = api("agent").post(
        f"/forwardings/{form.pk}/response", {"findings": "Saya jawab sendiri.", "solution": "x"}
    )
    assert response.status_code == 403
    assert Forwarding.objects.get(pk=form.pk).status == "sent"


def test_division_staff_write_internal_notes_but_never_reply_to_the_customer(api, org):
    ticket = ticket_in_status(org, "forwarded")
    division = api("division")
    reply = division.post(f"/tickets/{ticket.reference}/messages", {"body": "Halo Bu Alice"})
    assert reply.status_code == 403
    assert reply.json()["errors"][0]["field"] == "internal"
    assert not ticket.events.filter(kind="reply").exists()
    note = division.post(
        f"/tickets/{ticket.reference}/messages",
        {"body": "Sedang dicek teknisi.", "internal": True},
    )
    assert note.status_code == 201, note.content
    assert note.json()["kind"] == "note"
    assert note.json()["internal"] is True


def test_division_staff_cannot_classify_escalate_or_forward(api, org):
    ticket = ticket_in_status(org, "forwarded")
    division = api("division")
    assert division.patch(f"/tickets/{ticket.reference}", {"priority": "urgent"}).status_code == 403
    assert division.post(f"/tickets/{ticket.reference}/escalate", {"note": "x"}).status_code == 403
    forward = division.post(
        f"/tickets/{ticket.reference}/forward", {"team": "div-finance", "instructions": "x"}
    )
    assert forward.status_code == 403
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.priority_id, stored.tier, stored.version) == (
        ticket.priority_id,
        ticket.tier,
        ticket.version,
    )


# --- tier 3, supervisors, verificators ---------------------------------------------------------


def tier_3_ticket(org) -> Ticket:
    ticket = make_ticket(org)
    for _ in range(2):
        services.escalate(actor=org.user("agent"), reference=ticket.reference, note="Naik.")
    ticket.refresh_from_db()
    assert ticket.tier == 3
    return ticket


@pytest.mark.parametrize(
    "payload",
    [
        {"to": "resolved", "note": "Sudah.", "channel": "phone"},
        {"to": "cancelled"},
    ],
)
def test_at_tier_3_an_agent_may_not_resolve_or_cancel_but_the_director_may(api, org, payload):
    ticket = tier_3_ticket(org)
    for role in ("agent", "leader"):
        refused = api(role).post(f"/tickets/{ticket.reference}/transition", payload)
        assert refused.status_code == 403, refused.content
        assert Ticket.objects.get(pk=ticket.pk).status == "open"
    allowed = api("director").post(f"/tickets/{ticket.reference}/transition", payload)
    assert allowed.status_code == 200, allowed.content
    assert allowed.json()["status"] == payload["to"]


def test_the_allowed_moves_shown_to_an_agent_at_tier_3_leave_out_resolve_and_cancel(api, org):
    ticket = tier_3_ticket(org)
    shown = api("agent").get(f"/tickets/{ticket.reference}").json()["allowed_transitions"]
    assert "resolved" not in shown
    assert "cancelled" not in shown
    director = api("director").get(f"/tickets/{ticket.reference}").json()["allowed_transitions"]
    assert {"resolved", "cancelled"} <= set(director)


@pytest.mark.parametrize("role", ["leader", "coordinator", "director", "admin"])
def test_a_supervisor_reopens_a_closed_ticket(api, org, role):
    ticket = ticket_in_status(org, "closed")
    response = api(role).post(
        f"/tickets/{ticket.reference}/transition",
        {"to": "open", "note": "Pelanggan menelepon, masalah muncul lagi."},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    assert response.json()["reopen_count"] == 1
    assert response.json()["closed_at"] is None


@pytest.mark.parametrize("role", ["agent", "alice", "verificator"])
def test_nobody_below_supervisor_reopens_a_closed_ticket(api, org, role):
    ticket = ticket_in_status(org, "closed")
    response = api(role).post(
        f"/tickets/{ticket.reference}/transition", {"to": "open", "note": "Buka lagi."}
    )
    assert response.status_code == 403, response.content
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.reopen_count) == ("closed", 0)


def test_a_verificator_reads_everything_but_changes_nothing(api, org):
    ticket = make_ticket(org)
    verificator = api("verificator")
    assert ticket.reference in references(verificator.get("/tickets"))
    detail = verificator.get(f"/tickets/{ticket.reference}")
    assert detail.status_code == 200
    assert detail.json()["allowed_transitions"] == []
    assert verificator.get(f"/tickets/{ticket.reference}/timeline").status_code == 200
    for payload in (
        {"to": "in_progress"},
        {"to": "pending", "note": "x"},
        {"to": "resolved", "note": "x", "channel": "phone"},
        {"to": "cancelled"},
    ):
        response = verificator.post(f"/tickets/{ticket.reference}/transition", payload)
        assert response.status_code == 403, (payload, response.content)
    assert (
        verificator.patch(f"/tickets/{ticket.reference}", {"priority": "urgent"}).status_code == 403
    )
    assert (
        verificator.post(f"/tickets/{ticket.reference}/escalate", {"note": "x"}).status_code == 403
    )
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.version) == ("open", ticket.version)


def test_staff_without_a_customer_record_cannot_file_on_the_portal_and_customers_need_one(api, org):
    org.alice.user = None
    org.alice.save()
    response = api("alice").post("/tickets", {"subject": "x", "description": "y"})
    assert response.status_code == 403
    response = api("division").post(
        "/tickets", {"subject": "x", "description": "y", "customer_id": org.bob.pk}
    )
    assert response.status_code == 403
