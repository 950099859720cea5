"""The sweep climbs the escalation ladder: near target -> the assignee, missed target -> the
team leader, then the next tier (support, then management) through the ticket escalation
service; pending too long likewise. Every step once, in the timeline and the audit log."""

from __future__ import annotations

import pytest
import time_machine

from aduan.audit.models import AuditEntry
from aduan.notifications.models import Notification
from aduan.sla import services as sla
from aduan.sla.models import SlaEvent
from aduan.sla.tests.factories import at, ladder, make_policy
from aduan.tests.factories import make_ticket
from aduan.tickets import services
from aduan.tickets.models import EventKind, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

LADDER = (
    ("first_response_near", 0, "notify_assignee"),
    ("first_response_breached", 0, "notify_leader"),
    ("resolution_near", 0, "notify_assignee"),
    ("resolution_breached", 0, "notify_leader"),
    ("resolution_breached", 120, "escalate"),
    ("resolution_breached", 240, "escalate"),
    ("pending", 480, "notify_leader"),
    ("pending", 960, "escalate"),
)


@pytest.fixture
def setup(org):
    make_policy("normal", priority=org.normal, first_response_minutes=60, resolution_minutes=8 * 60)
    ladder(*LADDER)
    return org


def notified(username: str) -> list[str]:
    return list(
        Notification.objects.filter(recipient__username=username)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def team_code(ticket: Ticket) -> str | None:
    return ticket.team.code if ticket.team else None


def kinds(ticket: Ticket) -> list[str]:
    return list(
        TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("kind", flat=True)
    )


def sweep_at(traveller, moment) -> sla.SweepResult:
    traveller.move_to(moment)
    return sla.sweep_all()


def test_each_step_of_the_ladder_in_turn(setup):
    org = setup
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:  # Monday
        ticket = make_ticket(org, assignee_id=agent.pk)

        assert sweep_at(t, at("2026-03-09", "08:44")).tickets == 0
        result = sweep_at(t, at("2026-03-09", "08:45"))
        assert (result.tickets, result.alerts, result.breaches) == (1, 1, 0)
        assert notified("agent") == ["sla.first_response_near"]

        result = sweep_at(t, at("2026-03-09", "09:00"))
        assert (result.alerts, result.breaches) == (1, 1)
        assert notified("leader") == ["sla.first_response_breached"]
        assert Ticket.objects.get(pk=ticket.pk).first_response_breached_at == at(
            "2026-03-09", "09:00"
        )

        t.move_to(at("2026-03-09", "09:10"))
        services.add_message(actor=agent, reference=ticket.reference, body="Sedang dicek.")

        assert sweep_at(t, at("2026-03-09", "13:59")).alerts == 0
        assert sweep_at(t, at("2026-03-09", "14:00")).alerts == 1
        assert notified("agent")[-1] == "sla.resolution_near"

        result = sweep_at(t, at("2026-03-09", "16:00"))
        assert (result.breaches, result.alerts, result.escalations) == (1, 1, 0)
        assert notified("leader")[-1] == "sla.resolution_breached"

        # Two working hours after the miss: Tuesday 10:00, to the support team (tier 2).
        assert sweep_at(t, at("2026-03-10", "09:59")).escalations == 0
        assert sweep_at(t, at("2026-03-10", "10:00")).escalations == 1
        stored = Ticket.objects.select_related("team").get(pk=ticket.pk)
        assert (stored.tier, team_code(stored), stored.assignee) == (2, "support", None)
        escalation = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATION).last()
        assert escalation is not None and escalation.author is not None
        assert escalation.author.username == "system"
        assert escalation.data == {"source_tier": 1, "target_tier": 2, "team": "support"}
        assert "resolution target was missed" in escalation.body
        assert (
            AuditEntry.objects.filter(
                object_id=str(ticket.pk), action="ticket.escalated", actor_label="system"
            ).count()
            == 1
        )

        # Then management (tier 3).
        assert sweep_at(t, at("2026-03-10", "12:00")).escalations == 1
        stored = Ticket.objects.get(pk=ticket.pk)
        assert (stored.tier, team_code(stored)) == (3, "management")
        # Nothing left to do: the timer stops.
        assert stored.sla_next_check_at is None
        assert sweep_at(t, at("2026-03-20", "12:00")).tickets == 0

    assert kinds(ticket).count(EventKind.SLA_ALERT) == 4
    assert kinds(ticket).count(EventKind.SLA_BREACH) == 2
    assert kinds(ticket).count(EventKind.ESCALATION) == 2
    assert (
        AuditEntry.objects.filter(object_id=str(ticket.pk), action="ticket.sla_alert").count() == 4
    )
    assert SlaEvent.objects.filter(ticket=ticket).count() == 8


def test_a_late_sweep_does_every_missed_step_once_in_order(setup):
    org = setup
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        ticket = make_ticket(org, assignee_id=org.user("agent").pk)
        result = sweep_at(t, at("2026-03-12", "08:00"))  # three days of no sweeps
        assert (result.tickets, result.breaches, result.alerts, result.escalations) == (1, 2, 4, 2)
        assert Ticket.objects.get(pk=ticket.pk).tier == 3
        again = sweep_at(t, at("2026-03-12", "08:00"))
        assert (again.alerts, again.escalations, again.breaches) == (0, 0, 0)
    assert SlaEvent.objects.filter(ticket=ticket).count() == 8
    assert Notification.objects.filter(ticket=ticket).count() == len(
        set(Notification.objects.filter(ticket=ticket).values_list("recipient", "dedupe_key"))
    )


def test_a_step_is_never_done_twice_even_when_the_ledger_is_asked_again(setup):
    org = setup
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        ticket = make_ticket(org)
        sweep_at(t, at("2026-03-09", "09:30"))
        # Pretend a second worker saw the ticket as due again (a stale next check).
        Ticket.objects.filter(pk=ticket.pk).update(sla_next_check_at=at("2026-03-09", "08:00"))
        result = sla.sweep_all()
    assert result.tickets == 1 and result.alerts == 0 and result.breaches == 0
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_ALERT).count() == 2


def test_an_unassigned_ticket_warns_the_team_leader(setup):
    org = setup
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        make_ticket(org)
        sweep_at(t, at("2026-03-09", "08:45"))
    assert notified("leader") == ["sla.first_response_near"]
    assert notified("agent") == []


def test_pending_too_long_notifies_then_escalates(setup):
    org = setup
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        ticket = make_ticket(org, assignee_id=agent.pk)
        services.add_message(actor=agent, reference=ticket.reference, body="Kami cek.")
        t.move_to(at("2026-03-09", "10:00"))
        services.transition(
            actor=agent,
            reference=ticket.reference,
            data=services.TransitionInput(to="pending", note="Menunggu vendor."),
        )
        # Paused: the resolution target passes unnoticed.
        assert sweep_at(t, at("2026-03-09", "17:00")).alerts == 0
        # Eight working hours pending: Tuesday 10:00.
        assert sweep_at(t, at("2026-03-10", "10:00")).alerts == 1
        assert notified("leader") == ["sla.pending"]
        assert sweep_at(t, at("2026-03-11", "10:00")).escalations == 1
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.tier, stored.status) == (2, "pending")
    assert stored.resolution_breached_at is None


def test_pending_again_starts_the_pending_steps_over(setup):
    org = setup
    agent = org.user("agent")

    def pend(note: str) -> None:
        services.transition(
            actor=agent,
            reference=ticket.reference,
            data=services.TransitionInput(to="pending", note=note),
        )

    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        ticket = make_ticket(org, assignee_id=agent.pk)
        services.add_message(actor=agent, reference=ticket.reference, body="Kami cek.")
        pend("Menunggu vendor.")
        sweep_at(t, at("2026-03-10", "08:00"))
        services.transition(
            actor=agent, reference=ticket.reference, data=services.TransitionInput(to="open")
        )
        pend("Menunggu vendor lagi.")
        sweep_at(t, at("2026-03-11", "08:00"))
    assert notified("leader").count("sla.pending") == 2


def test_at_tier_3_management_is_told_instead_of_escalating(setup):
    org = setup
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        ticket = make_ticket(org)
        services.escalate(actor=agent, reference=ticket.reference, note="Ke dukungan.")
        services.escalate(actor=agent, reference=ticket.reference, note="Ke manajemen.")
        result = sweep_at(t, at("2026-03-12", "08:00"))
    assert result.escalations == 0
    assert "sla.resolution_breached" in notified("director")
    outcomes = list(
        SlaEvent.objects.filter(ticket=ticket, action="escalate").values_list("outcome", flat=True)
    )
    assert len(outcomes) == 2 and all(o.startswith("not escalated") for o in outcomes)


def test_a_resolved_ticket_leaves_the_sweep(setup):
    org = setup
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        ticket = make_ticket(org)
        services.transition(
            actor=agent,
            reference=ticket.reference,
            data=services.TransitionInput(to="resolved", note="Beres.", channel="phone"),
        )
        assert Ticket.objects.get(pk=ticket.pk).sla_next_check_at is None
        assert sweep_at(t, at("2026-03-20", "08:00")).tickets == 0


def test_a_policy_with_its_own_ladder_ignores_the_default(org):
    urgent = make_policy("urgent", priority=org.urgent, resolution_minutes=60)
    ladder(("resolution_breached", 0, "notify_management"), policy=urgent)
    ladder(*LADDER)
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        make_ticket(org, priority="urgent")
        make_ticket(org)  # no policy: the default ladder, the priority's 4 calendar hours
        sweep_at(t, at("2026-03-09", "11:00"))
    assert notified("director") == ["sla.resolution_breached"]
    assert notified("leader") == ["sla.first_response_near"]


def test_a_ticket_that_fails_is_set_aside_and_the_others_go_on(setup, monkeypatch):
    org = setup
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        bad = make_ticket(org, subject="Rusak")
        good = make_ticket(org)
        original = sla.Sweeper.process

        def process(self, ticket, done):
            if ticket.pk == bad.pk:
                raise ValueError("boom")
            return original(self, ticket, done)

        monkeypatch.setattr(sla.Sweeper, "process", process)
        result = sweep_at(t, at("2026-03-09", "08:45"))
    assert result.failures == 1
    assert TicketEvent.objects.filter(ticket=good, kind=EventKind.SLA_ALERT).count() == 1
    assert Ticket.objects.get(pk=bad.pk).sla_next_check_at == at("2026-03-09", "08:50")


def test_the_sweep_reads_only_due_tickets(setup, django_assert_max_num_queries):
    org = setup
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as t:
        for _ in range(30):
            make_ticket(org, assignee_id=org.user("agent").pk)
        t.move_to(at("2026-03-09", "08:45"))
        # A fixed number of statements whatever the number of due tickets.
        with django_assert_max_num_queries(14):
            result = sla.sweep()
    assert result.tickets == 30 and result.alerts == 30
