"""Seed 000 ("Prosedur Pengaduan Layanan") in a real browser, in Indonesian and in English.

1.1 the customer signs up on the portal and files a complaint; the helpdesk classifies it;
1.2 it forwards the complaint to the division, which examines it and answers with findings
and a solution; 1.3 the helpdesk resolves it with a solution report and its channel; the
customer says the problem persists, and the ticket opens again.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from aduan.tickets.models import Status, Ticket
from e2e.helpers import PASSWORD, go, lang, login, submit

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(page) -> str:
    return str(page.get_attribute("#ticket-status", "data-status"))


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_portal_complaint_goes_to_the_division_is_resolved_and_reopened(
    demo, new_page, language, tmp_path
):
    email = f"sinta.{language}@contoh.sch.id"

    # 1.1.1 The customer signs up on the portal with an email address and confirms it.
    customer = new_page(language)
    go(customer, "/portal/signup/")
    assert lang(customer) == language
    customer.fill("#id_name", "Sinta Maharani")
    customer.fill("#id_email", email)
    customer.fill("#id_organisation_name", "SMA Negeri 3 Malang")
    customer.fill("#id_password1", "Pengaduan-Aman-2026")
    customer.fill("#id_password2", "Pengaduan-Aman-2026")
    customer.click("#signup-submit")
    customer.wait_for_selector("#verify-sent")
    link = re.search(r"https?://\S+/portal/verify/\S+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    customer.goto(link[0])
    customer.wait_for_url("**/portal/")

    # ... and files the complaint, with a photo of the error.
    customer.click("#new-complaint")
    customer.fill("#id_subject", "Internet lab komputer putus-putus")
    customer.fill("#id_description", "Sejak Senin koneksi di lab komputer putus setiap 10 menit.")
    photo = tmp_path / "layar.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n fake screenshot")
    customer.set_input_files("#id_attachments", str(photo))
    customer.click("#complaint-submit")
    customer.wait_for_url("**/portal/tickets/**")
    reference = customer.inner_text("#ticket-reference")
    assert status_of(customer) == Status.NEW
    assert "layar.png" in customer.inner_text("main")

    # 1.1.2-1.1.3 The helpdesk finds it among the new complaints and classifies it.
    agent = new_page(language)
    login(agent, "agent")
    go(agent, "/console/queues/?queue=new")
    agent.click(f'[data-reference="{reference}"] a')
    agent.wait_for_url(f"**/console/tickets/{reference}/")
    agent.click("#classify summary")
    agent.select_option("#id_classify-category", "network")
    agent.select_option("#id_classify-priority", "high")
    submit(agent, "#classify-submit")
    ticket = Ticket.objects.get(reference=reference)
    assert ticket.category is not None and ticket.category.code == "network"

    # 1.2.4 It cannot solve it and forwards it to the network division with instructions.
    agent.click("#forward summary")
    agent.select_option("#id_forward-team", "div-network")
    agent.fill("#id_forward-instructions", "Mohon cek switch di lab lantai 2.")
    submit(agent, "#forward-submit")
    assert status_of(agent) == Status.FORWARDED

    # 1.2.5-1.2.7 The division finds the form in its inbox and answers it.
    division = new_page(language)
    login(division, "division")
    assert "/console/inbox/" in division.url
    division.click(f'[data-reference="{reference}"] a')
    assert "Mohon cek switch" in division.inner_text("main")
    division.fill("#id_findings", "Port switch lantai 2 rusak.")
    division.fill("#id_solution", "Port dipindah ke switch cadangan.")
    division.fill("#id_user_steps", "Cabut dan pasang lagi kabel jaringan komputer.")
    division.click("#response-submit")
    division.wait_for_url("**/console/inbox/")
    assert division.locator(f'[data-reference="{reference}"]').count() == 0

    # 1.3.1-1.3.3 The helpdesk gets the findings back and resolves with a solution report.
    go(agent, f"/console/tickets/{reference}/")
    assert status_of(agent) == Status.IN_PROGRESS
    assert "Port switch lantai 2 rusak." in agent.inner_text("#forwardings")
    agent.click("#move-resolved summary")
    agent.fill("#id_move-resolved-note", "Port dipindah; silakan cabut dan pasang lagi kabelnya.")
    agent.select_option("#id_move-resolved-channel", "email")
    submit(agent, "#move-resolved-submit")
    assert status_of(agent) == Status.RESOLVED

    # 1.3.4 The customer reads the solution, but the problem persists: the ticket reopens.
    customer.reload()
    assert status_of(customer) == Status.RESOLVED
    timeline = customer.inner_text("#timeline")
    assert "Port dipindah" in timeline
    assert "Mohon cek switch" not in timeline  # the division's instructions are internal
    customer.click("#persists summary")
    customer.fill("#id_persists-note", "Masih putus setiap 10 menit.")
    submit(customer, "#persists-submit")
    assert status_of(customer) == Status.OPEN
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.reopen_count == 1
    for page in (customer, agent, division):
        assert lang(page) == language
        assert page.js_errors == []
    assert PASSWORD  # the staff logged in with the demo password
