"""Callbacks ("caring", seed 004 5.2.8 and 5.3.9-10) and the director's special action
(seed 002 steps 16-17): resolved tickets of the chosen kinds go on the tier-2 callback list,
the agent records the customer's answer, "not solved" reopens the ticket through the
transition service, and the results are reported."""

from __future__ import annotations

import pytest

from aduan.care.models import Callback, CareSettings, SpecialAction
from aduan.notifications.models import Notification
from aduan.tests.factories import make_ticket
from aduan.tickets import services
from aduan.tickets.models import EventKind, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def resolve(org, ticket: Ticket) -> None:
    services.transition(
        actor=org.user("agent"),
        reference=ticket.reference,
        data=services.TransitionInput(to="resolved", note="Kabel diganti.", channel="phone"),
    )


def listed_emergency(api, org) -> tuple[Ticket, int]:
    """A super emergency, resolved: it goes on the callback list."""
    ticket = make_ticket(org)
    api("leader").post(f"/tickets/{ticket.reference}/super-emergency", {"reason": "Darurat."})
    resolve(org, ticket)
    callback = Callback.objects.get(ticket=ticket)
    return ticket, callback.pk


def outcome(client, callback_id: int, **data):
    return client.post(f"/callbacks/{callback_id}/outcome", data)


def test_resolved_tickets_of_the_chosen_kinds_go_on_the_list(api, org):
    ordinary = make_ticket(org)
    resolve(org, ordinary)
    assert not Callback.objects.filter(ticket=ordinary).exists()

    ticket, callback_id = listed_emergency(api, org)
    callback = Callback.objects.get(pk=callback_id)
    assert callback.reasons == ["super_emergency"] and callback.status == "pending"
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CALLBACK).exists()

    settings_row = CareSettings.objects.get(pk=1)
    settings_row.callback_categories.add(org.billing_category)
    billing = make_ticket(org, category="billing")
    resolve(org, billing)
    assert Callback.objects.get(ticket=billing).reasons == ["category"]

    listing = api("support").get("/callbacks").json()
    assert [row["ticket"]["reference"] for row in listing] == [ticket.reference, billing.reference]
    assert listing[0]["customer_phone"] == "+6281234567890"


def test_reached_and_solved_closes_the_ticket(api, org):
    ticket, callback_id = listed_emergency(api, org)
    response = outcome(
        api("support"),
        callback_id,
        reached=True,
        solved=True,
        satisfaction=5,
        remarks="Pelanggan puas.",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["closed"] is True and body["reopened"] is False
    assert body["callback"]["status"] == "done" and body["callback"]["satisfaction"] == 5
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"


def test_not_solved_reopens_the_ticket_through_the_transition_service(api, org):
    ticket, callback_id = listed_emergency(api, org)
    response = outcome(
        api("support"),
        callback_id,
        reached=True,
        solved=False,
        satisfaction=2,
        remarks="Internet masih putus-putus.",
    )
    body = response.json()
    assert body["reopened"] is True
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.reopen_count) == ("open", 1)
    change = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGE).last()
    assert change is not None
    assert change.data == {"source": "resolved", "target": "open"}
    assert change.body == "Internet masih putus-putus."
    # First time unsatisfied: no special action yet.
    assert body["special_action_id"] is None
    # Solved again later: a new round on the list.
    resolve(org, stored)
    assert Callback.objects.filter(ticket=ticket).count() == 2


def test_a_customer_who_stays_unsatisfied_is_brought_to_the_director(api, org):
    ticket, callback_id = listed_emergency(api, org)
    outcome(api("support"), callback_id, reached=True, solved=False, remarks="Masih rusak.")
    resolve(org, Ticket.objects.get(pk=ticket.pk))
    second = Callback.objects.filter(ticket=ticket).latest("id")
    body = outcome(
        api("support"),
        second.pk,
        reached=True,
        solved=True,
        satisfaction=1,
        remarks="Kecewa dengan lamanya perbaikan.",
    ).json()
    action = SpecialAction.objects.get(pk=body["special_action_id"])
    assert action.automatic and action.status == "requested"
    assert "Kecewa" in action.reason
    assert Notification.objects.filter(recipient__username="director", kind="care.special_action")
    decided = api("director").post(
        f"/special-actions/{action.pk}/decision",
        {"decision": "Kompensasi satu bulan gratis dan kunjungan kepala cabang."},
    )
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SPECIAL_ACTION).count() == 2


def test_not_reached_is_tried_again_then_given_up(api, org):
    _ticket, callback_id = listed_emergency(api, org)
    support = api("support")
    for attempt in (1, 2):
        body = outcome(support, callback_id, reached=False, remarks="Tidak diangkat.").json()
        assert body["callback"]["status"] == "pending"
        assert body["callback"]["attempts"] == attempt
    last = outcome(support, callback_id, reached=False).json()
    assert last["callback"]["status"] == "unreachable"
    assert outcome(support, callback_id, reached=False).status_code == 409


def test_outcome_fields_must_fit_together(api, org):
    _ticket, callback_id = listed_emergency(api, org)
    support = api("support")
    missing = outcome(support, callback_id, reached=True)
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "solved"
    not_reached = outcome(support, callback_id, reached=False, satisfaction=4)
    assert not_reached.status_code == 400
    out_of_range = outcome(support, callback_id, reached=True, solved=True, satisfaction=6)
    assert out_of_range.status_code == 400
    assert Callback.objects.get(pk=callback_id).attempts == 0


@pytest.mark.parametrize(
    ("username", "status"), [("agent", 403), ("division", 403), ("alice", 403), ("leader", 200)]
)
def test_tier_2_outbound_agents_and_team_leaders_record_callbacks(api, org, username, status):
    _ticket, callback_id = listed_emergency(api, org)
    response = outcome(api(username), callback_id, reached=False)
    assert response.status_code == status, response.content


def test_not_solved_on_a_closed_ticket_asks_the_team_leader_to_reopen(api, org):
    ticket, callback_id = listed_emergency(api, org)
    services.transition(
        actor=org.user("alice"),
        reference=ticket.reference,
        data=services.TransitionInput(to="closed"),
    )
    body = outcome(
        api("support"), callback_id, reached=True, solved=False, remarks="Ternyata masih rusak."
    ).json()
    assert body["reopened"] is False and body["notes"] == ["reopen_requested"]
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"
    assert Notification.objects.filter(
        recipient__username="leader", kind="care.reopen_requested"
    ).exists()


def test_the_callback_report(api, org):
    settings_row = CareSettings.objects.get(pk=1)
    settings_row.callback_categories.add(org.network_category)
    support = api("support")
    tickets = [make_ticket(org, subject=f"Tiket {n}", customer=org.bob) for n in range(4)]
    for ticket in tickets:
        resolve(org, ticket)
    ids = [Callback.objects.get(ticket=t).pk for t in tickets]
    outcome(support, ids[0], reached=True, solved=True, satisfaction=5)
    outcome(support, ids[1], reached=True, solved=True, satisfaction=3)
    outcome(support, ids[2], reached=True, solved=False, satisfaction=1)
    report = api("coordinator").get("/callbacks/report").json()
    assert report["listed"] == 4 and report["pending"] == 1
    assert (report["reached"], report["solved"], report["not_solved"]) == (3, 2, 1)
    assert report["average_satisfaction"] == 3.0
    assert report["satisfaction"] == {"1": 1, "2": 0, "3": 1, "4": 0, "5": 1}
    assert report["by_category"] == [
        {"category": "network", "listed": 4, "reached": 3, "solved": 2, "average_satisfaction": 3.0}
    ]
    assert api("alice").get("/callbacks/report").status_code == 403


def test_staff_request_special_action_and_only_the_director_decides(api, org):
    ticket = make_ticket(org)
    requested = api("agent").post(
        f"/tickets/{ticket.reference}/special-action",
        {"reason": "Pelanggan tetap tidak puas setelah perbaikan."},
    )
    assert requested.status_code == 201, requested.content
    action_id = requested.json()["id"]
    again = api("coordinator").post(
        f"/tickets/{ticket.reference}/special-action", {"reason": "Lagi."}
    )
    assert again.status_code == 409
    for username in ("agent", "leader", "coordinator"):
        denied = api(username).post(f"/special-actions/{action_id}/decision", {"decision": "x"})
        assert denied.status_code == 403
    assert [a["id"] for a in api("director").get("/special-actions").json()] == [action_id]
    assert api("division").post(
        f"/tickets/{ticket.reference}/special-action", {"reason": "x"}
    ).status_code in (403, 404)
