"""Mail from machines: bounces (also when they say Auto-Submitted) mark the mail they return,
delay notices mark nothing; other tools' notifications open tickets without an
acknowledgement; auto-generated monitoring mail opens tickets only where the mailbox (or the
pipe) accepts it, and is never answered."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import re
import uuid

import pytest

from aduan.channels.email import imap, inbound
from aduan.channels.email.models import InboundMessage, Mailbox, OutboundMessage
from aduan.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def mail(
    *,
    sender: str = "Budi <budi@contoh.co.id>",
    subject: str = "Internet mati",
    body: str = "Internet di lab mati.",
    headers: str = "",
) -> bytes:
    return (
        f"From: {sender}\nTo: helpdesk@aduan.test\nSubject: {subject}\n"
        f"Message-ID: <{uuid.uuid4().hex}@contoh.co.id>\n{headers}\n{body}\n"
    ).encode()


def sent_acknowledgement(sender: str = "nobody@contoh.co.id") -> OutboundMessage:
    ticket = inbound.ingest(mail(sender=sender), source="pipe").message.ticket
    ack = OutboundMessage.objects.get(ticket=ticket)
    OutboundMessage.objects.filter(pk=ack.pk).update(status="sent")
    return ack


def report(action: str, returned_id: str, *, headers: str = "Auto-Submitted: auto-replied\n"):
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.contoh.co.id>\nTo: aduan@localhost\n"
        f"Subject: Delivery Status Notification\nMessage-ID: <{uuid.uuid4().hex}@mx>\n{headers}"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
        f"--b\nContent-Type: text/plain\n\nDelivery to nobody@contoh.co.id: {action}.\n"
        "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.contoh.co.id\n\n"
        f"Final-Recipient: rfc822; nobody@contoh.co.id\nAction: {action}\nStatus: 5.1.1\n"
        f"--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: {returned_id}\n--b--\n"
    ).encode()


# --- bounces and delays ---------------------------------------------------------------------


@pytest.mark.parametrize("auto", ["auto-replied", "auto-generated", "auto-notified"])
def test_a_delivery_report_saying_auto_submitted_is_a_bounce_and_marks_our_mail(org, auto):
    ack = sent_acknowledgement()
    bounce = inbound.ingest(
        report("failed", ack.message_id, headers=f"Auto-Submitted: {auto}\n"), source="pipe"
    )
    assert (bounce.message.status, bounce.message.reason) == ("ignored", "bounce")
    ack.refresh_from_db()
    assert ack.status == "bounced" and "failed" in ack.last_error


def test_a_bounce_naming_our_mail_only_in_in_reply_to_marks_it(org):
    ack = sent_acknowledgement()
    bounce = mail(
        sender="Mail Delivery System <Mailer-Daemon@relay.contoh.co.id>",
        subject="Mail delivery failed: returning message to sender",
        headers=f"Auto-Submitted: auto-replied\nX-Failed-Recipients: nobody@contoh.co.id\n"
        f"In-Reply-To: {ack.message_id}\n",
        body="nobody@contoh.co.id\n  mailbox is full",
    )
    assert inbound.ingest(bounce, source="pipe").message.reason == "bounce"
    ack.refresh_from_db()
    assert ack.status == "bounced"


def test_a_report_returning_headers_of_other_mail_still_marks_ours_by_in_reply_to(org):
    ack = sent_acknowledgement()
    bounce = report(
        "failed",
        "<forwarded-by-someone@else.example>",
        headers=f"Auto-Submitted: auto-replied\nIn-Reply-To: {ack.message_id}\n",
    )
    assert inbound.ingest(bounce, source="pipe").message.reason == "bounce"
    ack.refresh_from_db()
    assert ack.status == "bounced"


def test_a_delay_notice_is_ignored_and_marks_nothing(org):
    ack = sent_acknowledgement()
    tickets = Ticket.objects.count()
    delay = inbound.ingest(report("delayed", ack.message_id), source="pipe").message
    assert (delay.status, delay.reason) == ("ignored", "delay")
    ack.refresh_from_db()
    assert ack.status == "sent"
    assert Ticket.objects.count() == tickets
    assert not OutboundMessage.objects.filter(inbound=delay).exists()


def test_a_delay_warning_without_a_report_is_a_delay_too(org):
    ack = sent_acknowledgement()
    warning = mail(
        sender="Mail Delivery System <MAILER-DAEMON@relay.contoh.co.id>",
        subject="Warning: message 1xYz-0001 delayed 24 hours",
        headers=f"In-Reply-To: {ack.message_id}\n",
        body="This message has been delayed; delivery is still being tried.",
    )
    assert inbound.ingest(warning, source="pipe").message.reason == "delay"
    ack.refresh_from_db()
    assert ack.status == "sent"


def test_a_report_that_the_mail_was_delivered_is_a_receipt_not_a_bounce(org):
    ack = sent_acknowledgement()
    receipt = inbound.ingest(report("delivered", ack.message_id), source="pipe").message
    assert (receipt.status, receipt.reason) == ("ignored", "receipt")
    ack.refresh_from_db()
    assert ack.status == "sent"


def test_an_auto_reply_with_a_null_return_path_is_not_taken_for_a_bounce(org):
    ack = sent_acknowledgement(sender="cuti@contoh.co.id")
    vacation = mail(
        sender="Siti <cuti@contoh.co.id>",
        subject="Re: Keluhan diterima",
        headers=f"Return-Path: <>\nAuto-Submitted: auto-replied\nIn-Reply-To: {ack.message_id}\n",
        body="Saya sedang cuti.",
    )
    assert inbound.ingest(vacation, source="pipe").message.reason == "auto_submitted"
    ack.refresh_from_db()
    assert ack.status == "sent"


# --- other tools ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["X-JIRA-FingerPrint: 0a1b2c", "X-GitLab-Project: portal", "X-Redmine-Project: lab"],
)
def test_another_tools_notification_opens_a_ticket_without_an_acknowledgement(org, header):
    message = inbound.ingest(mail(headers=header + "\n"), source="pipe").message
    assert message.status == "processed" and message.ticket is not None
    assert not OutboundMessage.objects.filter(inbound=message).exists()


def test_the_header_list_is_a_setting(org, settings):
    settings.ADUAN_MAIL_NO_REPLY_HEADERS = ["X-Sistem-Kampus", "X-Tool-*"]
    for header, acknowledged in [
        ("X-Redmine-Project: lab", True),
        ("X-Sistem-Kampus: ya", False),
        ("x-tool-name: monitor", False),
        ("X-Mailer: Thunderbird", True),
    ]:
        message = inbound.ingest(mail(headers=header + "\n"), source="pipe").message
        assert message.status == "processed"
        assert OutboundMessage.objects.filter(inbound=message).exists() is acknowledged, header


# --- auto-generated mail, per mailbox -------------------------------------------------------

ALERT = "Auto-Submitted: auto-generated\n"


def test_auto_generated_mail_is_ignored_unless_accepted_and_then_never_answered(org):
    ignored = inbound.ingest(mail(headers=ALERT), source="pipe").message
    assert (ignored.status, ignored.reason) == ("ignored", "auto_submitted")
    accepted = inbound.ingest(
        mail(sender="Zabbix <zabbix@noc.contoh.co.id>", headers=ALERT),
        source="pipe",
        accept_auto_generated=True,
    ).message
    assert accepted.status == "processed" and accepted.ticket is not None
    assert not OutboundMessage.objects.filter(inbound=accepted).exists()


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: auto-replied\n",
        "Auto-Submitted: auto-notified\n",
        f"{ALERT}X-Loop: aduan-helpdesk@aduan.test\n",
        f"{ALERT}Precedence: bulk\n",
    ],
    ids=["auto-replied", "auto-notified", "our-own-mail", "bulk"],
)
def test_a_mailbox_accepting_auto_generated_mail_still_ignores_other_automatic_mail(org, headers):
    message = inbound.ingest(
        mail(headers=headers), source="pipe", accept_auto_generated=True
    ).message
    assert message.status == "ignored"


def test_the_choice_is_kept_with_the_message_for_a_later_run(org):
    stored = inbound.store(mail(headers=ALERT), source="imap", accept_auto_generated=True)
    # The process died here; the sweep processes it later, knowing nothing of its mailbox.
    message = inbound.process(stored.message.pk)
    assert message.status == "processed" and message.accept_auto_generated


def test_mailboxes_do_not_accept_auto_generated_mail_unless_an_administrator_says_so(org, api):
    admin = api("admin")
    created = admin.post(
        "/mail/mailboxes", {"name": "noc", "host": "imap.contoh.co.id", "username": "noc"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["accept_auto_generated"] is False
    assert Mailbox.objects.get().accept_auto_generated is False
    changed = admin.patch(
        f"/mail/mailboxes/{created.json()['id']}", {"accept_auto_generated": True}
    )
    assert changed.status_code == 200 and changed.json()["accept_auto_generated"] is True
    assert Mailbox.objects.get().accept_auto_generated is True


def test_an_imap_mailbox_that_accepts_auto_generated_mail_makes_tickets_of_it(org, dovecot):
    row = Mailbox.objects.create(
        name="noc",
        host="127.0.0.1",
        port=dovecot.port,
        security="none",
        username="support",
        password="rahasia-imap",
    )
    alert = mail(sender="Zabbix <zabbix@noc.contoh.co.id>", headers=ALERT)
    dovecot.append(alert, user="support")
    assert imap.poll(imap.MailboxConfig.from_model(row)).stored == 1
    assert InboundMessage.objects.get().reason == "auto_submitted"

    row.accept_auto_generated = True
    row.save()
    second = mail(sender="Zabbix <zabbix@noc.contoh.co.id>", headers=ALERT, body="Disk penuh.")
    dovecot.append(second, user="support")
    result = imap.poll(imap.MailboxConfig.from_model(row))
    assert result.stored == 1 and len(result.references) == 1
    message = InboundMessage.objects.get(ticket__reference=result.references[0])
    assert message.status == "processed" and message.mailbox == "noc"
    assert not OutboundMessage.objects.filter(inbound=message).exists()


def test_the_url_of_a_mailbox_in_the_settings_can_accept_auto_generated_mail(dovecot):
    url = dovecot.url("support", accept_auto_generated="1")
    assert imap.MailboxConfig.from_url(url).accept_auto_generated is True
    assert imap.MailboxConfig.from_url(dovecot.url("support")).accept_auto_generated is False


def test_the_pipe_accepts_auto_generated_mail_only_when_told(live_db):
    alert = mail(sender="Zabbix <zabbix@noc.contoh.co.id>", headers=ALERT)
    refused = live_db.run("ingest-email", input=alert)
    assert refused.returncode == 0
    assert b"(ignored: auto_submitted)" in refused.stdout
    other = mail(sender="Zabbix <zabbix@noc.contoh.co.id>", headers=ALERT, body="Lagi.")
    taken = live_db.run("ingest-email", "--accept-auto-generated", input=other)
    assert taken.returncode == 0, taken.stderr.decode()
    reference = taken.stdout.decode().strip()
    assert re.fullmatch(r"ADU-\d{4}-\d{6}", reference)
    answers = live_db.scalar(
        "SELECT count(*) FROM mail_outboundmessage o JOIN tickets_ticket t ON t.id = o.ticket_id "
        "WHERE t.reference = ?",
        (reference,),
    )
    assert answers == 0
