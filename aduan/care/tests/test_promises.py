"""Promise management (seed 004 5.3): a team leader guards at most 3 promise tickets at once
(configurable; the 4th is refused with a clear message), and an overdue promise escalates."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from aduan.care.models import CareSettings, Promise
from aduan.care.services import promises
from aduan.notifications.models import Notification
from aduan.sla.tests.factories import at
from aduan.tests.factories import UserFactory, make_ticket
from aduan.tickets.models import EventKind, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def promise(client, ticket: Ticket, due: datetime.datetime, **extra):
    return client.post(
        f"/tickets/{ticket.reference}/promises",
        {"description": "Teknisi datang besok pagi.", "due_at": due.isoformat(), **extra},
    )


def soon() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=4)


def test_a_team_leader_guards_at_most_three_promise_tickets(api, org):
    leader = api("leader")
    tickets = [make_ticket(org, subject=f"Janji {n}") for n in range(4)]
    for ticket in tickets[:3]:
        response = promise(leader, ticket, soon(), kind="super_emergency")
        assert response.status_code == 201, response.content
        assert response.json()["guardian"]["username"] == "leader"
    refused = promise(leader, tickets[3], soon())
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "promise_cap_reached"
    assert body["errors"][0]["field"] == "guardian_id"
    for ticket in tickets[:3]:
        assert ticket.reference in body["detail"]
    assert "3" in body["detail"]
    assert Promise.objects.count() == 3
    assert not TicketEvent.objects.filter(ticket=tickets[3], kind=EventKind.PROMISE).exists()


def test_keeping_a_promise_frees_a_place(api, org):
    leader = api("leader")
    tickets = [make_ticket(org, subject=f"Janji {n}") for n in range(4)]
    made = [promise(leader, ticket, soon()).json()["id"] for ticket in tickets[:3]]
    kept = leader.post(f"/promises/{made[0]}/keep", {"note": "Teknisi sudah datang."})
    assert kept.status_code == 200 and kept.json()["status"] == "kept"
    assert promise(leader, tickets[3], soon()).status_code == 201
    again = leader.post(f"/promises/{made[0]}/keep", {})
    assert again.status_code == 409


def test_the_cap_is_configurable_and_counts_per_leader(api, org):
    CareSettings.objects.update_or_create(pk=1, defaults={"promise_cap": 1})
    second = UserFactory(username="leader2", role="leader", teams=[org.helpdesk])
    agent = api("agent")
    first_ticket, second_ticket, third = (make_ticket(org) for _ in range(3))
    leader_id = org.user("leader").pk
    assert promise(agent, first_ticket, soon(), guardian_id=leader_id).status_code == 201
    assert promise(agent, second_ticket, soon(), guardian_id=leader_id).status_code == 409
    assert promise(agent, second_ticket, soon(), guardian_id=second.pk).status_code == 201
    # One open promise per ticket.
    assert promise(agent, first_ticket, soon(), guardian_id=second.pk).status_code == 409
    assert third


def test_an_agent_names_a_team_leader_as_guardian(api, org):
    ticket = make_ticket(org)
    agent = api("agent")
    missing = promise(agent, ticket, soon())
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "guardian_id"
    not_leader = promise(agent, ticket, soon(), guardian_id=org.user("agent2").pk)
    assert not_leader.status_code == 400
    in_the_past = promise(
        agent,
        ticket,
        timezone.now() - datetime.timedelta(minutes=1),
        guardian_id=org.user("leader").pk,
    )
    assert in_the_past.status_code == 400
    assert in_the_past.json()["errors"][0]["field"] == "due_at"


@pytest.mark.parametrize("username", ["division", "verificator", "alice"])
def test_only_front_line_staff_make_promises(api, org, username):
    ticket = make_ticket(org)
    response = promise(api(username), ticket, soon(), guardian_id=org.user("leader").pk)
    assert response.status_code in (403, 404)


def test_an_overdue_promise_escalates_once(org):
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "09:00"), tick=False) as t:
        ticket = make_ticket(org, assignee_id=agent.pk)
        made = promises.make_promise(
            actor=org.user("leader"),
            reference=ticket.reference,
            data=promises.PromiseInput(
                description="Teknisi datang jam 13.00.", due_at=at("2026-03-09", "13:00")
            ),
        )
        t.move_to(at("2026-03-09", "12:59"))
        assert promises.sweep_overdue().promises == 0
        t.move_to(at("2026-03-09", "13:00"))
        result = promises.sweep_overdue()
        assert (result.promises, result.escalated) == (1, 1)
        assert promises.sweep_overdue().promises == 0
    made.refresh_from_db()
    assert made.overdue_at == at("2026-03-09", "13:00") and made.status == "active"
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.tier == 2
    escalation = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATION)
    assert "promise" in escalation.body
    assert (
        Notification.objects.filter(
            recipient__username="leader", kind="care.promise_overdue"
        ).count()
        == 1
    )
    assert Notification.objects.filter(recipient__username="support", kind="care.promise_overdue")
    listed = promises.guarded_by(org.user("leader"))
    assert [p.pk for p in listed] == [made.pk]


def test_an_overdue_promise_at_tier_3_tells_management(org):
    from aduan.tickets import services

    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "09:00"), tick=False) as t:
        ticket = make_ticket(org)
        services.escalate(actor=agent, reference=ticket.reference, note="Naik.")
        services.escalate(actor=agent, reference=ticket.reference, note="Naik lagi.")
        promises.make_promise(
            actor=org.user("leader"),
            reference=ticket.reference,
            data=promises.PromiseInput(description="Janji.", due_at=at("2026-03-09", "10:00")),
        )
        t.move_to(at("2026-03-09", "11:00"))
        result = promises.sweep_overdue()
    assert (result.promises, result.escalated) == (1, 0)
    assert Notification.objects.filter(recipient__username="director", kind="care.promise_overdue")


def test_lists_of_promises(api, org):
    leader = api("leader")
    ticket = make_ticket(org)
    made = promise(leader, ticket, soon()).json()
    mine = leader.get("/promises", {"guardian": org.user("leader").pk}).json()
    assert [p["id"] for p in mine] == [made["id"]]
    assert [p["id"] for p in leader.get(f"/tickets/{ticket.reference}/promises").json()] == [
        made["id"]
    ]
    assert leader.get("/promises", {"status": "kept"}).json() == []
