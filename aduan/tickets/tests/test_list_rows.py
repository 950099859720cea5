"""The API's list reads rows, not models (tickets.selectors.list_ticket_rows): every page it
gives is the one the model-based ``list_tickets`` gives, rendered the same, for every kind of
reader and filter, including a second time from the cache of compiled pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import RequestFactory
from ninja.responses import NinjaJSONEncoder

from aduan.api import rendering
from aduan.tests.factories import CustomerFactory, make_ticket, ticket_in_status
from aduan.tickets import selectors, services
from aduan.tickets.api import TicketPage

pytestmark = pytest.mark.django_db


def _ninja_page(rows: list[Any], cursor: str | None) -> Any:
    validated = TicketPage.model_validate({"items": rows, "next_cursor": cursor})
    return json.loads(json.dumps(validated.model_dump(), cls=NinjaJSONEncoder))


def _row_page(user: Any, filters: selectors.TicketFilters) -> Any:
    rows, cursor = selectors.list_ticket_rows(user, filters)
    request = RequestFactory().get("/api/v1/tickets")
    return json.loads(
        rendering.render(request, TicketPage, {"items": rows, "next_cursor": cursor}).content
    )


@pytest.fixture
def tickets(org: Any) -> None:
    carol = CustomerFactory(name="Carol", phone="", email="carol@example.org", is_verified=True)
    make_ticket(org, subject="Jaringan lambat", customer=carol)
    make_ticket(org, category="billing", priority="urgent", assignee_id=org.user("agent2").pk)
    make_ticket(org, category=None, team="support")
    for status in ("new", "in_progress", "forwarded", "pending", "resolved", "closed", "cancelled"):
        ticket_in_status(org, status)
    owned = make_ticket(org, subject="Tagihan ganda")
    services.update_ticket(
        actor=org.user("agent"),
        reference=owned.reference,
        changes=services.TicketChanges(assignee_id=org.user("agent").pk),
    )


FILTERS = [
    {},
    {"limit": 3},
    {"team": "helpdesk", "ordering": "due_at"},
    {"team": "helpdesk", "ordering": "due_at", "limit": 2},
    {"team": "no-such-team"},
    {"status": ["pending", "resolved"]},
    {"open_only": True, "unassigned": True},
    {"tier": 1, "ordering": "due_at"},
    {"text": "tagihan"},
]


@pytest.mark.parametrize("username", ["agent", "verificator", "division", "alice", "bob"])
@pytest.mark.parametrize("given", FILTERS)
def test_row_pages_are_the_model_pages(org: Any, tickets: None, username: str, given: dict) -> None:
    user = org.user(username)
    if given.get("assignee") == "self":
        given = {**given, "assignee": user.pk}
    filters = selectors.TicketFilters(**given)
    walked = 0
    while True:
        rows, cursor = selectors.list_tickets(user, filters)
        expected = _ninja_page(rows, cursor)
        assert _row_page(user, filters) == expected
        assert _row_page(user, filters) == expected  # from the compiled-page cache
        walked += len(rows)
        if cursor is None:
            break
        filters = selectors.TicketFilters(**{**given, "cursor": cursor})
        assert walked < 50


def test_assigned_rows_name_their_assignee(org: Any, tickets: None) -> None:
    page = _row_page(org.user("agent"), selectors.TicketFilters(assignee=org.user("agent2").pk))
    assert [item["assignee"]["username"] for item in page["items"]] == ["agent2"]
