"""Queues: presets over the ticket list, with capped counts, search, sorting, keyset paging,
and a fragment that htmx polls so new tickets appear without a reload."""

from __future__ import annotations

import re

import pytest

from aduan.console.queues import QueueCount, queues_for
from aduan.tests.factories import file_on_portal, make_ticket, ticket_in_status
from aduan.tickets import selectors, services
from aduan.tickets.selectors import TicketFilters

pytestmark = pytest.mark.django_db


def references(response) -> list[str]:
    return re.findall(r'data-reference="([^"]+)"', response.content.decode())


def count_of(response, key: str) -> str:
    page = response.content.decode()
    match = re.search(
        rf'data-queue="{key}">\s*<span>[^<]*</span><span class="count"[^>]*>([^<]+)<', page
    )
    assert match, f"no count for {key}"
    return match[1]


def test_my_tickets_are_the_open_tickets_assigned_to_me(browser, org):
    mine = make_ticket(org, assignee_id=org.user("agent").pk)
    make_ticket(org, assignee_id=org.user("agent2").pk)
    make_ticket(org)
    response = browser("agent").get("/console/queues/", {"queue": "mine"})
    assert response.status_code == 200
    assert references(response) == [mine.reference]
    assert count_of(response, "mine") == "1"
    assert count_of(response, "unassigned") == "1"


def test_each_queue_lists_what_its_name_says(browser, org):
    new = file_on_portal(org)
    pending = ticket_in_status(org, "pending")
    forwarded = ticket_in_status(org, "forwarded")
    closed = ticket_in_status(org, "closed")
    client = browser("agent")
    assert references(client.get("/console/queues/", {"queue": "new"})) == [new.reference]
    assert references(client.get("/console/queues/", {"queue": "pending"})) == [pending.reference]
    assert references(client.get("/console/queues/", {"queue": "forwarded"})) == [
        forwarded.reference
    ]
    everything = references(client.get("/console/queues/", {"queue": "all"}))
    assert closed.reference in everything
    team = references(client.get("/console/queues/", {"queue": "team"}))
    assert closed.reference not in team
    assert pending.reference in team


def test_per_tier_queues(browser, org):
    first = make_ticket(org)
    second = make_ticket(org)
    services.escalate(
        actor=org.user("agent"), reference=second.reference, note="Perlu tim pendukung."
    )
    client = browser("agent")
    assert references(client.get("/console/queues/", {"queue": "tier1"})) == [first.reference]
    assert references(client.get("/console/queues/", {"queue": "tier2"})) == [second.reference]


def test_search_finds_words_and_references(browser, org):
    wanted = make_ticket(org, subject="Printer macet di perpustakaan")
    make_ticket(org)
    client = browser("agent")
    found = client.get("/console/queues/", {"queue": "all", "text": "printer"})
    assert references(found) == [wanted.reference]
    by_reference = client.get("/console/queues/", {"queue": "all", "text": wanted.reference})
    assert references(by_reference) == [wanted.reference]


def test_sorting_by_due_time_or_newest(browser, org):
    urgent = make_ticket(org, priority="urgent")
    slow = make_ticket(org, priority="normal")
    client = browser("agent")
    by_due = client.get("/console/queues/", {"queue": "unassigned", "ordering": "due_at"})
    assert references(by_due) == [urgent.reference, slow.reference]
    newest = client.get("/console/queues/", {"queue": "unassigned", "ordering": "-id"})
    assert references(newest) == [slow.reference, urgent.reference]


def test_keyset_paging_walks_every_ticket_once(browser, org, monkeypatch):
    from aduan.console import queues

    made = [make_ticket(org).reference for _ in range(5)]
    original = queues.page_filters
    monkeypatch.setattr(
        queues, "page_filters", lambda queue, **kw: original(queue, **{**kw, "limit": 2})
    )
    client = browser("agent")
    seen: list[str] = []
    response = client.get("/console/queues/", {"queue": "all"})
    while True:
        seen += references(response)
        match = re.search(
            r'href="/console/queues/\?([^"]+)" id="next-page"', response.content.decode()
        )
        if not match:
            break
        response = client.get("/console/queues/?" + match[1].replace("&amp;", "&"))
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen))


def test_a_bad_cursor_is_an_error_not_a_crash(browser, org):
    response = browser("agent").get("/console/queues/", {"queue": "all", "cursor": "bogus"})
    assert response.status_code == 400


def test_the_polled_fragment_carries_the_rows_and_refreshed_counts(browser, org):
    client = browser("agent")
    page = client.get("/console/queues/", {"queue": "unassigned"}).content.decode()
    assert 'hx-get="/console/queues/rows/?queue=unassigned"' in page
    assert 'hx-trigger="every 20s"' in page
    ticket = make_ticket(org)
    fragment = client.get("/console/queues/rows/", {"queue": "unassigned"}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert ticket.reference in body
    assert 'id="queue-counts" aria-label="Queues" hx-swap-oob="true"' in body
    assert "<html" not in body


def test_counts_stop_at_the_cap(org):
    for _ in range(4):
        make_ticket(org)
    agent = org.user("agent")
    assert selectors.count_tickets(agent, TicketFilters(open_only=True), cap=3) == 3
    assert selectors.count_tickets(agent, TicketFilters(open_only=True), cap=10) == 4
    queue = queues_for(agent, "helpdesk")[0]
    assert QueueCount(queue, 1000).label == "999+"
    assert QueueCount(queue, 999).label == "999"


def test_counting_every_queue_takes_one_query_per_queue(
    browser, org, django_assert_max_num_queries
):
    for _ in range(3):
        make_ticket(org)
    client = browser("agent")
    client.get("/console/queues/")  # warm the configuration cache
    # Session, user, teams, the page of rows, and one capped count per queue.
    with django_assert_max_num_queries(20):
        client.get("/console/queues/rows/", {"queue": "mine"})
