"""A new ticket shows up in an open queue without a reload (htmx polling), the counts follow;
switching the language in the page footer sticks to the person."""

from __future__ import annotations

import pytest

from aduan.accounts.models import User
from e2e.helpers import go, lang, login, submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_ticket_appears_without_a_reload_and_the_language_follows_the_person(
    demo, new_page, settings
):
    from aduan.customers.services import CustomerInput, register_customer
    from aduan.tickets import services

    settings.ADUAN_POLL_SECONDS = 1
    agent = new_page("en")
    login(agent, "agent")
    go(agent, "/console/queues/?queue=unassigned")
    assert agent.locator("#empty-queue").count() == 1
    agent.evaluate("window.__notReloaded = true")

    caller = register_customer(actor=None, data=CustomerInput(name="Budi", phone="0812 1111 0000"))
    ticket = services.create_ticket(
        actor=demo["leader"],
        data=services.TicketInput(
            subject="Listrik lab padam",
            description="Sejak pagi.",
            channel="phone",
            customer_id=caller.pk,
        ),
    )
    agent.wait_for_selector(f'[data-reference="{ticket.reference}"]', timeout=8_000)
    assert agent.evaluate("window.__notReloaded") is True
    count = agent.inner_text('[data-queue="unassigned"] .count')
    assert count == "1"

    # The language switch in the footer sticks to the person, not only to this browser.
    assert lang(agent) == "en"
    agent.select_option("#language-select", "id")
    submit(agent, "#language-submit")
    assert lang(agent) == "id"
    assert User.objects.get(username="agent").language == "id"
    other = new_page("en")
    login(other, "agent")
    assert lang(other) == "id"
    # And back.
    other.select_option("#language-select", "en")
    submit(other, "#language-submit")
    assert lang(other) == "en"
    assert "/console/" in other.url
    assert User.objects.get(username="agent").language == "en"
