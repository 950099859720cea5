"""A ticket opened because the customer wrote to a closed one shows the link both ways on the
ticket page: "follows ADU-..." on the new one, "followed by ADU-..." on the old one."""

from __future__ import annotations

import pytest

from aduan.tests.factories import ticket_in_status
from aduan.tickets import services

pytestmark = pytest.mark.django_db


def test_both_tickets_show_the_link(browser, org):
    closed = ticket_in_status(org, "closed")
    new = services.receive_customer_message(
        ticket=closed, customer=org.alice, body="Muncul lagi.", channel="email"
    ).ticket
    agent = browser("agent")
    page = agent.get(f"/console/tickets/{new.reference}/").content.decode()
    assert f'follows <a href="/console/tickets/{closed.reference}/">' in page
    page = agent.get(f"/console/tickets/{closed.reference}/").content.decode()
    assert f'followed by <a href="/console/tickets/{new.reference}/">' in page


def test_the_link_reads_in_indonesian(browser, org):
    closed = ticket_in_status(org, "cancelled")
    new = services.receive_customer_message(
        ticket=closed, customer=org.alice, body="Muncul lagi.", channel="email"
    ).ticket
    page = browser("agent", language="id").get(f"/console/tickets/{new.reference}/")
    assert f'menyusul <a href="/console/tickets/{closed.reference}/">' in page.content.decode()


def test_a_ticket_without_links_shows_none(browser, org):
    ticket = ticket_in_status(org, "open")
    page = browser("agent").get(f"/console/tickets/{ticket.reference}/").content.decode()
    assert 'id="follow-links"' not in page
