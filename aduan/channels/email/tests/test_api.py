"""The mail API: who may see and re-run inbound messages, see and resend outbound mail, edit
templates and configure mailboxes; errors in the API's one shape."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import json
import uuid

import pytest

from aduan.audit.models import AuditEntry
from aduan.channels.email import inbound
from aduan.channels.email.models import Mailbox, MailTemplate, OutboundMessage

pytestmark = pytest.mark.django_db


def mail(sender: str = "dewi@contoh.co.id", body: str = "Printer macet.") -> bytes:
    return (
        f"From: Dewi <{sender}>\nTo: helpdesk@aduan.test\nSubject: Printer\n"
        f"Message-ID: <{uuid.uuid4().hex}@contoh.co.id>\nContent-Type: multipart/alternative; "
        'boundary="b"\n\n--b\nContent-Type: text/plain\n\n'
        f"{body}\n\n-- \nDewi\n--b\nContent-Type: text/html\n\n"
        '<p onclick="x()">Printer <b>macet</b><script>alert(1)</script></p>\n--b--\n'
    ).encode()


def failed_message():
    raw = f"To: helpdesk@aduan.test\nSubject: ?\nX-Id: {uuid.uuid4()}\n\nno sender\n".encode()
    return inbound.ingest(raw, source="pipe").message


def put(client, path: str, payload):
    return client.client.put(
        f"/api/v1{path}",
        json.dumps(payload),
        content_type="application/json",
        headers=client._headers(),
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("agent", 403), ("director", 403), ("alice", 403), (None, 401)],
)
def test_only_administrators_list_inbound_messages(org, api, who, status):
    failed_message()
    assert api(who).get("/mail/inbound").status_code == status


def test_the_failed_list_names_each_error_and_pages_by_cursor(org, api):
    failed = [failed_message() for _ in range(3)]
    inbound.ingest(mail(), source="pipe")
    admin = api("admin")
    page = admin.get("/mail/inbound", {"status": "failed", "limit": 2}).json()
    assert [row["id"] for row in page["items"]] == [failed[2].pk, failed[1].pk]
    assert page["items"][0]["reason"] == "no_sender"
    assert page["items"][0]["reason_label"] and page["items"][0]["error"]
    rest = admin.get("/mail/inbound", {"status": "failed", "cursor": page["next_cursor"]}).json()
    assert [row["id"] for row in rest["items"]] == [failed[0].pk]
    assert rest["next_cursor"] is None
    assert admin.get("/mail/inbound", {"cursor": "abc"}).status_code == 400


def test_staff_who_may_read_the_ticket_see_the_full_text_and_safe_html(org, api):
    message = inbound.ingest(mail(), source="pipe").message
    for who in ("admin", "agent", "verificator"):
        body = api(who).get(f"/mail/inbound/{message.pk}").json()
        assert body["ticket"] == message.ticket.reference
        assert "--\nDewi" in body["text"]  # the full text, signature and all
        assert "<b>macet</b>" in body["html"]
        assert "script" not in body["html"] and "onclick" not in body["html"]
    # Not the customer, not a division that was never forwarded it.
    assert api("alice").get(f"/mail/inbound/{message.pk}").status_code == 404
    assert api("division").get(f"/mail/inbound/{message.pk}").status_code == 404
    # The timeline shows the trimmed text.
    assert message.ticket.description == "Printer macet."


def test_the_raw_message_downloads_for_administrators_only_and_is_never_rendered(org, api):
    raw = mail()
    message = inbound.ingest(raw, source="pipe").message
    response = api("admin").client.get(
        f"/api/v1/mail/inbound/{message.pk}/raw", headers=api("admin")._headers()
    )
    assert response.status_code == 200 and response.content == raw
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert api("agent").get(f"/mail/inbound/{message.pk}/raw").status_code == 404


def test_an_administrator_runs_a_failed_message_again(org, api, monkeypatch):
    from aduan.channels.email import inbound as module

    raw = mail()
    monkeypatch.setattr(module, "parse", lambda raw: 1 / 0)
    message = inbound.ingest(raw, source="pipe").message
    assert message.status == "failed"
    monkeypatch.undo()
    assert api("agent").post(f"/mail/inbound/{message.pk}/retry", {}).status_code == 403
    response = api("admin").post(f"/mail/inbound/{message.pk}/retry", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "processed" and response.json()["ticket"]
    again = api("admin").post(f"/mail/inbound/{message.pk}/retry", {})
    assert again.status_code == 409 and again.json()["current"] == "processed"
    assert api("admin").post("/mail/inbound/999999/retry", {}).status_code == 404
    assert api("admin").post("/mail/inbound/0/retry", {}).status_code == 400


def test_front_line_staff_follow_outbound_mail_and_send_failed_mail_again(org, api):
    message = inbound.ingest(mail(), source="pipe").message
    ack = OutboundMessage.objects.get(inbound=message)
    OutboundMessage.objects.filter(pk=ack.pk).update(status="failed", last_error="550 no")
    agent = api("agent")
    listed = agent.get("/mail/outbound", {"status": "failed"}).json()["items"]
    assert [(row["id"], row["last_error"], row["ticket"]) for row in listed] == [
        (ack.pk, "550 no", message.ticket.reference)
    ]
    assert agent.get("/mail/outbound", {"ticket": message.ticket.reference}).json()["items"]
    assert api("alice").get("/mail/outbound").status_code == 403
    assert api("division").get(f"/mail/outbound/{ack.pk}").status_code == 403
    resent = agent.post(f"/mail/outbound/{ack.pk}/retry")
    assert resent.status_code == 200
    assert resent.json()["status"] in ("queued", "sent")
    assert AuditEntry.objects.filter(action="mail.outbound_resend").exists()
    OutboundMessage.objects.filter(pk=ack.pk).update(status="sent")
    assert agent.post(f"/mail/outbound/{ack.pk}/retry").status_code == 409


def test_administrators_edit_and_reset_templates(org, api):
    admin = api("admin")
    listed = admin.get("/mail/templates").json()
    assert len(listed) == 8 and all(row["is_default"] for row in listed)
    saved = put(
        admin,
        "/mail/templates/acknowledgement/en",
        {
            "subject": "Got it: {{ subject }}",
            "body": "Hi {{ customer_name }}, your reference is {{ reference }}.",
        },
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["is_default"] is False
    row = MailTemplate.objects.get(kind="acknowledgement", language="en")
    assert row.updated_by == org.user("admin")
    assert AuditEntry.objects.filter(action="mail.template_saved").exists()
    broken = put(admin, "/mail/templates/reply/id", {"subject": "x", "body": "{% for %}"})
    assert broken.status_code == 400 and broken.json()["errors"][0]["field"] == "body"
    two_lines = put(admin, "/mail/templates/reply/id", {"subject": "a\nBcc: x", "body": "b"})
    assert two_lines.status_code == 400 and two_lines.json()["errors"][0]["field"] == "subject"
    assert (
        put(admin, "/mail/templates/nonsense/id", {"subject": "x", "body": "y"}).status_code == 400
    )
    assert (
        put(api("agent"), "/mail/templates/reply/id", {"subject": "x", "body": "y"}).status_code
        == 403
    )
    assert api("agent").get("/mail/templates").status_code == 403
    reset = admin.delete("/mail/templates/acknowledgement/en")
    assert reset.status_code == 204
    assert not MailTemplate.objects.exists()
    assert admin.delete("/mail/templates/acknowledgement/en").status_code == 404


def test_administrators_configure_mailboxes_and_the_password_is_never_shown(org, api):
    admin = api("admin")
    created = admin.post(
        "/mail/mailboxes",
        {
            "name": "helpdesk",
            "host": "imap.contoh.co.id",
            "username": "helpdesk",
            "password": "s3cret",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["password_set"] is True and "password" not in body
    mailbox_id = body["id"]
    changed = admin.patch(
        f"/mail/mailboxes/{mailbox_id}", {"after_store": "move", "move_to": "Aduan"}
    )
    assert changed.status_code == 200 and changed.json()["after_store"] == "move"
    assert Mailbox.objects.get().password == "s3cret"  # kept when not given
    missing_folder = admin.patch(f"/mail/mailboxes/{mailbox_id}", {"move_to": ""})
    assert missing_folder.status_code == 400
    assert missing_folder.json()["errors"][0]["field"] == "move_to"
    duplicate = admin.post("/mail/mailboxes", {"name": "helpdesk", "host": "x", "username": "y"})
    assert duplicate.status_code == 409
    assert (
        admin.post(
            "/mail/mailboxes", {"name": "b", "host": "x", "username": "y", "port": 0}
        ).status_code
        == 400
    )
    assert api("agent").get("/mail/mailboxes").status_code == 403
    assert (
        api("agent")
        .post("/mail/mailboxes", {"name": "c", "host": "x", "username": "y"})
        .status_code
        == 403
    )
    assert [row["name"] for row in admin.get("/mail/mailboxes").json()] == ["helpdesk"]
    assert admin.delete(f"/mail/mailboxes/{mailbox_id}").status_code == 204
    assert not Mailbox.objects.exists()
    assert AuditEntry.objects.filter(action="mail.mailbox_deleted").exists()


def test_answers_are_in_the_callers_language(org, api):
    message = failed_message()
    indonesian = api("agent", language="id").post(f"/mail/inbound/{message.pk}/retry", {})
    english = api("agent", language="en").post(f"/mail/inbound/{message.pk}/retry", {})
    assert english.json()["detail"] == "Only administrators may do this."
    assert indonesian.status_code == english.status_code == 403
