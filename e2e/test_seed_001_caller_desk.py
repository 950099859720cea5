"""Seed 001 (the contact centre's phone procedure) at the caller desk, by keyboard only, in
Indonesian and in English: an unknown number is registered on the spot and the complaint
recorded; a known caller comes up with their open tickets, one Enter from a new complaint.
An agent on a call must manage this in well under a minute without the mouse.
"""

from __future__ import annotations

import time

import pytest

from aduan.customers.models import Customer
from aduan.tickets.models import Status, Ticket
from e2e.helpers import go, lang, login

pytestmark = pytest.mark.django_db(transaction=True)


def focused(page) -> dict:
    return page.evaluate(
        "({id: document.activeElement.id, cls: document.activeElement.className,"
        " tag: document.activeElement.tagName})"
    )


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_new_caller_is_registered_and_calls_again_all_by_keyboard(demo, new_page, language):
    agent = new_page(language)
    login(agent, "agent")
    go(agent, "/console/desk/")
    assert lang(agent) == language
    started = time.monotonic()

    # Steps 1-3: the phone field has the focus; type the number as the caller says it.
    assert focused(agent)["id"] == "id_q"
    agent.keyboard.type("0813 2222 4444")
    agent.keyboard.press("Enter")

    # Step 4: not registered. The short form has the focus, the number already in it.
    agent.wait_for_selector("#register-form")
    agent.wait_for_function("document.activeElement && document.activeElement.id === 'id_name'")
    assert agent.input_value("#id_phone") == "0813 2222 4444"
    agent.keyboard.type("Rahmat Hidayat")
    agent.keyboard.press("Tab")  # phone, already filled
    agent.keyboard.press("Tab")
    agent.keyboard.type("rahmat@sdn5.sch.id")
    agent.keyboard.press("Tab")
    agent.keyboard.type("SD Negeri 5 Bogor")
    with agent.expect_navigation():
        agent.keyboard.press("Enter")

    # Step 9: the complaint form, the subject field first; Ctrl+Enter sends it.
    agent.wait_for_function("document.activeElement && document.activeElement.id === 'id_subject'")
    agent.keyboard.type("Jardiknas di sekolah tidak tersambung")
    agent.keyboard.press("Tab")
    agent.keyboard.type("Sejak kemarin modem Jardiknas menyala tetapi tidak ada koneksi.")
    with agent.expect_navigation():
        agent.keyboard.press("Control+Enter")

    elapsed = time.monotonic() - started
    reference = agent.inner_text("#ticket-reference")
    ticket = Ticket.objects.get(reference=reference)
    assert ticket.status == Status.OPEN
    assert ticket.channel.code == "phone"
    assert ticket.customer.name == "Rahmat Hidayat"
    assert ticket.customer.phone == "+6281322224444"
    assert ticket.customer.email == "rahmat@sdn5.sch.id"
    assert elapsed < 60, f"took {elapsed:.1f} s"

    # The same caller phones again the next day. Step 5: the number, spelled differently,
    # brings up the caller with the open ticket; the keyboard is on "New complaint".
    go(agent, "/console/desk/")
    agent.keyboard.type("+62 813-2222-4444")
    agent.keyboard.press("Enter")
    caller = Customer.objects.get(phone="+6281322224444")
    agent.wait_for_selector(f'.caller[data-customer="{caller.pk}"]')
    assert reference in agent.inner_text("#desk-result")
    agent.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains('new-complaint')"
    )
    with agent.expect_navigation():
        agent.keyboard.press("Enter")

    # Steps 9 and 11: a new problem, solved during the call: Tab to the outcome, arrow to
    # "solved", Tab to the report, Ctrl+Enter.
    agent.wait_for_function("document.activeElement && document.activeElement.id === 'id_subject'")
    agent.keyboard.type("Lupa kata sandi akun guru")
    agent.keyboard.press("Tab")
    agent.keyboard.type("Guru tidak bisa masuk ke portal.")
    agent.focus("#id_outcome_0")
    agent.keyboard.press("ArrowDown")
    assert agent.is_checked("#id_outcome_1")
    agent.keyboard.press("Tab")
    agent.keyboard.type("Kata sandi direset, guru sudah bisa masuk.")
    with agent.expect_navigation():
        agent.keyboard.press("Control+Enter")
    solved = Ticket.objects.get(reference=agent.inner_text("#ticket-reference"))
    assert solved.status == Status.RESOLVED
    assert solved.customer == caller
    assert solved.events.get(kind="solution_report").channel == "phone"
    assert Customer.objects.filter(phone="+6281322224444").count() == 1
    assert lang(agent) == language
    assert agent.js_errors == []
