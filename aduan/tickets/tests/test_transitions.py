"""The status machine through the API: moves it has succeed, moves it lacks answer 409 with
the current status and the moves that are allowed, and a stale version never overwrites."""

from __future__ import annotations

import itertools

import pytest

from aduan.audit.models import AuditEntry
from aduan.tests.factories import error_fields, make_ticket, ticket_in_status
from aduan.tickets import workflow
from aduan.tickets.models import Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

STATUSES = list(Status.values)
MISSING_MOVES = [
    (source, target)
    for source, target in itertools.product(STATUSES, STATUSES)
    if (source, target) not in workflow.MOVES
]


def payload_for(target: str) -> dict:
    payload: dict = {"to": target, "note": "Alasan perubahan status."}
    if target == "forwarded":
        payload["team"] = "div-network"
    if target == "resolved":
        payload["channel"] = "email"
    return payload


def counts(ticket: Ticket) -> tuple[int, int]:
    return (
        TicketEvent.objects.filter(ticket=ticket).count(),
        AuditEntry.objects.filter(object_type="tickets.ticket", object_id=str(ticket.pk)).count(),
    )


@pytest.mark.parametrize(("source", "target"), MISSING_MOVES)
def test_a_move_the_workflow_does_not_have_answers_409_with_current_and_allowed(
    api, org, source, target
):
    ticket = ticket_in_status(org, source)
    before = counts(ticket)
    admin = api("admin")
    response = admin.post(f"/tickets/{ticket.reference}/transition", payload_for(target))
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["current"] == source
    assert target not in body["allowed"]
    assert (
        body["allowed"] == admin.get(f"/tickets/{ticket.reference}").json()["allowed_transitions"]
    )
    assert error_fields(response) == ["to"]
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.version) == (source, ticket.version)
    assert counts(ticket) == before


@pytest.mark.parametrize(("source", "target"), sorted(workflow.MOVES))
def test_every_move_the_workflow_has_is_possible_for_the_administrator(api, org, source, target):
    ticket = ticket_in_status(org, source)
    response = api("admin").post(f"/tickets/{ticket.reference}/transition", payload_for(target))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == target
    assert response.json()["version"] > ticket.version
    change = TicketEvent.objects.filter(ticket=ticket, kind="status_change").latest("id")
    assert change.data == {"source": source, "target": target}
    entry = AuditEntry.objects.filter(action="ticket.status", object_id=str(ticket.pk)).first()
    assert entry is not None
    assert entry.changes["status"] == [source, target]


def test_a_closed_ticket_cannot_be_put_on_hold_and_says_what_is_possible(api, org):
    ticket = ticket_in_status(org, "closed")
    for role, allowed in (("agent", []), ("leader", ["open"])):
        response = api(role).post(
            f"/tickets/{ticket.reference}/transition", {"to": "pending", "note": "Tunggu."}
        )
        assert response.status_code == 409
        assert response.json()["current"] == "closed"
        assert response.json()["allowed"] == allowed


def test_a_cancelled_ticket_stays_cancelled_for_everyone(api, org):
    ticket = ticket_in_status(org, "cancelled")
    for role in ("agent", "leader", "director", "admin", "alice"):
        response = api(role).post(
            f"/tickets/{ticket.reference}/transition", {"to": "open", "note": "Buka lagi."}
        )
        assert response.status_code == 409, (role, response.content)
        assert response.json()["current"] == "cancelled"
        assert response.json()["allowed"] == []
    assert Ticket.objects.get(pk=ticket.pk).status == "cancelled"


def test_a_resolved_ticket_offers_the_customer_confirm_or_reopen(api, org):
    ticket = ticket_in_status(org, "resolved")
    response = api("alice").post(
        f"/tickets/{ticket.reference}/transition", {"to": "pending", "note": "?"}
    )
    assert response.status_code == 409
    assert sorted(response.json()["allowed"]) == ["closed", "open"]


def test_reopening_a_resolved_ticket_counts_it_and_starts_a_new_resolution_clock(api, org):
    ticket = ticket_in_status(org, "resolved")
    response = api("agent").post(
        f"/tickets/{ticket.reference}/transition",
        {"to": "open", "note": "Pelanggan: masih gagal."},
    )
    assert response.status_code == 200, response.content
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.reopen_count == 1
    assert stored.resolved_at is None
    assert stored.due_at > ticket.due_at


def test_reopening_needs_the_customers_words(api, org):
    ticket = ticket_in_status(org, "resolved")
    response = api("alice").post(f"/tickets/{ticket.reference}/transition", {"to": "open"})
    assert response.status_code == 400
    assert error_fields(response) == ["note"]
    assert Ticket.objects.get(pk=ticket.pk).reopen_count == 0


def test_a_transition_made_on_a_stale_version_is_refused_and_changes_nothing(api, org):
    ticket = make_ticket(org)
    seen_version = api("agent").get(f"/tickets/{ticket.reference}").json()["version"]
    # A colleague reprioritises it in the meantime.
    changed = api("agent2").patch(f"/tickets/{ticket.reference}", {"priority": "urgent"})
    assert changed.status_code == 200
    before = counts(ticket)
    response = api("agent").post(
        f"/tickets/{ticket.reference}/transition",
        {"to": "resolved", "note": "Beres.", "channel": "phone", "version": seen_version},
    )
    assert response.status_code == 409, response.content
    assert error_fields(response) == ["version"]
    assert response.json()["current_version"] == changed.json()["version"]
    assert Ticket.objects.get(pk=ticket.pk).status == "open"
    assert counts(ticket) == before

    retried = api("agent").post(
        f"/tickets/{ticket.reference}/transition",
        {
            "to": "resolved",
            "note": "Beres.",
            "channel": "phone",
            "version": changed.json()["version"],
        },
    )
    assert retried.status_code == 200, retried.content


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("patch", "", {"priority": "urgent"}),
        ("post", "/escalate", {"note": "Naik."}),
        ("post", "/forward", {"team": "div-network", "instructions": "Cek."}),
    ],
)
def test_other_changes_on_a_stale_version_are_refused_too(api, org, method, suffix, payload):
    ticket = make_ticket(org)
    api("agent2").post(f"/tickets/{ticket.reference}/transition", {"to": "in_progress"})
    before = counts(ticket)
    client = api("agent")
    path = f"/tickets/{ticket.reference}{suffix}"
    data = {**payload, "version": ticket.version}
    response = client.patch(path, data) if method == "patch" else client.post(path, data)
    assert response.status_code == 409, response.content
    assert error_fields(response) == ["version"]
    assert counts(ticket) == before


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_a_finished_ticket_can_no_longer_be_reclassified_or_written_to(api, org, status):
    ticket = ticket_in_status(org, status)
    agent = api("agent")
    assert agent.patch(f"/tickets/{ticket.reference}", {"priority": "urgent"}).status_code == 409
    message = agent.post(f"/tickets/{ticket.reference}/messages", {"body": "Halo"})
    assert message.status_code == 409
    assert message.json()["current"] == status
    escalate = agent.post(f"/tickets/{ticket.reference}/escalate", {"note": "Naik."})
    assert escalate.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


def test_an_agents_reply_to_a_new_portal_complaint_opens_it_and_counts_as_first_response(api, org):
    ticket = ticket_in_status(org, "new")
    response = api("agent").post(
        f"/tickets/{ticket.reference}/messages",
        {"body": "Terima kasih, kami cek.", "channel": "email"},
    )
    assert response.status_code == 201, response.content
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.status == "open"
    assert stored.first_response_at is not None
