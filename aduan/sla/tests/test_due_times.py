"""Each ticket carries its due times: chosen by the policy for its priority, category and
channel, counted in business or calendar hours, paused while pending where the policy says,
fresh when reopened, recomputed when reprioritised, and a missed target is recorded."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from aduan.audit.models import AuditEntry
from aduan.sla import clock
from aduan.sla.models import SlaEvent
from aduan.sla.tests.factories import at, make_policy
from aduan.tests.factories import make_ticket
from aduan.tickets import services
from aduan.tickets.models import EventKind, Ticket, TicketEvent

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def policy_code(ticket: Ticket) -> str | None:
    return ticket.sla_policy.code if ticket.sla_policy else None


def move(ticket: Ticket, to: str, actor, note: str = "Catatan.", **extra) -> Ticket:
    return services.transition(
        actor=actor,
        reference=ticket.reference,
        data=services.TransitionInput(to=to, note=note, **extra),
    )


def test_without_a_policy_the_prioritys_hours_count_on_the_calendar(org):
    with time_machine.travel(at("2026-03-06", "15:00"), tick=False):
        ticket = make_ticket(org, priority="urgent")
    assert ticket.sla_policy is None
    assert ticket.first_response_due_at == at("2026-03-06", "16:00")
    assert ticket.due_at == at("2026-03-06", "23:00")


def test_a_business_hours_policy_skips_the_weekend(org):
    make_policy(
        "urgent-business", priority=org.urgent, first_response_minutes=60, resolution_minutes=8 * 60
    )
    with time_machine.travel(at("2026-03-06", "15:00"), tick=False):  # Friday
        ticket = make_ticket(org, priority="urgent")
    assert policy_code(ticket) == "urgent-business"
    assert ticket.first_response_due_at == at("2026-03-06", "16:00")
    # 1 h on Friday, 7 h on Monday.
    assert ticket.due_at == at("2026-03-09", "15:00")
    # Near at 75 % of the target: 6 h of work, Monday 13:00.
    assert ticket.resolution_warn_at == at("2026-03-09", "13:00")
    assert ticket.first_response_warn_at == at("2026-03-06", "15:45")
    # The sweep first looks at it when the first response is near.
    assert ticket.sla_next_check_at == at("2026-03-06", "15:45")


def test_a_complaint_before_a_public_holiday_is_due_after_it(org):
    make_policy("normal", priority=org.normal, resolution_minutes=2 * 8 * 60)
    with time_machine.travel(at("2026-08-14", "10:00"), tick=False):  # Friday before 17 Aug
        ticket = make_ticket(org)
    # 6 h on Friday, Monday 17 August is Independence Day, 10 h more: Tuesday + 2 h Wednesday.
    assert ticket.due_at == at("2026-08-19", "10:00")


def test_the_most_specific_policy_wins_then_the_lowest_order(org):
    make_policy("any", first_response_minutes=240, order=1)
    make_policy("urgent", priority=org.urgent, first_response_minutes=120)
    make_policy(
        "urgent-network",
        priority=org.urgent,
        category=org.network_category,
        first_response_minutes=30,
    )
    make_policy("urgent-web", priority=org.urgent, channel=org.web, first_response_minutes=45)
    make_policy(
        "urgent-network-2",
        priority=org.urgent,
        category=org.network_category,
        first_response_minutes=15,
        order=500,
    )
    with time_machine.travel(at("2026-03-03", "09:00"), tick=False):
        chosen = {
            "network": policy_code(make_ticket(org, priority="urgent")),
            "billing": policy_code(make_ticket(org, priority="urgent", category="billing")),
            "normal": policy_code(make_ticket(org, category="billing")),
        }
    assert chosen == {"network": "urgent-network", "billing": "urgent", "normal": "any"}


def test_the_channel_can_choose_the_policy(org):
    make_policy("web", channel=org.web, first_response_minutes=24 * 60, clock="calendar")
    with time_machine.travel(at("2026-03-03", "09:00"), tick=False):
        by_phone = make_ticket(org)
        on_portal = services.create_ticket(
            actor=org.user("alice"),
            data=services.TicketInput(subject="Portal", description="Tidak bisa login."),
        )
    assert by_phone.sla_policy is None
    assert policy_code(on_portal) == "web"
    assert on_portal.first_response_due_at == at("2026-03-04", "09:00")


def test_pending_pauses_a_business_clock_and_resuming_moves_the_due_time(org):
    make_policy("normal", priority=org.normal, first_response_minutes=60, resolution_minutes=8 * 60)
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as clock_:  # Monday
        ticket = make_ticket(org)
        services.add_message(actor=agent, reference=ticket.reference, body="Kami cek.")
        assert Ticket.objects.get(pk=ticket.pk).due_at == at("2026-03-09", "16:00")
        clock_.move_to(at("2026-03-09", "10:00"))
        move(ticket, "pending", agent, "Menunggu suku cadang.")
        paused = Ticket.objects.get(pk=ticket.pk)
        assert paused.sla_paused_at == at("2026-03-09", "10:00")
        assert paused.pending_since == at("2026-03-09", "10:00")
        assert clock.state(paused) == clock.SlaState.PAUSED
        # While paused, no resolution timer runs.
        assert all(
            p.target != "resolution" or p.trigger == "pending"
            for p in clock.points(paused, clock.rules.current())
        )
        clock_.move_to(at("2026-03-10", "10:00"))  # 8 working hours later
        move(ticket, "in_progress", agent)
    resumed = Ticket.objects.get(pk=ticket.pk)
    assert resumed.sla_paused_at is None and resumed.pending_since is None
    assert resumed.sla_paused_seconds == 8 * 3600
    assert resumed.due_at == at("2026-03-10", "16:00")


def test_a_policy_may_keep_the_clock_running_while_pending(org):
    make_policy("normal", priority=org.normal, pause_when_pending=False)
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as clock_:
        ticket = make_ticket(org)
        due = ticket.due_at
        clock_.move_to(at("2026-03-09", "10:00"))
        move(ticket, "pending", agent)
        clock_.move_to(at("2026-03-10", "10:00"))
        move(ticket, "open", agent)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.due_at == due and stored.sla_paused_seconds == 0


def test_put_on_hold_after_the_target_was_missed_the_miss_stands(org):
    make_policy("normal", priority=org.normal, resolution_minutes=60)
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as clock_:
        ticket = make_ticket(org)
        clock_.move_to(at("2026-03-09", "12:00"))
        move(ticket, "pending", agent)
        clock_.move_to(at("2026-03-10", "12:00"))
        move(ticket, "in_progress", agent)
    assert Ticket.objects.get(pk=ticket.pk).due_at == at("2026-03-09", "09:00")


def test_reopening_gives_a_fresh_resolution_target_and_a_new_cycle(org):
    make_policy("normal", priority=org.normal, resolution_minutes=4 * 60)
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as clock_:
        ticket = make_ticket(org)
        clock_.move_to(at("2026-03-09", "14:00"))
        move(ticket, "resolved", agent, channel="phone")
        resolved = Ticket.objects.get(pk=ticket.pk)
        assert resolved.resolution_breached_at == at("2026-03-09", "12:00")
        assert resolved.sla_next_check_at is None
        assert clock.state(resolved) == clock.SlaState.MISSED
        clock_.move_to(at("2026-03-10", "09:00"))
        move(ticket, "open", agent, "Masalah masih terjadi.")
    reopened = Ticket.objects.get(pk=ticket.pk)
    assert reopened.sla_cycle == 1
    assert reopened.sla_started_at == at("2026-03-10", "09:00")
    assert reopened.due_at == at("2026-03-10", "13:00")
    assert reopened.resolution_breached_at is None
    # The first miss stays in the ledger and the timeline.
    assert SlaEvent.objects.filter(ticket=ticket, key="c0:res").exists()
    breaches = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_BREACH)
    # Resolved at 14:00 without an earlier answer: both targets were missed.
    assert sorted(e.data["target"] for e in breaches) == ["first_response", "resolution"]


def test_a_new_priority_sets_new_due_times_from_the_same_start(org):
    make_policy("normal", priority=org.normal, resolution_minutes=3 * 8 * 60)
    make_policy("urgent", priority=org.urgent, resolution_minutes=4 * 60)
    with time_machine.travel(at("2026-03-09", "09:00"), tick=False) as clock_:
        ticket = make_ticket(org)
        assert ticket.due_at == at("2026-03-12", "09:00")
        clock_.move_to(at("2026-03-09", "10:00"))
        services.update_ticket(
            actor=org.user("agent"),
            reference=ticket.reference,
            changes=services.TicketChanges(priority="urgent"),
        )
    stored = Ticket.objects.get(pk=ticket.pk)
    assert policy_code(stored) == "urgent"
    assert stored.due_at == at("2026-03-09", "13:00")
    assert stored.sla_cycle == 1


def test_a_late_first_response_is_recorded_as_missed(org):
    make_policy("normal", priority=org.normal, first_response_minutes=30)
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as clock_:
        on_time = make_ticket(org)
        late = make_ticket(org)
        clock_.move_to(at("2026-03-09", "08:20"))
        services.add_message(actor=agent, reference=on_time.reference, body="Halo.")
        clock_.move_to(at("2026-03-09", "09:00"))
        services.add_message(actor=agent, reference=late.reference, body="Maaf terlambat.")
    assert Ticket.objects.get(pk=on_time.pk).first_response_breached_at is None
    late = Ticket.objects.get(pk=late.pk)
    assert late.first_response_breached_at == at("2026-03-09", "08:30")
    breach = TicketEvent.objects.get(ticket=late, kind=EventKind.SLA_BREACH)
    assert breach.internal and breach.data["target"] == "first_response"
    assert AuditEntry.objects.filter(object_id=str(late.pk), action="ticket.sla_breached").exists()


def test_resolving_an_answered_ticket_does_not_count_the_old_answer_as_late(org):
    make_policy("normal", priority=org.normal, first_response_minutes=30)
    agent = org.user("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as clock_:
        ticket = make_ticket(org)
        clock_.move_to(at("2026-03-09", "08:10"))
        services.add_message(actor=agent, reference=ticket.reference, body="Halo.")
        clock_.move_to(at("2026-03-09", "11:00"))
        move(ticket, "resolved", agent, channel="phone")
    assert Ticket.objects.get(pk=ticket.pk).first_response_breached_at is None


def test_the_state_colours_the_queue(org, api):
    make_policy("normal", priority=org.normal, first_response_minutes=60, resolution_minutes=8 * 60)
    client = api("agent")
    with time_machine.travel(at("2026-03-09", "08:00"), tick=False) as clock_:
        ticket = make_ticket(org)

        def state() -> str:
            row = client.get("/tickets", {"ordering": "due_at"}).json()["items"][0]
            detail = client.get(f"/tickets/{ticket.reference}").json()
            assert detail["sla_state"] == row["sla_state"]
            return row["sla_state"]

        assert state() == "ok"
        clock_.move_to(at("2026-03-09", "08:50"))
        assert state() == "near"  # 75 % of the first-response hour
        clock_.move_to(at("2026-03-09", "09:01"))
        assert state() == "breached"
        services.add_message(actor=org.user("agent"), reference=ticket.reference, body="Ok.")
        assert state() == "ok"
        clock_.move_to(at("2026-03-09", "14:30"))
        assert state() == "near"
        clock_.move_to(at("2026-03-09", "16:01"))
        assert state() == "breached"
