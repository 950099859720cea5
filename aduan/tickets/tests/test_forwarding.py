"""Forwarding forms (seed 000 1.2.2-1.3.1): sent to one or more divisions, answered with
findings and a solution or steps, and withdrawn when the ticket is finished without them."""

from __future__ import annotations

import pytest

from aduan.audit.models import AuditEntry
from aduan.tests.factories import error_fields, make_ticket, ticket_in_status
from aduan.tickets.models import Forwarding, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

ANSWER = {"findings": "Kabel fiber putus.", "solution": "Kabel disambung ulang."}


def forward(client, reference: str, team: str, instructions: str = "Mohon dicek.") -> dict:
    response = client.post(
        f"/tickets/{reference}/forward", {"team": team, "instructions": instructions}
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_ticket_sent_to_two_divisions_returns_only_when_both_have_answered(api, org):
    ticket = make_ticket(org)
    agent = api("agent")
    network_form = forward(agent, ticket.reference, "div-network")
    finance_form = forward(agent, ticket.reference, "div-finance")
    assert Ticket.objects.get(pk=ticket.pk).status == "forwarded"

    first = api("division").post(f"/forwardings/{network_form['id']}/response", ANSWER)
    assert first.status_code == 200, first.content
    assert Ticket.objects.get(pk=ticket.pk).status == "forwarded"

    second = api("finance").post(
        f"/forwardings/{finance_form['id']}/response",
        {"findings": "Tidak ada tagihan ganda.", "user_steps": "Cek ulang mutasi rekening."},
    )
    assert second.status_code == 200, second.content
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"
    forms = agent.get(f"/tickets/{ticket.reference}/forwardings").json()
    assert [(f["team"]["code"], f["status"]) for f in forms] == [
        ("div-network", "responded"),
        ("div-finance", "responded"),
    ]


def test_a_division_still_waiting_cannot_be_sent_the_same_ticket_again(api, org):
    ticket = ticket_in_status(org, "forwarded")
    response = api("agent").post(
        f"/tickets/{ticket.reference}/forward", {"team": "div-network", "instructions": "Lagi."}
    )
    assert response.status_code == 409
    assert error_fields(response) == ["team"]
    assert Forwarding.objects.filter(ticket=ticket).count() == 1


def test_after_the_division_answered_it_can_be_asked_again(api, org):
    ticket = ticket_in_status(org, "forwarded")
    form = Forwarding.objects.get(ticket=ticket)
    api("division").post(f"/forwardings/{form.pk}/response", ANSWER)
    again = forward(api("agent"), ticket.reference, "div-network", "Masih putus, cek lagi.")
    assert again["status"] == "sent"
    assert Ticket.objects.get(pk=ticket.pk).status == "forwarded"


@pytest.mark.parametrize("team", ["helpdesk", "support", "management"])
def test_only_divisions_receive_forwarding_forms(api, org, team):
    ticket = make_ticket(org)
    response = api("agent").post(
        f"/tickets/{ticket.reference}/transition",
        {"to": "forwarded", "team": team, "note": "Cek."},
    )
    assert response.status_code == 400
    assert error_fields(response) == ["team"]
    assert not Forwarding.objects.filter(ticket=ticket).exists()
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_forwarding_names_the_division(api, org):
    ticket = make_ticket(org)
    response = api("agent").post(
        f"/tickets/{ticket.reference}/transition", {"to": "forwarded", "note": "Cek."}
    )
    assert response.status_code == 400
    assert error_fields(response) == ["team"]


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"findings": "Sudah dicek."}, "solution"),
        ({"findings": "  ", "solution": "x"}, "findings"),
        ({"findings": "Cek\u0000", "solution": "x"}, "findings"),
        ({"findings": "Sudah dicek.", "user_steps": "a" * 20_001}, "user_steps"),
        ({"solution": "x"}, "findings"),
    ],
)
def test_an_answer_without_findings_and_a_solution_or_steps_is_refused(api, org, answer, field):
    ticket = ticket_in_status(org, "forwarded")
    form = Forwarding.objects.get(ticket=ticket)
    events_before = TicketEvent.objects.filter(ticket=ticket).count()
    response = api("division").post(f"/forwardings/{form.pk}/response", answer)
    assert response.status_code == 400, response.content
    assert field in error_fields(response)
    form.refresh_from_db()
    assert (form.status, form.findings) == ("sent", "")
    assert TicketEvent.objects.filter(ticket=ticket).count() == events_before
    assert Ticket.objects.get(pk=ticket.pk).status == "forwarded"


def test_a_form_is_answered_once(api, org):
    ticket = ticket_in_status(org, "forwarded")
    form = Forwarding.objects.get(ticket=ticket)
    division = api("division")
    assert division.post(f"/forwardings/{form.pk}/response", ANSWER).status_code == 200
    again = division.post(
        f"/forwardings/{form.pk}/response", {"findings": "Ganti.", "solution": "Ganti."}
    )
    assert again.status_code == 409
    assert again.json()["current"] == "responded"
    assert Forwarding.objects.get(pk=form.pk).findings == ANSWER["findings"]


def test_resolving_without_the_division_withdraws_its_form(api, org):
    ticket = ticket_in_status(org, "forwarded")
    form = Forwarding.objects.get(ticket=ticket)
    resolved = api("agent").post(
        f"/tickets/{ticket.reference}/transition",
        {"to": "resolved", "note": "Ternyata listrik padam.", "channel": "phone"},
    )
    assert resolved.status_code == 200, resolved.content
    assert Forwarding.objects.get(pk=form.pk).status == "withdrawn"
    division = api("division")
    late = division.post(f"/forwardings/{form.pk}/response", ANSWER)
    assert late.status_code == 409
    assert [f["id"] for f in division.get("/forwardings", {"status": "sent"}).json()] == []
    assert [f["id"] for f in division.get("/forwardings", {"status": "withdrawn"}).json()] == [
        form.pk
    ]


def test_a_division_may_hand_the_ticket_back_to_the_front_line(api, org):
    ticket = ticket_in_status(org, "forwarded")
    response = api("division").post(
        f"/tickets/{ticket.reference}/transition", {"to": "in_progress", "note": "Bukan kami."}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    refused = api("division").post(
        f"/tickets/{ticket.reference}/transition",
        {"to": "resolved", "note": "x", "channel": "phone"},
    )
    assert refused.status_code == 403


def test_sending_and_answering_a_form_are_audited_with_who_and_what(api, org):
    ticket = make_ticket(org)
    form = forward(api("agent"), ticket.reference, "div-network", "Cek router.")
    api("division").post(f"/forwardings/{form['id']}/response", ANSWER)
    entries = AuditEntry.objects.filter(
        object_type="tickets.forwarding", object_id=str(form["id"])
    ).order_by("id")
    assert [(e.action, e.actor_label) for e in entries] == [
        ("forwarding.created", "agent"),
        ("forwarding.responded", "division"),
    ]
    assert entries[0].changes["instructions"] == [None, "Cek router."]
    assert entries[1].changes["findings"] == [None, ANSWER["findings"]]


def test_the_division_inbox_lists_newest_first_and_filters_by_status(api, org):
    first = ticket_in_status(org, "forwarded")
    second = ticket_in_status(org, "forwarded")
    division = api("division")
    assert [f["ticket"] for f in division.get("/forwardings").json()] == [
        second.reference,
        first.reference,
    ]
    form = Forwarding.objects.get(ticket=first)
    division.post(f"/forwardings/{form.pk}/response", ANSWER)
    assert [f["ticket"] for f in division.get("/forwardings", {"status": "sent"}).json()] == [
        second.reference
    ]
    answered = division.get("/forwardings", {"status": "responded"}).json()
    assert [f["ticket"] for f in answered] == [first.reference]
