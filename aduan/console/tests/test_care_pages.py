"""Service levels and customer care in the console: the queue's service-level badges, the
hard-complaint queue, the callback list with its outcome form, and one's notifications."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from aduan.care.models import Callback
from aduan.care.services import emergency, hard
from aduan.notifications.models import Notification
from aduan.tests.factories import make_ticket
from aduan.tickets import services
from aduan.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def resolve(org, ticket: Ticket) -> None:
    services.transition(
        actor=org.user("agent"),
        reference=ticket.reference,
        data=services.TransitionInput(to="resolved", note="Kabel diganti.", channel="phone"),
    )


def listed_callback(org) -> Callback:
    """A super emergency, resolved: it goes on the callback list."""
    ticket = make_ticket(org)
    emergency.raise_emergency(
        actor=org.user("leader"), reference=ticket.reference, reason="Darurat."
    )
    resolve(org, ticket)
    return Callback.objects.get(ticket=ticket)


def field_error(page: str, field_id: str) -> str:
    """The error message right after a field, tied to it by ``aria-describedby``."""
    match = re.search(rf'<small class="field-error" id="{field_id}-error">([^<]*)</small>', page)
    assert match, f"no error beside {field_id}"
    return match[1]


# --- service-level badges in the queue -------------------------------------------------------


def test_queue_rows_show_the_service_level_state_as_a_badge_with_text(browser, org):
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    fine = make_ticket(org, subject="Aman")
    near = make_ticket(org, subject="Hampir")
    late = make_ticket(org, subject="Terlambat")
    future = {"first_response_due_at": now + 5 * hour, "first_response_warn_at": now + 4 * hour}
    Ticket.objects.filter(pk=fine.pk).update(
        due_at=now + 9 * hour, resolution_warn_at=now + 8 * hour, **future
    )
    Ticket.objects.filter(pk=near.pk).update(
        due_at=now + hour, resolution_warn_at=now - hour, **future
    )
    Ticket.objects.filter(pk=late.pk).update(
        due_at=now - hour, resolution_warn_at=now - 2 * hour, **future
    )
    page = browser("agent").get("/console/queues/", {"queue": "all"}).content.decode()
    for ticket, state, text in (
        (fine, "ok", "on time"),
        (near, "near", "near"),
        (late, "breached", "breached"),
    ):
        row = re.search(
            rf'<tr data-reference="{ticket.reference}" class="sla-row-{state}">.*?</tr>', page, re.S
        )
        assert row, f"{ticket.reference} is not {state}"
        assert f'<span class="badge sla sla-{state}" data-sla="{state}">{text}</span>' in row[0]


def test_the_badge_text_is_indonesian_by_default(browser, org):
    ticket = make_ticket(org)
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(due_at=now - datetime.timedelta(minutes=5))
    rows = browser("agent", language="id").get("/console/queues/rows/", {"queue": "all"})
    assert 'data-sla="breached">terlambat</span>' in rows.content.decode()


# --- hard complaints -------------------------------------------------------------------------


def test_the_hard_complaint_page_lists_them_with_their_criteria(browser, org):
    ticket = make_ticket(org)
    make_ticket(org, subject="Biasa")
    hard.set_criteria(actor=org.user("agent"), reference=ticket.reference, criteria=["rude"])
    response = browser("support").get("/console/hard-complaints/")
    assert response.status_code == 200
    page = response.content.decode()
    assert re.findall(r'<tr data-reference="([^"]+)"', page) == [ticket.reference]
    assert f'href="/console/tickets/{ticket.reference}/"' in page
    assert 'data-criterion="rude">Speaks rudely</li>' in page
    assert 'href="/console/hard-complaints/"' in page  # in the menu


def test_the_hard_complaint_page_follows_the_api(browser):
    # As GET /api/v1/hard-complaints: staff who read every ticket; customers have the portal.
    assert browser("verificator").get("/console/hard-complaints/").status_code == 200
    division = browser("division")
    assert division.get("/console/hard-complaints/").status_code == 403
    menu = division.get("/console/notifications/")
    assert menu.status_code == 200 and "/console/notifications/" in menu.content.decode()
    assert 'href="/console/hard-complaints/"' not in menu.content.decode()
    customer = browser("alice").get("/console/hard-complaints/")
    assert customer.status_code == 302 and customer["Location"] == "/portal/"
    assert browser().get("/console/hard-complaints/").status_code == 302


# --- callbacks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("support", 200),
        ("leader", 200),
        ("coordinator", 200),
        ("admin", 200),
        ("agent", 403),  # a front-line agent outside the support team, as the API refuses
        ("division", 403),
        ("verificator", 403),
        ("director", 403),
    ],
)
def test_the_callback_page_follows_the_api(browser, org, username, status):
    listed_callback(org)
    assert browser(username).get("/console/callbacks/").status_code == status


def test_the_callback_menu_entry_only_for_those_who_see_callbacks(browser):
    assert (
        'href="/console/callbacks/"' in browser("support").get("/console/queues/").content.decode()
    )
    assert (
        'href="/console/callbacks/"'
        not in browser("agent").get("/console/queues/").content.decode()
    )


def test_a_customer_is_sent_to_the_portal_from_callbacks(browser, org):
    callback = listed_callback(org)
    assert browser("alice").get("/console/callbacks/")["Location"] == "/portal/"
    response = browser("alice").post(
        f"/console/callbacks/{callback.pk}/outcome/", {f"cb{callback.pk}-reached": "no"}
    )
    assert response["Location"] == "/portal/"
    assert Callback.objects.get(pk=callback.pk).attempts == 0


def test_the_callback_list_shows_each_call_with_a_form(browser, org):
    callback = listed_callback(org)
    page = browser("support").get("/console/callbacks/").content.decode()
    assert f'id="callback-{callback.pk}"' in page
    assert f'action="/console/callbacks/{callback.pk}/outcome/"' in page
    for name in ("reached_0", "solved", "satisfaction", "remarks"):
        assert f'<label for="id_cb{callback.pk}-{name}"' in page
    assert "csrfmiddlewaretoken" in page


def test_recording_a_solved_outcome_closes_the_ticket(browser, org):
    callback = listed_callback(org)
    prefix = f"cb{callback.pk}"
    response = browser("support").post(
        f"/console/callbacks/{callback.pk}/outcome/",
        {
            f"{prefix}-reached": "yes",
            f"{prefix}-solved": "yes",
            f"{prefix}-satisfaction": "5",
            f"{prefix}-remarks": "Pelanggan puas.",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/console/callbacks/"
    callback.refresh_from_db()
    assert callback.status == "done" and callback.satisfaction == 5 and callback.solved is True
    assert callback.remarks == "Pelanggan puas."
    assert callback.recorded_by == org.user("support")
    assert Ticket.objects.get(pk=callback.ticket_id).status == "closed"


def test_not_solved_reopens_the_ticket(browser, org):
    callback = listed_callback(org)
    prefix = f"cb{callback.pk}"
    client = browser("support")
    response = client.post(
        f"/console/callbacks/{callback.pk}/outcome/",
        {
            f"{prefix}-reached": "yes",
            f"{prefix}-solved": "no",
            f"{prefix}-satisfaction": "2",
            f"{prefix}-remarks": "Masih mati.",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "is open again" in response.content.decode()
    ticket = Ticket.objects.get(pk=callback.ticket_id)
    assert ticket.status == "open" and ticket.reopen_count == 1
    assert Callback.objects.get(pk=callback.pk).solved is False


def test_not_reached_counts_an_attempt(browser, org):
    callback = listed_callback(org)
    response = browser("leader").post(
        f"/console/callbacks/{callback.pk}/outcome/", {f"cb{callback.pk}-reached": "no"}
    )
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.attempts == 1 and callback.status == "pending"
    assert Ticket.objects.get(pk=callback.ticket_id).status == "resolved"


@pytest.mark.parametrize(
    ("data", "field", "status"),
    [
        # The service's rule: reached needs an answer on "solved".
        ({"reached": "yes", "satisfaction": "4"}, "solved", 400),
        ({"reached": "no", "solved": "yes"}, "solved", 400),
        # The form's: a satisfaction outside 1 to 5, a missing "reached".
        ({"reached": "yes", "solved": "yes", "satisfaction": "9"}, "satisfaction", 400),
        ({"solved": "yes"}, "reached", 400),
    ],
)
def test_bad_input_shows_the_error_beside_the_field_and_changes_nothing(
    browser, org, data, field, status
):
    callback = listed_callback(org)
    prefix = f"cb{callback.pk}"
    response = browser("support").post(
        f"/console/callbacks/{callback.pk}/outcome/",
        {f"{prefix}-{k}": v for k, v in data.items()},
    )
    assert response.status_code == status
    assert field_error(response.content.decode(), f"id_{prefix}-{field}")
    callback.refresh_from_db()
    assert callback.attempts == 0 and callback.status == "pending" and callback.reached is None
    assert Ticket.objects.get(pk=callback.ticket_id).status == "resolved"


def test_a_coordinator_sees_callbacks_but_may_not_record_them(browser, org):
    callback = listed_callback(org)
    client = browser("coordinator")
    assert (
        f'action="/console/callbacks/{callback.pk}/outcome/"'
        not in client.get("/console/callbacks/").content.decode()
    )
    response = client.post(
        f"/console/callbacks/{callback.pk}/outcome/", {f"cb{callback.pk}-reached": "no"}
    )
    assert response.status_code == 403
    assert Callback.objects.get(pk=callback.pk).attempts == 0


def test_an_unknown_callback_is_not_found(browser, org):
    response = browser("support").post(
        "/console/callbacks/999999/outcome/", {"cb999999-reached": "no"}
    )
    assert response.status_code == 404


# --- notifications ---------------------------------------------------------------------------


def notify(user, title: str) -> Notification:
    return Notification.objects.create(recipient=user, kind="sla.resolution_near", title=title)


def test_the_notification_page_lists_my_notifications_and_the_menu_counts_unread(browser, org):
    mine = notify(org.user("agent"), "Tiket saya hampir terlambat")
    notify(org.user("agent2"), "Bukan untuk saya")
    response = browser("agent").get("/console/notifications/")
    assert response.status_code == 200
    page = response.content.decode()
    assert re.findall(r'data-notification="(\d+)"', page) == [str(mine.pk)]
    assert "Bukan untuk saya" not in page
    assert re.search(r'id="unread-count">1<', page)
    assert f'action="/console/notifications/{mine.pk}/read/"' in page


def test_mark_read_works_on_my_own_notification_only(browser, org):
    mine = notify(org.user("agent"), "Untuk saya")
    theirs = notify(org.user("agent2"), "Untuk orang lain")
    client = browser("agent")
    response = client.post(f"/console/notifications/{theirs.pk}/read/")
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    response = client.post(f"/console/notifications/{mine.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/console/notifications/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert 'id="unread-count"' not in client.get("/console/notifications/").content.decode()


def test_mark_read_needs_a_post_and_ignores_a_foreign_next(browser, org):
    mine = notify(org.user("agent"), "Untuk saya")
    client = browser("agent")
    assert client.get(f"/console/notifications/{mine.pk}/read/").status_code == 405
    response = client.post(
        f"/console/notifications/{mine.pk}/read/", {"next": "https://example.com/"}
    )
    assert response["Location"] == "/console/notifications/"


def test_mark_all_read_marks_only_mine(browser, org):
    notify(org.user("agent"), "Satu")
    notify(org.user("agent"), "Dua")
    theirs = notify(org.user("agent2"), "Tiga")
    response = browser("agent").post("/console/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=org.user("agent"), read_at=None).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_notifications_are_refused_to_customers(browser, org):
    notify(org.user("alice"), "Untuk pelanggan")
    assert browser("alice").get("/console/notifications/")["Location"] == "/portal/"
    assert browser("division").get("/console/notifications/").status_code == 200
