"""Mail Aduan sends, received by a real SMTP server (aiosmtpd): acknowledgements, replies and
solution reports with the reference, Message-ID and In-Reply-To, Auto-Submitted, templates in
the customer's language, retries and the failed state, and no header injection."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="union-attr, misc, operator"

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from aduan.channels.email import inbound, services
from aduan.channels.email.models import InboundMessage, MailTemplate, OutboundMessage
from aduan.channels.email.tests.servers import free_port
from aduan.customers.models import Customer
from aduan.runners.channels import send_due as sweep
from aduan.tests.factories import make_ticket
from aduan.tickets import services as tickets

pytestmark = pytest.mark.django_db


def mail(
    sender: str = "Dewi <dewi@contoh.co.id>", subject: str = "Printer macet", **headers: str
) -> bytes:
    extra = "".join(f"{name.replace('_', '-')}: {value}\n" for name, value in headers.items())
    return (
        f"From: {sender}\nTo: helpdesk@aduan.test\nSubject: {subject}\n"
        f"Message-ID: <{uuid.uuid4().hex}@contoh.co.id>\n{extra}\nPrinter di ruang 3 macet.\n"
    ).encode()


def test_a_mailed_complaint_is_acknowledged_by_smtp_with_the_reference_and_thread_headers(
    org, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = inbound.ingest(mail(), source="pipe").message
    [received] = smtp.wait_for(1)
    ack = OutboundMessage.objects.get(inbound=message)
    assert ack.status == "sent" and ack.attempts == 1 and ack.sent_at is not None
    sent = received.message
    assert received.rcpt_tos == ["dewi@contoh.co.id"]
    assert sent["To"].addresses[0].addr_spec == "dewi@contoh.co.id"
    assert sent["From"].addresses[0].addr_spec == "aduan@localhost"
    assert message.ticket.reference in sent["Subject"]
    assert sent["Message-ID"] == ack.message_id
    assert ack.message_id.endswith("@aduan.test>")
    assert sent["In-Reply-To"] == message.message_id
    assert message.message_id in sent["References"]
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["X-Auto-Response-Suppress"] == "All"
    assert "aduan-helpdesk" in sent["X-Loop"]
    body = sent.get_body(preferencelist=("plain",)).get_content()
    assert message.ticket.reference in body and "Dewi" in body


def test_a_staff_reply_goes_out_and_the_customers_answer_threads_back_to_the_ticket(
    org, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = inbound.ingest(mail(), source="pipe").message
        tickets.add_message(
            actor=org.user("agent"), reference=first.ticket.reference, body="Teknisi segera datang."
        )
    ack, reply = smtp.wait_for(2)
    sent = reply.message
    assert sent["Subject"] == f"Re: [{first.ticket.reference}] Printer macet"
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["In-Reply-To"] == first.message_id
    assert ack.message["Message-ID"] in sent["References"]
    assert "Teknisi segera datang." in sent.get_body(preferencelist=("plain",)).get_content()
    # The customer answers the reply from their mail program: it joins the ticket.
    answer = inbound.ingest(
        mail(subject=f"Re: {sent['Subject']}", In_Reply_To=sent["Message-ID"]), source="pipe"
    ).message
    assert answer.ticket == first.ticket
    assert answer.event.kind == "customer_message"


def test_a_solution_report_is_mailed_in_the_customers_language_from_the_organisations_template(
    org, smtp, django_capture_on_commit_callbacks
):
    services.save_template(
        actor=org.user("admin"),
        kind="solution_report",
        language="en",
        subject="Solved: {{ subject }}",
        body="Hello {{ customer_name }},\n\n{{ text }}\n\n-- {{ organisation }} ({{ reference }})",
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = inbound.ingest(mail(sender="John <john@example.com>"), source="pipe").message
    Customer.objects.filter(pk=message.customer_id).update(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        tickets.transition(
            actor=org.user("agent"),
            reference=message.ticket.reference,
            data=tickets.TransitionInput(to="resolved", note="Toner diganti.", channel="email"),
        )
    report = smtp.wait_for(2)[1].message
    reference = message.ticket.reference
    # The reference is added when the organisation's subject leaves it out.
    assert report["Subject"] == f"[{reference}] Solved: Printer macet"
    text = report.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Hello John,\n\nToner diganti.")
    assert f"({reference})" in text
    assert report["Content-Language"] == "en"
    assert OutboundMessage.objects.get(kind="solution_report").status == "sent"


def test_an_indonesian_customer_gets_the_built_in_indonesian_wording(
    org, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inbound.ingest(mail(), source="pipe")
    ack = smtp.wait_for(1)[0].message
    assert "Pengaduan Anda kami terima" in ack["Subject"]
    assert ack.get_body(preferencelist=("plain",)).get_content().startswith("Yth. Dewi,")


def test_a_template_that_no_longer_renders_falls_back_to_the_default(org):
    MailTemplate.objects.create(
        kind="acknowledgement", language="id", subject="{% if %}", body="{{ x|nosuchfilter }}"
    )
    message = inbound.ingest(mail(), source="pipe").message
    ack = OutboundMessage.objects.get(inbound=message)
    assert "Pengaduan Anda kami terima" in ack.subject


def test_an_unreachable_smtp_server_leaves_the_mail_queued_and_after_the_last_attempt_failed(
    org, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.ADUAN_DELIVERY_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        message = inbound.ingest(mail(), source="pipe").message
    ack = OutboundMessage.objects.get(inbound=message)
    assert ack.status == "queued" and ack.attempts == 1
    assert "ConnectionRefusedError" in ack.last_error
    assert ack.next_attempt_at > timezone.now()
    assert sweep()["mail"] == 0  # not yet due
    for attempt in (2, 3):
        OutboundMessage.objects.filter(pk=ack.pk).update(
            next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        sweep()
        ack.refresh_from_db()
        assert ack.attempts == attempt
    assert ack.status == "failed"
    assert ack.next_attempt_at is None


def test_the_sweep_sends_mail_that_never_reached_a_worker(org, smtp, settings):
    settings.ADUAN_DELIVERY = "worker"
    message = inbound.ingest(mail(), source="pipe").message
    assert OutboundMessage.objects.get(inbound=message).status == "queued"
    assert sweep()["mail"] == 1
    assert len(smtp.wait_for(1)) == 1
    assert OutboundMessage.objects.get(inbound=message).status == "sent"


def test_a_recipient_the_server_refuses_fails_at_once_with_the_servers_answer(
    org, smtp, django_capture_on_commit_callbacks
):
    smtp.refuse.add("gone@contoh.co.id")
    with django_capture_on_commit_callbacks(execute=True):
        message = inbound.ingest(mail(sender="gone@contoh.co.id"), source="pipe").message
    ack = OutboundMessage.objects.get(inbound=message)
    assert ack.status == "failed" and ack.attempts == 1
    assert "550" in ack.last_error and "No such user" in ack.last_error
    # Front-line staff send it again once the address is fixed.
    smtp.refuse.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_outbound(actor=org.user("agent"), outbound_id=ack.pk)
    ack.refresh_from_db()
    assert ack.status == "sent"


def test_names_and_subjects_can_never_add_a_header_or_a_recipient(
    org, smtp, django_capture_on_commit_callbacks
):
    # Rows written past the services (an import, a shell): the mail is still safe.
    customer = Customer.objects.create(
        name="Budi\r\nBcc: victim@evil.test", email="budi@contoh.co.id"
    )
    ticket = make_ticket(org, customer=customer)
    from aduan.tickets.models import Ticket

    Ticket.objects.filter(pk=ticket.pk).update(subject="Halo\nBcc: victim2@evil.test\nX-Evil: 1")
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_message(actor=org.user("agent"), reference=ticket.reference, body="Jawaban.")
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ["budi@contoh.co.id"]
    sent = received.message
    assert sent["Bcc"] is None and sent["X-Evil"] is None
    assert "\n" not in sent["Subject"] and "victim2@evil.test" in sent["Subject"]
    assert sent["To"].addresses[0].addr_spec == "budi@contoh.co.id"
    assert sent["To"].addresses[0].display_name == "Budi Bcc: victim@evil.test"


def test_every_mail_aduan_sends_says_it_was_sent_automatically(
    org, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = inbound.ingest(mail(), source="pipe").message
        reference = message.ticket.reference
        agent = org.user("agent")
        tickets.add_message(actor=agent, reference=reference, body="Satu.")
        tickets.transition(
            actor=agent,
            reference=reference,
            data=tickets.TransitionInput(to="resolved", note="Selesai.", channel="portal"),
        )
    received = smtp.wait_for(3)
    assert len(received) == 3
    assert all(r.message["Auto-Submitted"] in ("auto-replied", "auto-generated") for r in received)
    assert len({r.message["Message-ID"] for r in received}) == 3
    assert {m.kind for m in OutboundMessage.objects.all()} == {
        "acknowledgement",
        "reply",
        "solution_report",
    }


def test_a_message_too_big_for_imap_gets_a_refusal_with_the_reason(
    org, smtp, settings, django_capture_on_commit_callbacks
):
    headers = (
        mail(sender="Besar <besar@contoh.co.id>", subject="Dokumen besar").split(b"\n\n")[0]
        + b"\n\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        stored = inbound.refuse_oversized(headers, 60_000_000, source="imap", mailbox="helpdesk")
    message = InboundMessage.objects.get(pk=stored.message.pk)
    assert (message.status, message.reason, message.size) == ("refused", "too_big", 60_000_000)
    assert "5.3.4" in message.error
    refusal = smtp.wait_for(1)[0].message
    assert refusal["Auto-Submitted"] == "auto-replied"
    assert "Dokumen besar" in refusal["Subject"]
    assert "60000000" in refusal.get_body(preferencelist=("plain",)).get_content()
    assert smtp.messages[0].rcpt_tos == ["besar@contoh.co.id"]
