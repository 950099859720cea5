"""In-app notifications: each person lists and marks read only their own, in their own
language."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy

from aduan.notifications import services
from aduan.notifications.models import Notification
from aduan.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def notify(org, username: str, n: int = 1, key: str | None = None) -> None:
    ticket = make_ticket(org)
    for i in range(n):
        services.notify(
            [org.user(username)],
            services.Message(
                kind="test.hello",
                title=gettext_lazy("Ticket %(reference)s"),
                params={"reference": ticket.reference},
                ticket_id=ticket.pk,
            ),
            dedupe_key=key or f"k{i}",
        )


def test_list_newest_first_in_pages_and_count_unread(api, org):
    notify(org, "agent", 5)
    notify(org, "leader", 1)
    agent = api("agent")
    page = agent.get("/notifications", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_before"] is not None
    assert page["items"][0]["id"] > page["items"][1]["id"]
    assert page["items"][0]["ticket"].startswith("ADU-")
    rest = agent.get("/notifications", {"limit": 10, "before": page["next_before"]}).json()
    assert len(rest["items"]) == 3 and rest["next_before"] is None
    assert agent.get("/notifications/unread-count").json() == {"unread": 5}


def test_mark_one_then_all_read(api, org):
    notify(org, "agent", 3)
    agent = api("agent")
    first = agent.get("/notifications").json()["items"][0]
    marked = agent.post(f"/notifications/{first['id']}/read")
    assert marked.status_code == 200 and marked.json()["read_at"] is not None
    assert agent.get("/notifications/unread-count").json() == {"unread": 2}
    assert len(agent.get("/notifications", {"unread": True}).json()["items"]) == 2
    assert agent.post("/notifications/read-all").json() == {"marked": 2}
    assert agent.get("/notifications/unread-count").json() == {"unread": 0}


def test_nobody_reads_or_marks_anothers_notifications(api, org):
    notify(org, "leader", 1)
    theirs = Notification.objects.get()
    agent = api("agent")
    assert agent.get("/notifications").json()["items"] == []
    assert agent.post(f"/notifications/{theirs.pk}/read").status_code == 404
    assert api().get("/notifications").status_code == 401


def test_the_same_key_notifies_once(org):
    notify(org, "agent", 1, key="same")
    notify(org, "agent", 1, key="same")
    assert Notification.objects.count() == 1


def test_written_in_the_recipients_language(org):
    english = org.user("agent")
    english.language = "en"
    english.save()
    ticket = make_ticket(org)
    message = services.Message(
        kind="test", title=gettext_lazy("Only staff may do this."), ticket_id=ticket.pk
    )
    services.notify([english, org.user("leader")], message)
    titles = dict(Notification.objects.values_list("recipient__username", "title"))
    assert titles["agent"] == "Only staff may do this."
