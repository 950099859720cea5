"""The ticket page: role-aware actions from the workflow table, optimistic locking, division
visibility, attachments served as downloads, and customer text never run as HTML."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.tests.factories import file_on_portal, make_ticket, ticket_in_status
from aduan.tickets import services
from aduan.tickets.attachments import add_attachment
from aduan.tickets.models import Forwarding, ForwardingStatus, Status, Ticket

pytestmark = pytest.mark.django_db


def url(ticket: Ticket, action: str = "") -> str:
    return f"/console/tickets/{ticket.reference}/" + (f"{action}/" if action else "")


def actions(response) -> set[str]:
    return set(
        re.findall(r'action="/console/tickets/[^/]+/([a-z_-]+)/"', response.content.decode())
    )


def test_an_agent_sees_the_moves_the_workflow_allows_from_open(browser, org):
    ticket = make_ticket(org)
    found = actions(browser("agent").get(url(ticket)))
    assert {"reply", "note", "classify", "take", "forward", "escalate", "attach"} <= found
    assert {"move-in_progress", "move-pending", "move-resolved", "move-cancelled"} <= found
    assert "move-closed" not in found
    assert "move-open" not in found


def test_at_tier_3_only_management_may_resolve_or_cancel(browser, org):
    ticket = make_ticket(org)
    for _ in range(2):
        ticket = services.escalate(
            actor=org.user("agent"), reference=ticket.reference, note="Naik."
        )
    assert ticket.tier == 3
    agent = actions(browser("agent").get(url(ticket)))
    assert "move-resolved" not in agent
    assert "move-cancelled" not in agent
    assert "escalate" not in agent
    director = actions(browser("director").get(url(ticket)))
    assert {"move-resolved", "move-cancelled"} <= director


def test_an_agent_cannot_do_what_only_the_director_may(browser, org):
    ticket = make_ticket(org)
    for _ in range(2):
        ticket = services.escalate(
            actor=org.user("agent"), reference=ticket.reference, note="Naik."
        )
    response = browser("agent").post(
        url(ticket, "move-resolved"),
        {
            "move-resolved-version": ticket.version,
            "move-resolved-note": "Beres.",
            "move-resolved-channel": "phone",
        },
    )
    assert response.status_code == 403
    assert b"only management" in response.content
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_closed_ticket_offers_reopening_to_supervisors_only(browser, org):
    ticket = ticket_in_status(org, "closed")
    assert actions(browser("agent").get(url(ticket))) == set()
    assert actions(browser("leader").get(url(ticket))) == {"move-open"}


def test_resolving_needs_a_solution_report_and_its_channel(browser, org):
    ticket = make_ticket(org)
    client = browser("agent")
    empty = client.post(
        url(ticket, "move-resolved"),
        {
            "move-resolved-version": ticket.version,
            "move-resolved-note": "",
            "move-resolved-channel": "phone",
        },
    )
    assert empty.status_code == 400
    assert b'id="id_move-resolved-note-error"' in empty.content
    assert b'<details id="move-resolved" open' in empty.content
    done = client.post(
        url(ticket, "move-resolved"),
        {
            "move-resolved-version": ticket.version,
            "move-resolved-note": "Kabel diganti.",
            "move-resolved-channel": "email",
        },
    )
    assert done.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.events.get(kind="solution_report").channel == "email"


def test_a_stale_version_is_refused_and_explained_not_overwritten(browser, org):
    ticket = make_ticket(org)
    seen = ticket.version
    # Someone else changes the ticket after our page was rendered.
    services.update_ticket(
        actor=org.user("agent2"),
        reference=ticket.reference,
        changes=services.TicketChanges(priority="urgent"),
    )
    response = browser("agent").post(
        url(ticket, "move-pending"),
        {"move-pending-version": seen, "move-pending-note": "Menunggu teknisi."},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="conflict"' in page
    assert "changed by someone else" in page
    # What the agent typed is still there, now with the version they have just seen.
    assert "Menunggu teknisi." in page
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.priority.code == "urgent"
    assert f'name="move-pending-version" value="{ticket.version}"' in page


def test_the_page_polls_for_changes_by_others(browser, org):
    ticket = make_ticket(org)
    client = browser("agent")
    quiet = client.get(url(ticket, "changed"), {"version": ticket.version})
    assert b"changed by someone else" not in quiet.content
    services.add_message(
        actor=org.user("agent2"), reference=ticket.reference, body="Catatan", internal=True
    )
    services.update_ticket(
        actor=org.user("agent2"),
        reference=ticket.reference,
        changes=services.TicketChanges(priority="urgent"),
    )
    changed = client.get(url(ticket, "changed"), {"version": ticket.version})
    assert b"changed by someone else" in changed.content


def test_classifying_changes_only_what_changed(browser, org):
    ticket = file_on_portal(org)
    response = browser("agent").post(
        url(ticket, "classify"),
        {
            "classify-version": ticket.version,
            "classify-subject": ticket.subject,
            "classify-category": "network",
            "classify-priority": "urgent",
            "classify-team": "helpdesk",
            "classify-assignee": str(org.user("agent").pk),
        },
    )
    assert response.status_code == 302, response.content
    ticket.refresh_from_db()
    assert ticket.category is not None
    assert ticket.category.code == "network"
    assert ticket.is_technical is True  # from the category
    assert ticket.priority.code == "urgent"
    assert ticket.assignee == org.user("agent")


def test_take_assigns_the_ticket_to_me(browser, org):
    ticket = make_ticket(org)
    browser("leader").post(url(ticket, "take"), {"take-version": ticket.version})
    ticket.refresh_from_db()
    assert ticket.assignee == org.user("leader")


def test_forwarding_sends_the_form_to_the_division(browser, org):
    ticket = make_ticket(org)
    response = browser("agent").post(
        url(ticket, "forward"),
        {
            "forward-version": ticket.version,
            "forward-team": "div-network",
            "forward-instructions": "Cek switch.",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.FORWARDED
    assert Forwarding.objects.get(ticket=ticket).team.code == "div-network"


def test_escalating_moves_the_ticket_up_a_tier(browser, org):
    ticket = make_ticket(org)
    browser("agent").post(
        url(ticket, "escalate"), {"escalate-version": ticket.version, "escalate-note": "Sulit."}
    )
    ticket.refresh_from_db()
    assert ticket.tier == 2
    assert ticket.team == org.support


def test_reply_and_internal_note_land_on_the_timeline(browser, org):
    ticket = make_ticket(org)
    client = browser("agent")
    client.post(url(ticket, "reply"), {"reply-body": "Sudah kami cek.", "reply-channel": "phone"})
    client.post(url(ticket, "note"), {"note-body": "Pelanggan sering menelepon."})
    kinds = {e.kind: e for e in ticket.events.all()}
    assert kinds["reply"].body == "Sudah kami cek."
    assert kinds["reply"].channel == "phone"
    assert kinds["note"].internal is True


def test_division_staff_see_only_tickets_forwarded_to_their_division(browser, org):
    forwarded = ticket_in_status(org, "forwarded")  # to div-network
    other = make_ticket(org)
    client = browser("division")
    assert client.get(url(forwarded)).status_code == 200
    assert client.get(url(other)).status_code == 404
    assert browser("finance").get(url(forwarded)).status_code == 404
    assert client.get("/console/tickets/ADU-1999-999999/").status_code == 404


def test_division_staff_answer_from_the_inbox_and_the_ticket_returns(browser, org):
    ticket = ticket_in_status(org, "forwarded")
    forwarding = Forwarding.objects.get(ticket=ticket)
    client = browser("division")
    inbox = client.get("/console/inbox/")
    assert ticket.reference in inbox.content.decode()
    assert f"/console/inbox/{forwarding.pk}/" in client.get(url(ticket)).content.decode()
    empty = client.post(f"/console/inbox/{forwarding.pk}/", {"findings": "Switch mati."})
    assert empty.status_code == 400
    assert b'id="id_solution-error"' in empty.content
    done = client.post(
        f"/console/inbox/{forwarding.pk}/",
        {"findings": "Switch mati.", "solution": "Switch diganti.", "user_steps": ""},
    )
    assert done.status_code == 302
    forwarding.refresh_from_db()
    ticket.refresh_from_db()
    assert forwarding.status == ForwardingStatus.RESPONDED
    assert ticket.status == Status.IN_PROGRESS
    assert (
        f'data-reference="{ticket.reference}"' not in client.get("/console/inbox/").content.decode()
    )


def test_another_division_cannot_open_the_forwarding_form(browser, org):
    ticket = ticket_in_status(org, "forwarded")
    forwarding = Forwarding.objects.get(ticket=ticket)
    assert browser("finance").get(f"/console/inbox/{forwarding.pk}/").status_code == 404
    response = browser("agent").post(
        f"/console/inbox/{forwarding.pk}/", {"findings": "x", "solution": "y"}
    )
    assert response.status_code == 403


def test_attachments_download_and_never_render(browser, org):
    ticket = make_ticket(org)
    upload = SimpleUploadedFile(
        "halaman.txt", b"<script>alert(1)</script>", content_type="text/html"
    )
    attachment = add_attachment(
        actor=org.user("agent"), reference=ticket.reference, file=upload, name="halaman.txt"
    )
    response = browser("agent").get(f"/console/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"
    assert "sandbox" in response["Content-Security-Policy"]
    assert browser("finance").get(f"/console/attachments/{attachment.pk}/").status_code == 404


def test_uploading_from_the_ticket_page(browser, org):
    ticket = make_ticket(org)
    upload = SimpleUploadedFile("surat.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = browser("agent").post(
        url(ticket, "attach"), {"attach-file": upload, "attach-internal": "on"}
    )
    assert response.status_code == 302
    attachment = ticket.attachments.get()
    assert attachment.internal is True
    refused = browser("agent").post(
        url(ticket, "attach"), {"attach-file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert refused.status_code == 400
    assert b'id="id_attach-file-error"' in refused.content


def test_customer_text_with_a_script_is_shown_as_text(browser, org):
    ticket = file_on_portal(
        org,
        subject="<script>alert('subject')</script>",
        description="Halo <script>alert('x')</script> <img src=x onerror=alert(1)> lihat https://contoh.id",
    )
    services.add_message(
        actor=org.user("alice"), reference=ticket.reference, body="<b onclick=alert(2)>tebal</b>"
    )
    page = browser("agent").get(url(ticket)).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<b onclick" not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    assert (
        '<a href="https://contoh.id" rel="nofollow noopener noreferrer">https://contoh.id</a>'
        in page
    )


def test_an_unknown_action_is_not_found(browser, org):
    ticket = make_ticket(org)
    assert browser("agent").post(url(ticket, "move-forwarded"), {}).status_code == 404
    assert browser("agent").post(url(ticket, "explode"), {}).status_code == 404
    assert browser("agent").get(url(ticket, "reply")).status_code == 405


def test_ticket_forms_refuse_a_post_without_the_csrf_token(org):
    from django.test import Client

    ticket = make_ticket(org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.user("agent"))
    response = client.post(url(ticket, "note"), {"note-body": "tanpa token"})
    assert response.status_code == 403
    assert not ticket.events.filter(kind="note").exists()
