"""On the portal the customer sees which of their own tickets a ticket follows or is followed
by, and may write to a closed one: the message opens a new complaint that follows it."""

from __future__ import annotations

import pytest

from aduan.tests.factories import ticket_in_status
from aduan.tickets import services
from aduan.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_writing_to_a_closed_complaint_opens_one_that_follows_it(browser, org, settings):
    settings.ADUAN_REOPEN_CLOSED_ON_REPLY = False
    closed = ticket_in_status(org, "closed")
    alice = browser("alice")
    page = alice.get(f"/portal/tickets/{closed.reference}/").content.decode()
    assert 'id="reply-opens-new"' in page
    response = alice.post(
        f"/portal/tickets/{closed.reference}/reply/", {"reply-body": "Muncul lagi."}
    )
    new = Ticket.objects.get(follows=closed)
    assert response["Location"] == f"/portal/tickets/{new.reference}/#timeline"
    page = alice.get(f"/portal/tickets/{new.reference}/").content.decode()
    assert f'follows <a href="/portal/tickets/{closed.reference}/">' in page
    page = alice.get(f"/portal/tickets/{closed.reference}/").content.decode()
    assert f'followed by <a href="/portal/tickets/{new.reference}/">' in page


def test_the_link_reads_in_indonesian(browser, org):
    closed = ticket_in_status(org, "closed")
    new = services.receive_customer_message(
        ticket=closed, customer=org.alice, body="Muncul lagi.", channel="email"
    ).ticket
    page = browser("alice", language="id").get(f"/portal/tickets/{closed.reference}/")
    assert f'disusul oleh <a href="/portal/tickets/{new.reference}/">' in page.content.decode()


def test_only_the_customers_own_tickets_are_linked(browser, org):
    # Bob wrote by mail quoting Alice's closed ticket: his new ticket follows hers, but
    # neither sees the other's ticket named.
    closed = ticket_in_status(org, "closed")
    bobs = services.receive_customer_message(
        ticket=closed, customer=org.bob, body="Saya juga.", channel="email"
    ).ticket
    assert bobs.customer == org.bob and bobs.follows == closed
    page = browser("bob").get(f"/portal/tickets/{bobs.reference}/").content.decode()
    assert closed.reference not in page
    page = browser("alice").get(f"/portal/tickets/{closed.reference}/").content.decode()
    assert bobs.reference not in page
