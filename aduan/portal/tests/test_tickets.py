"""A customer's own complaints on the portal: file with attachments, follow the timeline
without internal entries, reply, confirm the solution or say the problem persists."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.tests.factories import file_on_portal, make_ticket, ticket_in_status
from aduan.tickets import services
from aduan.tickets.attachments import add_attachment
from aduan.tickets.models import Attachment, Status, Ticket

pytestmark = pytest.mark.django_db


def test_filing_a_complaint_with_attachments(browser, org):
    files = [
        SimpleUploadedFile("foto.jpg", b"\xff\xd8 fake", content_type="image/jpeg"),
        SimpleUploadedFile("surat.pdf", b"%PDF-1.4", content_type="application/pdf"),
    ]
    response = browser("alice").post(
        "/portal/new/",
        {
            "subject": "Wifi mati",
            "description": "Sejak pagi tidak ada sinyal.",
            "category": "",
            "attachments": files,
        },
    )
    ticket = Ticket.objects.get(subject="Wifi mati")
    assert response.status_code == 302
    assert response["Location"] == f"/portal/tickets/{ticket.reference}/"
    assert ticket.status == Status.NEW
    assert ticket.channel.code == "web"
    assert ticket.customer == org.alice
    assert sorted(a.filename for a in Attachment.objects.filter(ticket=ticket)) == [
        "foto.jpg",
        "surat.pdf",
    ]


def test_a_refused_file_files_nothing(browser, org):
    response = browser("alice").post(
        "/portal/new/",
        {
            "subject": "Wifi",
            "description": "x",
            "attachments": [SimpleUploadedFile("a.html", b"<html>")],
        },
    )
    assert response.status_code == 400
    assert b'id="id_attachments-error"' in response.content
    assert not Ticket.objects.exists()


def test_a_customer_sees_only_their_own_tickets(browser, org):
    mine = file_on_portal(org, "alice")
    theirs = file_on_portal(org, "bob")
    client = browser("alice")
    listing = client.get("/portal/").content.decode()
    assert mine.reference in listing
    assert theirs.reference not in listing
    assert client.get(f"/portal/tickets/{mine.reference}/").status_code == 200
    assert client.get(f"/portal/tickets/{theirs.reference}/").status_code == 404
    # Nor can they act on it.
    reply = client.post(f"/portal/tickets/{theirs.reference}/reply/", {"reply-body": "halo"})
    assert reply.status_code == 404
    assert not theirs.events.filter(kind="customer_message").exists()


def test_the_timeline_hides_internal_entries_and_files(browser, org):
    ticket = ticket_in_status(org, "forwarded")  # instructions to the division are internal
    services.add_message(
        actor=org.user("agent"), reference=ticket.reference, body="RAHASIA catatan", internal=True
    )
    services.add_message(
        actor=org.user("agent"), reference=ticket.reference, body="Sedang kami cek."
    )
    internal = add_attachment(
        actor=org.user("agent"),
        reference=ticket.reference,
        file=SimpleUploadedFile("intern.txt", b"rahasia"),
        name="intern.txt",
        internal=True,
    )
    page = browser("alice").get(f"/portal/tickets/{ticket.reference}/").content.decode()
    assert "Sedang kami cek." in page
    assert "RAHASIA" not in page
    assert "Cek jaringan." not in page  # the forwarding instructions
    assert "intern.txt" not in page
    assert browser("alice").get(f"/portal/attachments/{internal.pk}/").status_code == 404


def test_replying(browser, org):
    ticket = file_on_portal(org)
    response = browser("alice").post(
        f"/portal/tickets/{ticket.reference}/reply/", {"reply-body": "Masih mati."}
    )
    assert response.status_code == 302
    assert ticket.events.get(kind="customer_message").body == "Masih mati."


def test_confirming_the_solution_closes_the_ticket(browser, org):
    ticket = ticket_in_status(org, "resolved")
    page = browser("alice").get(f"/portal/tickets/{ticket.reference}/").content.decode()
    assert 'id="confirm-submit"' in page and 'id="persists-submit"' in page
    browser("alice").post(
        f"/portal/tickets/{ticket.reference}/confirm/", {"confirm-version": ticket.version}
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_the_problem_persists_reopens_the_ticket(browser, org):
    ticket = ticket_in_status(org, "resolved")
    client = browser("alice")
    empty = client.post(
        f"/portal/tickets/{ticket.reference}/persists/",
        {"persists-version": ticket.version, "persists-note": ""},
    )
    assert empty.status_code == 400
    assert b'id="id_persists-note-error"' in empty.content
    client.post(
        f"/portal/tickets/{ticket.reference}/persists/",
        {"persists-version": ticket.version, "persists-note": "Internet masih putus."},
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.reopen_count == 1
    assert ticket.events.filter(kind="customer_message", body="Internet masih putus.").exists()


def test_a_stale_answer_is_refused(browser, org):
    ticket = ticket_in_status(org, "resolved")
    seen = ticket.version
    services.add_message(actor=org.user("agent"), reference=ticket.reference, body="Info tambahan")
    services.transition(
        actor=org.user("agent"),
        reference=ticket.reference,
        data=services.TransitionInput(to="closed"),
    )
    response = browser("alice").post(
        f"/portal/tickets/{ticket.reference}/confirm/", {"confirm-version": seen}
    )
    assert response.status_code == 409


def test_a_new_complaint_may_be_withdrawn(browser, org):
    ticket = file_on_portal(org)
    browser("alice").post(
        f"/portal/tickets/{ticket.reference}/withdraw/", {"withdraw-version": ticket.version}
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED


def test_customer_text_is_escaped_on_the_portal(browser, org):
    ticket = file_on_portal(org, description="<script>alert(1)</script><iframe src=//x>")
    page = browser("alice").get(f"/portal/tickets/{ticket.reference}/").content.decode()
    assert "<script>alert(1)" not in page
    assert "<iframe" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_downloads_of_own_files_are_attachments(browser, org):
    ticket = file_on_portal(org)
    attachment = add_attachment(
        actor=org.user("alice"),
        reference=ticket.reference,
        file=SimpleUploadedFile("a.txt", b"halo"),
        name="a.txt",
    )
    response = browser("alice").get(f"/portal/attachments/{attachment.pk}/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert browser("bob").get(f"/portal/attachments/{attachment.pk}/").status_code == 404


def test_portal_forms_need_the_csrf_token(org):
    from django.test import Client

    ticket = file_on_portal(org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.user("alice"))
    assert (
        client.post(f"/portal/tickets/{ticket.reference}/reply/", {"reply-body": "x"}).status_code
        == 403
    )
    assert client.post("/portal/signup/", {}).status_code == 403


def test_staff_tickets_for_the_customer_appear_too(browser, org):
    ticket = make_ticket(org)  # recorded by an agent on the phone
    assert ticket.reference in browser("alice").get("/portal/").content.decode()
