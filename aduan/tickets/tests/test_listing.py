"""Ticket lists: filters, keyset pages that walk everything exactly once, the due-time
queue, and a fixed number of queries per page however many rows it holds."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from aduan.tests.factories import CustomerFactory, make_ticket, ticket_in_status
from aduan.tickets import services
from aduan.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def walk(client, **params) -> tuple[list[dict], int]:
    """Every row of the list, page by page, and how many pages it took."""
    rows: list[dict] = []
    pages = 0
    cursor = None
    while True:
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        response = client.get("/tickets", query)
        assert response.status_code == 200, response.content
        page = response.json()
        pages += 1
        assert len(page["items"]) <= params.get("limit", 25)
        rows.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return rows, pages
        assert pages < 100, "the cursor does not advance"


def test_pages_walk_every_ticket_once_newest_first(api, org):
    made = [make_ticket(org, subject=f"Keluhan {n}").reference for n in range(23)]
    rows, pages = walk(api("agent"), limit=5)
    references = [row["reference"] for row in rows]
    assert pages == 5
    assert len(references) == len(set(references)) == 23
    assert references == list(reversed(made))


def test_a_page_exactly_full_at_the_end_has_no_next_page(api, org):
    for _ in range(4):
        make_ticket(org)
    page = api("agent").get("/tickets", {"limit": 4}).json()
    assert len(page["items"]) == 4
    assert page["next_cursor"] is None


def test_the_due_time_queue_sorts_by_due_time_and_walks_ties_without_loss(api, org):
    now = timezone.now().replace(microsecond=0)
    made: list[Ticket] = []
    # Three due at the same moment straddle page boundaries; the rest spread out around them.
    tied = [make_ticket(org, received_at=now - datetime.timedelta(hours=5)) for _ in range(3)]
    made += tied
    made.append(make_ticket(org, priority="urgent", received_at=now - datetime.timedelta(hours=1)))
    for hours_ago in (26, 74, 2):
        made.append(make_ticket(org, received_at=now - datetime.timedelta(hours=hours_ago)))
    closed = ticket_in_status(org, "closed")

    rows, pages = walk(api("agent"), ordering="due_at", limit=2)
    assert pages == 4
    dues = [datetime.datetime.fromisoformat(row["due_at"]) for row in rows]
    assert dues == sorted(dues)
    assert len(set(dues)) == len(made) - 2
    references = [row["reference"] for row in rows]
    assert sorted(references) == sorted(ticket.reference for ticket in made)
    assert closed.reference not in references
    # Tickets due at the same moment come together, in the order they were recorded.
    start = references.index(tied[0].reference)
    assert references[start : start + 3] == [ticket.reference for ticket in tied]


@pytest.mark.parametrize("role", ["alice", "division"])
def test_pages_of_a_restricted_view_never_leak_other_rows(api, org, role):
    for n in range(7):
        make_ticket(org, customer=org.alice if n % 2 else org.bob)
        if n % 3 == 0:
            ticket_in_status(org, "forwarded", customer=org.bob)
    visible = {
        "alice": set(Ticket.objects.filter(customer=org.alice).values_list("reference", flat=True)),
        "division": set(
            Ticket.objects.filter(forwardings__team=org.network).values_list("reference", flat=True)
        ),
    }[role]
    rows, _pages = walk(api(role), limit=2)
    references = [row["reference"] for row in rows]
    assert len(references) == len(set(references))
    assert set(references) == visible


def test_filters_narrow_the_list(api, org):
    agent = api("agent")
    pending = ticket_in_status(org, "pending")
    closed = ticket_in_status(org, "closed")
    bobs = make_ticket(org, customer=org.bob, subject="Printer kantor macet")
    mine = make_ticket(org, assignee_id=org.user("agent2").pk)
    escalated = make_ticket(org)
    services.escalate(actor=org.user("agent"), reference=escalated.reference, note="Naik.")

    def refs(**params) -> set[str]:
        response = agent.get("/tickets", params)
        assert response.status_code == 200, response.content
        return {row["reference"] for row in response.json()["items"]}

    assert refs(status=["pending", "closed"]) == {pending.reference, closed.reference}
    assert closed.reference not in refs(open="true")
    assert pending.reference in refs(open="true")
    assert refs(customer=org.bob.pk) == {bobs.reference}
    assert refs(assignee=org.user("agent2").pk) == {mine.reference}
    assert mine.reference not in refs(unassigned="true")
    assert refs(tier=2) == {escalated.reference}
    assert refs(team="support") == {escalated.reference}
    assert refs(text="printer") == {bobs.reference}
    assert refs(text=bobs.reference) == {bobs.reference}


def _populate(org, count: int) -> None:
    customers = [CustomerFactory() for _ in range(3)]
    for n in range(count):
        make_ticket(
            org,
            customer=customers[n % 3],
            assignee_id=org.user("agent2").pk if n % 2 else None,
            category="billing" if n % 2 else "network",
        )


@pytest.mark.parametrize("role", ["agent", "division", "alice"])
def test_a_page_of_the_list_costs_a_fixed_number_of_queries(
    api, org, role, django_assert_max_num_queries
):
    client = api(role)
    client.get("/me")  # the token's first use is recorded once; leave that out of the count

    def forwarded_to_network(count: int) -> None:
        for _ in range(count):
            ticket_in_status(org, "forwarded")

    forwarded_to_network(2)
    _populate(org, 2)
    # At most: the token, the page, and one look-up each for channels, categories,
    # priorities and teams; ten times the rows may not cost one query more.
    with django_assert_max_num_queries(6) as few:
        small = client.get("/tickets", {"limit": 100})
    forwarded_to_network(20)
    _populate(org, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = client.get("/tickets", {"limit": 100})
    assert len(large.json()["items"]) > len(small.json()["items"]) >= 2
    row = large.json()["items"][0]
    assert row["customer"]["name"]
    assert row["priority"]["code"]
