"""Hard complaints (seed 004 5.1.1): the same customer reporting the same problem 3 or more
times (configurable), criteria ticked by the agent, suggestions from the phrase list, the
support desk's queue and follow-up, and who may do what."""

from __future__ import annotations

import pytest
import time_machine

from aduan.audit.models import AuditEntry
from aduan.care.models import CareSettings, HardComplaint
from aduan.notifications.models import Notification
from aduan.sla.tests.factories import at
from aduan.tests.factories import make_ticket
from aduan.tickets import services
from aduan.tickets.models import EventKind, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _put(client, path, data):
    return client.client.put(
        f"/api/v1{path}", data, content_type="application/json", headers=client._headers()
    )


def is_hard(ticket: Ticket) -> bool:
    return Ticket.objects.get(pk=ticket.pk).is_hard_complaint


def test_the_third_report_of_the_same_problem_makes_a_hard_complaint(org):
    first = make_ticket(org)
    second = make_ticket(org)
    assert not is_hard(first) and not is_hard(second)
    third = make_ticket(org)
    assert is_hard(third)
    complaint = HardComplaint.objects.get(ticket=third)
    assert complaint.criteria == ["repeat"] and complaint.repeat_count == 3
    assert complaint.status == "open"
    event = TicketEvent.objects.get(ticket=third, kind=EventKind.HARD_COMPLAINT)
    assert event.internal and event.data["criteria"] == ["repeat"]
    assert AuditEntry.objects.filter(object_id=str(third.pk), action="ticket.hard_complaint")
    # The support desk hears of it.
    assert Notification.objects.filter(recipient__username="support", ticket=third).exists()


def test_other_problems_and_other_customers_do_not_count(org):
    make_ticket(org)
    make_ticket(org, category="billing")
    make_ticket(org, customer=org.bob)
    assert not is_hard(make_ticket(org, category="billing"))
    assert not Ticket.objects.filter(is_hard_complaint=True).exists()


def test_reports_older_than_the_window_do_not_count(org):
    with time_machine.travel(at("2026-03-01", "09:00"), tick=False) as t:
        make_ticket(org)
        make_ticket(org)
        t.move_to(at("2026-04-15", "09:00"))  # 45 days later; the window is 30 days
        assert not is_hard(make_ticket(org))
        t.move_to(at("2026-04-16", "09:00"))
        assert not is_hard(make_ticket(org))
        t.move_to(at("2026-04-17", "09:00"))
        assert is_hard(make_ticket(org))  # three within the window


def test_reopening_counts_as_reporting_again(org):
    agent = org.user("agent")
    ticket = make_ticket(org)
    for _ in range(2):
        services.transition(
            actor=agent,
            reference=ticket.reference,
            data=services.TransitionInput(to="resolved", note="Sudah.", channel="phone"),
        )
        services.transition(
            actor=agent,
            reference=ticket.reference,
            data=services.TransitionInput(to="open", note="Masih terjadi."),
        )
    assert is_hard(ticket)
    assert HardComplaint.objects.get(ticket=ticket).repeat_count == 3


def test_the_threshold_is_configurable(org):
    CareSettings.objects.update_or_create(pk=1, defaults={"repeat_threshold": 2})
    make_ticket(org)
    assert is_hard(make_ticket(org))


def test_changing_the_category_can_make_a_repeat(org):
    make_ticket(org)
    make_ticket(org)
    other = make_ticket(org, category="billing")
    assert not is_hard(other)
    services.update_ticket(
        actor=org.user("agent"),
        reference=other.reference,
        changes=services.TicketChanges(category="network"),
    )
    assert is_hard(other)


def test_the_agent_ticks_criteria_through_the_api(api, org):
    ticket = make_ticket(org)
    agent = api("agent")
    response = _put(
        agent,
        f"/tickets/{ticket.reference}/hard-complaint",
        {"criteria": ["rude", "threatens_press"], "note": "Mengancam lapor koran."},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["is_hard_complaint"] is True
    # Stored in the order of the criteria list, whatever order they were ticked in.
    assert body["criteria"] == ["threatens_press", "rude"]
    assert agent.get(f"/tickets/{ticket.reference}").json()["is_hard_complaint"] is True


def test_unticking_everything_unmarks_but_a_counted_repeat_stays(api, org):
    ticket = make_ticket(org)
    agent = api("agent")
    _put(agent, f"/tickets/{ticket.reference}/hard-complaint", {"criteria": ["rude"]})
    body = _put(agent, f"/tickets/{ticket.reference}/hard-complaint", {"criteria": []}).json()
    assert body["is_hard_complaint"] is False and body["criteria"] == []
    make_ticket(org)
    repeat = make_ticket(org)
    body = _put(agent, f"/tickets/{repeat.reference}/hard-complaint", {"criteria": []}).json()
    assert body["is_hard_complaint"] is True and body["criteria"] == ["repeat"]


def test_unknown_criteria_and_repeat_cannot_be_ticked(api, org):
    ticket = make_ticket(org)
    response = _put(
        api("agent"), f"/tickets/{ticket.reference}/hard-complaint", {"criteria": ["repeat"]}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"].startswith("criteria")


@pytest.mark.parametrize(
    ("username", "status"),
    [("division", 404), ("bob", 404), ("alice", 403), ("verificator", 403)],
)
def test_only_front_line_staff_mark_hard_complaints(api, org, username, status):
    ticket = make_ticket(org)
    response = _put(
        api(username), f"/tickets/{ticket.reference}/hard-complaint", {"criteria": ["rude"]}
    )
    assert response.status_code == status, response.content
    assert not is_hard(ticket)


def test_the_phrase_list_suggests_criteria_with_the_phrases_that_matched(api, org):
    ticket = make_ticket(
        org,
        description="Dasar bodoh! Kalau besok belum beres saya berhenti berlangganan dan "
        "saya viralkan di medsos.",
    )
    body = api("agent").get(f"/tickets/{ticket.reference}/hard-complaint").json()
    suggested = {s["criterion"]: s["phrases"] for s in body["suggested"]}
    assert suggested == {
        "threatens_cancel": ["berhenti berlangganan"],
        "threatens_press": ["viral*", "medsos"],
        "rude": ["bodoh"],
    }
    # A suggestion is only a suggestion: the agent decides.
    assert body["is_hard_complaint"] is False


def test_suggestions_read_the_customers_later_messages_too(api, org):
    ticket = make_ticket(org)
    services.add_message(
        actor=org.user("alice"), reference=ticket.reference, body="Saya mau bicara dengan atasan!"
    )
    body = api("agent").get(f"/tickets/{ticket.reference}/hard-complaint").json()
    assert [s["criterion"] for s in body["suggested"]] == ["refuses_agent"]


def test_suggest_a_text_before_the_ticket_exists(api, org):
    response = api("agent").post(
        "/hard-complaints/suggest", {"text": "I am not hanging up until my manager calls."}
    )
    assert response.status_code == 200
    assert [s["criterion"] for s in response.json()] == ["refuses_agent", "wont_hang_up"]
    assert api("alice").post("/hard-complaints/suggest", {"text": "x"}).status_code == 403


def test_the_queue_and_the_support_desk_follow_up(api, org):
    tickets = [make_ticket(org, subject=f"Keluhan {n}") for n in range(4)]
    agent = api("agent")
    for ticket in tickets[:2]:
        _put(agent, f"/tickets/{ticket.reference}/hard-complaint", {"criteria": ["rude"]})
    support = api("support")
    queue = support.get("/hard-complaints").json()
    # Tickets 3 and 4 are repeats (same customer, same category) and count too.
    assert [row["ticket"]["reference"] for row in queue] == [
        tickets[2].reference,
        tickets[3].reference,
        tickets[0].reference,
        tickets[1].reference,
    ]
    first = tickets[0].reference
    response = support.post(
        f"/tickets/{first}/hard-complaint/follow-ups",
        {"note": "Dikirim ke grup TIAL REG.", "status": "following_up"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "following_up"
    done = support.post(
        f"/tickets/{first}/hard-complaint/follow-ups", {"note": "Sudah beres.", "status": "done"}
    )
    assert done.json()["status"] == "done"
    assert first not in [r["ticket"]["reference"] for r in support.get("/hard-complaints").json()]
    assert first in [
        r["ticket"]["reference"] for r in support.get("/hard-complaints", {"status": "done"}).json()
    ]
    kinds = TicketEvent.objects.filter(
        ticket=tickets[0], kind=EventKind.HARD_COMPLAINT_ACTION
    ).count()
    assert kinds == 2


def test_only_the_support_desk_follows_up(api, org):
    ticket = make_ticket(org)
    _put(api("agent"), f"/tickets/{ticket.reference}/hard-complaint", {"criteria": ["rude"]})
    for username in ("agent", "leader", "division"):
        response = api(username).post(
            f"/tickets/{ticket.reference}/hard-complaint/follow-ups", {"note": "Cek."}
        )
        assert response.status_code == 403, username
    other = make_ticket(org, customer=org.bob)
    response = api("support").post(
        f"/tickets/{other.reference}/hard-complaint/follow-ups", {"note": "Cek."}
    )
    assert response.status_code == 400  # not a hard complaint


def test_administrators_edit_the_phrase_list_and_suggestions_follow(api, org):
    admin = api("admin")
    added = admin.post(
        "/hard-complaint-phrases",
        {"criterion": "threatens_press", "phrase": "bikin thread", "language": "id"},
    )
    assert added.status_code == 201, added.content
    suggested = admin.post("/hard-complaints/suggest", {"text": "Saya bikin thread nanti."})
    assert [s["criterion"] for s in suggested.json()] == ["threatens_press"]
    duplicate = admin.post(
        "/hard-complaint-phrases", {"criterion": "threatens_press", "phrase": "Bikin  Thread"}
    )
    assert duplicate.status_code == 409
    phrase_id = added.json()["id"]
    assert admin.delete(f"/hard-complaint-phrases/{phrase_id}").status_code == 204
    assert admin.post("/hard-complaints/suggest", {"text": "Saya bikin thread."}).json() == []
    assert AuditEntry.objects.filter(action="hard_complaint_phrase.created").exists()


def test_only_administrators_edit_the_phrase_list(api, org):
    response = api("leader").post(
        "/hard-complaint-phrases", {"criterion": "rude", "phrase": "kampungan"}
    )
    assert response.status_code == 403
    assert api("agent").get("/hard-complaint-phrases").status_code == 200
    assert api("alice").get("/hard-complaint-phrases").status_code == 403


def test_the_shipped_phrase_list_is_loaded(org):
    from aduan.care.data.phrases import PHRASES
    from aduan.care.models import HardComplaintPhrase

    assert HardComplaintPhrase.objects.count() == len(PHRASES)


def test_marking_is_not_repeated_when_the_repeat_rule_runs_again(org):
    for _ in range(4):
        make_ticket(org)
    fourth = Ticket.objects.order_by("-id").first()
    assert fourth is not None
    assert TicketEvent.objects.filter(ticket=fourth, kind=EventKind.HARD_COMPLAINT).count() == 1
    assert HardComplaint.objects.get(ticket=fourth).repeat_count == 4


def test_division_staff_do_not_see_the_hard_complaint_queue(api, org):
    # A division sees what was forwarded to it, not other customers' hard complaints.
    ticket = make_ticket(org, subject="Keluhan")
    _put(api("agent"), f"/tickets/{ticket.reference}/hard-complaint", {"criteria": ["rude"]})
    response = api("division").get("/hard-complaints")
    assert response.status_code == 403
    assert ticket.reference not in response.content.decode()
    assert api("verificator").get("/hard-complaints").status_code == 200
