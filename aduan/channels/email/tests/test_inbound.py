"""Storing first, processing after: duplicates, failures kept and re-run after a fix,
flood control, bounces, threading into the customer's tickets and the customer register."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="union-attr, misc"

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone, translation

from aduan.audit.models import AuditEntry
from aduan.channels.email import inbound, outbound, services
from aduan.channels.email.models import InboundMessage, OutboundMessage
from aduan.core.errors import Conflict, PermissionDenied
from aduan.customers.models import Customer
from aduan.tests.factories import make_ticket
from aduan.tickets.models import EventKind, Ticket

pytestmark = pytest.mark.django_db


def mail(
    *,
    sender: str = "Budi <budi@contoh.co.id>",
    subject: str = "Internet mati",
    body: str = "Internet di lab mati.",
    message_id: str | None = None,
    headers: str = "",
) -> bytes:
    message_id = message_id or f"<{uuid.uuid4().hex}@contoh.co.id>"
    return (
        f"From: {sender}\nTo: helpdesk@aduan.test\nSubject: {subject}\nMessage-ID: {message_id}\n"
        f"{headers}\n{body}\n"
    ).encode()


def test_the_raw_message_is_stored_before_processing_and_survives_a_parser_crash(org, monkeypatch):
    raw = mail()

    def broken(_raw: bytes) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(inbound, "parse", broken)
    result = inbound.ingest(raw, source="pipe")
    message = InboundMessage.objects.get(pk=result.message.pk)
    assert bytes(message.raw) == raw
    assert message.status == "failed"
    assert "RuntimeError: parser bug" in message.error
    assert message.ticket is None

    monkeypatch.undo()  # the fix is deployed
    services.retry_inbound(actor=org.user("admin"), message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "processed" and message.ticket is not None
    assert message.attempts == 2
    assert AuditEntry.objects.filter(
        action="mail.inbound_retry", object_id=str(message.pk)
    ).exists()


def test_a_message_that_failed_because_of_configuration_runs_again_after_the_fix(org):
    org.email.is_active = False
    org.email.save()
    from aduan.organisation import selectors

    selectors.clear_cache()
    with translation.override("en"):
        message = inbound.ingest(mail(), source="pipe").message
    assert message.status == "failed" and "email channel" in message.error
    org.email.is_active = True
    org.email.save()
    selectors.clear_cache()
    services.retry_inbound(actor=org.user("admin"), message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "processed"


def test_only_administrators_run_messages_again_and_never_processed_ones(org):
    message = inbound.ingest(mail(), source="pipe").message
    with pytest.raises(PermissionDenied):
        services.retry_inbound(actor=org.user("agent"), message_id=message.pk)
    with pytest.raises(Conflict):
        services.retry_inbound(actor=org.user("admin"), message_id=message.pk)


def test_the_same_message_id_is_ingested_once_even_when_delivered_twice(org):
    first = mail(message_id="<twice@contoh.co.id>")
    # The copy for the second mailbox has another Received line, but the same Message-ID.
    second = b"Received: from relay by mx2\n" + first
    a = inbound.ingest(first, source="pipe")
    b = inbound.ingest(second, source="imap", mailbox="support")
    assert a.created and not b.created
    assert a.message.pk == b.message.pk
    assert InboundMessage.objects.get().duplicates == 1
    assert Ticket.objects.filter(customer__email="budi@contoh.co.id").count() == 1


def test_a_message_left_unprocessed_by_a_crash_is_picked_up_later(org):
    stored = inbound.store(mail(), source="pipe")  # the process died right after this
    assert stored.message.status == "received"
    assert inbound.process_pending() == 0  # too recent: its process may still be at it
    InboundMessage.objects.filter(pk=stored.message.pk).update(
        received_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert inbound.process_pending() == 1
    assert InboundMessage.objects.get(pk=stored.message.pk).status == "processed"


def test_a_flooding_sender_is_held_and_an_administrator_can_let_the_messages_through(org, settings):
    settings.ADUAN_MAIL_FLOOD_LIMIT = 3
    results = [inbound.ingest(mail(body=f"Pesan {n}"), source="pipe").message for n in range(5)]
    assert [m.status for m in results] == ["processed"] * 3 + ["held"] * 2
    assert {m.reason for m in results[3:]} == {"flood"}
    assert not OutboundMessage.objects.filter(inbound__in=results[3:]).exists()
    # Another sender is not affected.
    other = inbound.ingest(mail(sender="siti@contoh.co.id"), source="pipe").message
    assert other.status == "processed"
    services.retry_inbound(actor=org.user("admin"), message_id=results[3].pk)
    assert InboundMessage.objects.get(pk=results[3].pk).status == "held"
    services.retry_inbound(actor=org.user("admin"), message_id=results[3].pk, force=True)
    assert InboundMessage.objects.get(pk=results[3].pk).status == "processed"


def test_a_bounce_marks_the_mail_it_returns_as_bounced(org):
    ticket = inbound.ingest(mail(sender="nobody@contoh.co.id"), source="pipe").message.ticket
    ack = OutboundMessage.objects.get(ticket=ticket)
    OutboundMessage.objects.filter(pk=ack.pk).update(status="sent")
    bounce = (
        "From: MAILER-DAEMON@mx.contoh.co.id\nTo: aduan@localhost\nSubject: Undelivered Mail\n"
        "Message-ID: <b1@mx>\nContent-Type: multipart/report; report-type=delivery-status; "
        'boundary="b"\n\n--b\nContent-Type: text/plain\n\n550 5.1.1 nobody: no such user\n'
        "--b\nContent-Type: message/delivery-status\n\nAction: failed\n\n"
        f"--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: {ack.message_id}\n--b--\n"
    ).encode()
    assert inbound.ingest(bounce, source="pipe").message.status == "ignored"
    ack.refresh_from_db()
    assert ack.status == "bounced"
    assert "no such user" in ack.last_error


def test_a_known_sender_is_matched_by_address_whatever_its_case(org):
    org.alice.email = "alice@contoh.co.id"
    org.alice.save()
    message = inbound.ingest(mail(sender="Alice <ALICE@Contoh.co.id>"), source="pipe").message
    assert message.customer == org.alice
    assert Customer.objects.filter(email="alice@contoh.co.id").count() == 1


def test_a_new_sender_becomes_an_unverified_customer(org):
    message = inbound.ingest(mail(sender="Wati Susanti <wati@contoh.co.id>"), source="pipe").message
    customer = message.customer
    assert (customer.name, customer.email, customer.is_verified) == (
        "Wati Susanti",
        "wati@contoh.co.id",
        False,
    )
    assert customer.created_by is None
    assert AuditEntry.objects.filter(action="customer.created", object_id=str(customer.pk)).exists()


def test_mail_arrives_as_new_tickets_in_the_front_lines_queue(org):
    message = inbound.ingest(mail(subject="Re: Fwd: AC bocor"), source="pipe").message
    ticket = message.ticket
    assert ticket.status == "new"
    assert ticket.channel == org.email
    assert ticket.team == org.helpdesk
    assert ticket.subject == "AC bocor"
    assert ticket.created_by is None
    created = ticket.events.get(kind=EventKind.CREATED)
    assert created.data["inbound_message"] == message.pk
    assert created.author is None


def test_a_reply_with_a_reference_in_the_subject_joins_only_the_senders_own_ticket(org):
    org.alice.email = "alice@contoh.co.id"
    org.alice.save()
    ticket = make_ticket(org, customer=org.alice)
    own = inbound.ingest(
        mail(sender="alice@contoh.co.id", subject=f"Re: [{ticket.reference}] Internet"),
        source="pipe",
    ).message
    assert own.ticket == ticket and own.event.kind == EventKind.CUSTOMER_MESSAGE
    assert own.event.author == org.alice.user  # her own portal login, a customer's
    stranger = inbound.ingest(
        mail(sender="eve@contoh.co.id", subject=f"Re: [{ticket.reference}] Internet"),
        source="pipe",
    ).message
    assert stranger.ticket != ticket


def test_a_reply_to_mail_aduan_sent_threads_by_its_message_id(org):
    first = inbound.ingest(mail(sender="dewi@contoh.co.id"), source="pipe").message
    ack = OutboundMessage.objects.get(inbound=first)
    reply = inbound.ingest(
        mail(
            sender="dewi@contoh.co.id",
            subject="Re: something else entirely",
            headers=f"In-Reply-To: {ack.message_id}\n",
        ),
        source="pipe",
    ).message
    assert reply.ticket == first.ticket
    assert reply.event.data["threaded_by"] == "headers"


def test_a_reply_to_a_closed_ticket_reopens_it_when_so_configured(org, settings):
    settings.ADUAN_REOPEN_CLOSED_ON_REPLY = True
    first = inbound.ingest(mail(sender="dewi@contoh.co.id"), source="pipe").message
    agent = org.user("agent")
    from aduan.tickets import services as tickets

    for step in (
        tickets.TransitionInput(to="resolved", note="Sudah.", channel="email"),
        tickets.TransitionInput(to="closed"),
    ):
        tickets.transition(actor=agent, reference=first.ticket.reference, data=step)
    reply = inbound.ingest(
        mail(sender="dewi@contoh.co.id", headers=f"In-Reply-To: {first.message_id}\n"),
        source="pipe",
    ).message
    ticket = Ticket.objects.get(pk=first.ticket_id)
    assert reply.ticket == ticket
    assert ticket.status == "open" and ticket.reopen_count == 1


def test_a_reply_to_a_cancelled_ticket_opens_a_linked_follow_up_even_when_reopening(org, settings):
    settings.ADUAN_REOPEN_CLOSED_ON_REPLY = True
    first = inbound.ingest(mail(sender="dewi@contoh.co.id"), source="pipe").message
    from aduan.tickets import services as tickets

    tickets.transition(
        actor=org.user("agent"),
        reference=first.ticket.reference,
        data=tickets.TransitionInput(to="cancelled"),
    )
    reply = inbound.ingest(
        mail(sender="dewi@contoh.co.id", headers=f"In-Reply-To: {first.message_id}\n"),
        source="pipe",
    ).message
    assert reply.ticket != first.ticket
    assert reply.event.data["follows"] == first.ticket.reference
    note = first.ticket.events.get(kind=EventKind.NOTE)
    assert note.internal and reply.ticket.reference in note.body


def test_answers_are_capped_per_recipient_and_ticket(org, settings):
    settings.ADUAN_MAIL_CAP = 3
    message = inbound.ingest(mail(sender="pingpong@contoh.co.id"), source="pipe").message
    from aduan.tickets import services as tickets

    for n in range(4):
        tickets.add_message(
            actor=org.user("agent"), reference=message.ticket.reference, body=f"Balasan {n}"
        )
    statuses = list(
        OutboundMessage.objects.filter(ticket=message.ticket)
        .order_by("id")
        .values_list("status", flat=True)
    )
    # The acknowledgement and two replies, then the cap.
    assert statuses == ["queued", "queued", "queued", "suppressed", "suppressed"]
    suppressed = OutboundMessage.objects.filter(status="suppressed").first()
    assert "system mails" in suppressed.last_error


def test_staff_answers_go_by_mail_only_when_they_should(org):
    org.alice.email = "alice@contoh.co.id"
    org.alice.save()
    ticket = make_ticket(org, customer=org.alice)
    from aduan.tickets import services as tickets

    agent = org.user("agent")
    tickets.add_message(actor=agent, reference=ticket.reference, body="Kami cek.")
    tickets.add_message(actor=agent, reference=ticket.reference, body="Catatan.", internal=True)
    tickets.add_message(
        actor=agent, reference=ticket.reference, body="Lewat telepon.", channel="phone"
    )
    tickets.add_message(
        actor=agent, reference=ticket.reference, body="Lewat email.", channel="email"
    )
    sent = OutboundMessage.objects.filter(ticket=ticket).order_by("id")
    assert [m.body.split("\n\n")[1] for m in sent] == ["Kami cek.", "Lewat email."]
    assert {m.kind for m in sent} == {"reply"}
    # Without an address: nothing to send, and the reply itself is unaffected.
    org.bob.email = ""
    org.bob.save()
    bob_ticket = make_ticket(org, customer=org.bob)
    event = tickets.add_message(actor=agent, reference=bob_ticket.reference, body="Halo.")
    assert event.kind == EventKind.REPLY
    assert not OutboundMessage.objects.filter(ticket=bob_ticket).exists()


def test_a_broken_outbox_never_loses_the_staff_reply(org, monkeypatch):
    org.alice.email = "alice@contoh.co.id"
    org.alice.save()
    ticket = make_ticket(org, customer=org.alice)

    def broken(event: object) -> None:
        raise RuntimeError("outbox down")

    monkeypatch.setattr(outbound, "queue_answer", broken)
    from aduan.tickets import services as tickets

    event = tickets.add_message(actor=org.user("agent"), reference=ticket.reference, body="Halo.")
    assert ticket.events.filter(pk=event.pk, kind=EventKind.REPLY).exists()


def test_a_message_whose_processing_keeps_killing_the_process_is_failed_not_retried_forever(org):
    raw = mail()
    stored = inbound.store(raw, source="imap")  # attempt 1, then the process died
    for attempt in (2, 3):
        # What the next poll does with the duplicate still marked received; it died again.
        InboundMessage.objects.filter(pk=stored.message.pk).update(attempts=attempt)
    result = inbound.ingest(raw, source="imap")
    message = InboundMessage.objects.get(pk=result.message.pk)
    assert message.status == "failed" and "interrupted 3 times" in message.error
    assert message.ticket is None
    services.retry_inbound(actor=org.user("admin"), message_id=message.pk)
    assert InboundMessage.objects.get(pk=message.pk).status == "processed"


def test_a_batch_is_processed_together_and_one_bad_message_fails_alone(org, monkeypatch):
    raws = [mail(subject=f"Gangguan {n}", body=f"Pesan {n}") for n in range(5)]
    real_handle = inbound._handle

    def handle(message: InboundMessage, *, force: bool) -> None:
        real_handle(message, force=force)
        if message.subject == "Gangguan 3":
            raise RuntimeError("this one is broken")

    monkeypatch.setattr(inbound, "_handle", handle)
    stored = inbound.store_many(raws, source="imap", mailbox="helpdesk")
    results = inbound.process_batch(stored)

    statuses = {
        m.subject: (m.status, m.ticket_id)
        for m in InboundMessage.objects.filter(pk__in=[r.message.pk for r in results])
    }
    assert statuses["Gangguan 3"] == ("failed", None)
    ok = [subject for subject, (status, ticket) in statuses.items() if status == "processed"]
    assert sorted(ok) == ["Gangguan 0", "Gangguan 1", "Gangguan 2", "Gangguan 4"]
    # Each good message has exactly one ticket: nothing of the rolled-back attempt is left.
    assert Ticket.objects.filter(subject__startswith="Gangguan").count() == 4
    assert all(statuses[s][1] is not None for s in ok)
    assert [r.reference for r in results if r.message.subject == "Gangguan 3"] == [""]


def test_a_good_batch_is_processed_in_one_go(org, caplog):
    stored = inbound.store_many([mail(subject=f"Gangguan {n}") for n in range(4)], source="imap")
    results = inbound.process_batch(stored)
    assert all(r.created and r.reference for r in results)
    assert InboundMessage.objects.filter(status="processed").count() == 4
    assert "one by one" not in caplog.text
