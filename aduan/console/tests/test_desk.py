"""The caller desk, seed 001 steps 2-11: look up by phone in any spelling, register a new
caller, record the complaint with attachments and the outcome of the call."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.customers.models import Customer
from aduan.tests.factories import make_ticket, ticket_in_status
from aduan.tickets.models import Attachment, Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("spelling", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890"])
def test_a_registered_caller_appears_with_open_and_pending_tickets(browser, org, spelling):
    open_ticket = make_ticket(org)
    pending = ticket_in_status(org, "pending")
    closed = ticket_in_status(org, "closed")
    response = browser("agent").get("/console/desk/", {"q": spelling})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Wijaya" in page
    assert open_ticket.reference in page
    assert pending.reference in page
    assert closed.reference not in page
    assert f'href="/console/desk/callers/{org.alice.pk}/complaint/"' in page
    # The next step is one Enter away, and the pending ticket's way up is named.
    assert "autofocus" in page.split('class="new-complaint"')[1].split(">")[0]
    assert "support team" in page


def test_an_unknown_number_offers_registration_with_the_number_filled_in(browser, org):
    response = browser("agent").get("/console/desk/", {"q": "0813 9999 0000"})
    page = response.content.decode()
    assert 'id="register-form"' in page
    assert 'value="0813 9999 0000"' in page


def test_htmx_lookups_get_only_the_result(browser, org):
    response = browser("agent").get(
        "/console/desk/", {"q": "0812-3456-7890"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert page.strip().startswith('<section id="desk-result"')
    assert "<html" not in page


def test_registering_a_caller_leads_to_the_complaint_form(browser, org):
    response = browser("agent").post(
        "/console/desk/register/",
        {"name": "Citra Lestari", "phone": "0813-9999-0000", "email": ""},
    )
    customer = Customer.objects.get(name="Citra Lestari")
    assert customer.phone == "+6281399990000"
    assert customer.is_verified is False
    assert response.status_code == 302
    assert response["Location"] == f"/console/desk/callers/{customer.pk}/complaint/"


def test_registering_a_known_number_twice_is_refused_with_a_link_to_the_caller(browser, org):
    response = browser("agent").post(
        "/console/desk/register/", {"name": "Alice lagi", "phone": "0812 3456 7890"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="id_phone-error"' in page
    assert f"/console/desk/callers/{org.alice.pk}/complaint/" in page
    assert not Customer.objects.filter(name="Alice lagi").exists()


def complaint(**fields):
    data = {
        "subject": "Internet mati",
        "description": "Lab komputer tidak bisa internet sejak pagi.",
        "channel": "phone",
        "category": "network",
        "priority": "",
        "outcome": "open",
        "note": "",
    }
    data.update(fields)
    return data


def test_recording_a_complaint_opens_a_ticket_for_the_caller(browser, org):
    upload = SimpleUploadedFile("foto.png", b"\x89PNG fake", content_type="image/png")
    response = browser("agent").post(
        f"/console/desk/callers/{org.alice.pk}/complaint/", complaint(attachments=[upload])
    )
    ticket = Ticket.objects.get(subject="Internet mati")
    assert response.status_code == 302
    assert response["Location"] == f"/console/tickets/{ticket.reference}/"
    assert ticket.status == Status.OPEN
    assert ticket.customer == org.alice
    assert ticket.channel.code == "phone"
    assert ticket.created_by == org.user("agent")
    assert Attachment.objects.get(ticket=ticket).filename == "foto.png"


def test_a_call_solved_on_the_spot_is_resolved_with_its_report(browser, org):
    browser("agent").post(
        f"/console/desk/callers/{org.alice.pk}/complaint/",
        complaint(outcome="resolved", note="Modem dinyalakan ulang, internet normal."),
    )
    ticket = Ticket.objects.get(subject="Internet mati")
    assert ticket.status == Status.RESOLVED
    report = ticket.events.get(kind="solution_report")
    assert report.channel == "phone"
    assert "Modem" in report.body


def test_pending_without_a_reason_records_nothing_and_says_why_beside_the_field(browser, org):
    response = browser("agent").post(
        f"/console/desk/callers/{org.alice.pk}/complaint/", complaint(outcome="pending")
    )
    assert response.status_code == 400
    assert b'id="id_note-error"' in response.content
    assert not Ticket.objects.exists()


def test_a_refused_attachment_records_nothing(browser, org):
    upload = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = browser("agent").post(
        f"/console/desk/callers/{org.alice.pk}/complaint/", complaint(attachments=[upload])
    )
    assert response.status_code == 400
    assert b'id="id_attachments-error"' in response.content
    assert not Ticket.objects.exists()


def test_service_errors_land_beside_their_fields(browser, org):
    response = browser("agent").post(
        f"/console/desk/callers/{org.alice.pk}/complaint/", complaint(subject="a\x01b")
    )
    assert response.status_code == 400
    assert b'id="id_subject-error"' in response.content
