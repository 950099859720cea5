"""One rule for the customer writing to a ticket again, whatever the way in (the portal, mail,
a chat gateway): ``services.receive_customer_message``. A closed ticket reopens when the
organisation says so (``ADUAN_REOPEN_CLOSED_ON_REPLY``), else a new ticket follows it
(``Ticket.follows``); a cancelled one is always followed by a new ticket."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="union-attr, misc"

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aduan.channels.email import inbound
from aduan.channels.webhooks import services as webhooks
from aduan.channels.webhooks.models import WebhookEndpoint
from aduan.tests.factories import ChannelFactory, ticket_in_status
from aduan.tickets import services
from aduan.tickets.models import Attachment, EventKind, Status, Ticket

pytestmark = pytest.mark.django_db
TEXT = "Masalahnya muncul lagi."


def _by_portal(org: Any, ticket: Ticket) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.user("alice"))
    response = client.post(f"/portal/tickets/{ticket.reference}/reply/", {"reply-body": TEXT})
    assert response.status_code == 302, response.content


def _by_mail(org: Any, ticket: Ticket) -> None:
    raw = (
        f"From: Alice <{org.alice.email}>\nTo: helpdesk@aduan.test\n"
        f"Subject: Re: [{ticket.reference}] {ticket.subject}\n"
        f"Message-ID: <{uuid.uuid4().hex}@contoh.co.id>\n\n{TEXT}\n"
    ).encode()
    assert inbound.ingest(raw, source="pipe").message.status == "processed"


def _by_chat(org: Any, ticket: Ticket) -> None:
    endpoint = WebhookEndpoint.objects.filter(channel__code="chat").first()
    if endpoint is None:
        channel = ChannelFactory(code="chat", kind="chat")
        endpoint = WebhookEndpoint.objects.create(channel=channel, secret="s" * 20)
    data = webhooks.MessageIn(
        message_id=uuid.uuid4().hex,
        sender=webhooks.Sender(id="wa-alice", phone=org.alice.phone),
        text=TEXT,
        ticket=ticket.reference,
    )
    assert webhooks.receive(endpoint=endpoint, payload={}, data=data).status != "failed"


WAYS: dict[str, Callable[[Any, Ticket], None]] = {
    "portal": _by_portal,
    "mail": _by_mail,
    "chat": _by_chat,
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("reopen", [False, True])
def test_a_message_on_a_closed_ticket(org, settings, way, reopen):
    settings.ADUAN_REOPEN_CLOSED_ON_REPLY = reopen
    closed = ticket_in_status(org, "closed")
    WAYS[way](org, closed)
    closed.refresh_from_db()
    after = Ticket.objects.filter(follows=closed).first()
    if reopen:
        assert closed.status == Status.OPEN and closed.reopen_count == 1
        assert closed.events.filter(kind=EventKind.CUSTOMER_MESSAGE, body=TEXT).exists()
        assert after is None
    else:
        assert closed.status == Status.CLOSED
        assert after is not None and after.status == Status.NEW
        assert after.customer == org.alice and after.description == TEXT
        assert after.events.get(kind=EventKind.CREATED).data["follows"] == closed.reference
        note = closed.events.get(kind=EventKind.NOTE)
        assert note.internal and after.reference in note.body


@pytest.mark.parametrize("way", WAYS)
def test_a_message_on_a_cancelled_ticket_always_opens_one_that_follows_it(org, settings, way):
    settings.ADUAN_REOPEN_CLOSED_ON_REPLY = True
    cancelled = ticket_in_status(org, "cancelled")
    WAYS[way](org, cancelled)
    cancelled.refresh_from_db()
    assert cancelled.status == Status.CANCELLED
    assert Ticket.objects.get(follows=cancelled).status == Status.NEW


@pytest.mark.parametrize(("way", "reopens"), [("mail", True), ("chat", True), ("portal", False)])
def test_a_message_on_a_resolved_ticket(org, way, reopens):
    # Mail and chat read it as "the problem persists"; the portal asks with its buttons.
    resolved = ticket_in_status(org, "resolved")
    WAYS[way](org, resolved)
    resolved.refresh_from_db()
    assert resolved.status == (Status.OPEN if reopens else Status.RESOLVED)
    assert resolved.events.filter(kind=EventKind.CUSTOMER_MESSAGE, body=TEXT).exists()


def test_the_rule_is_one_function(org, settings):
    closed = ticket_in_status(org, "closed")
    settings.ADUAN_REOPEN_CLOSED_ON_REPLY = False
    assert services.what_a_message_does(closed) == services.Outcome.NEW_TICKET
    settings.ADUAN_REOPEN_CLOSED_ON_REPLY = True
    assert services.what_a_message_does(closed) == services.Outcome.REOPENED


def test_a_gateway_file_no_upload_accepts_is_withheld_on_the_new_ticket(org):
    cancelled = ticket_in_status(org, "cancelled")
    received = services.receive_customer_message(
        ticket=cancelled,
        customer=org.alice,
        body=TEXT,
        channel="email",
        files=[
            services.Upload("foto.png", SimpleUploadedFile("foto.png", b"\x89PNG fake")),
            services.Upload("run.exe", SimpleUploadedFile("run.exe", b"MZ")),
        ],
    )
    assert received.created and received.ticket.follows == cancelled
    assert [w["filename"] for w in received.event.data["withheld_files"]] == ["run.exe"]
    assert Attachment.objects.get(ticket=received.ticket).event == received.event


def test_another_customers_portal_login_cannot_write_to_the_ticket(org):
    closed = ticket_in_status(org, "closed")
    client = Client()
    client.force_login(org.user("bob"))
    response = client.post(f"/portal/tickets/{closed.reference}/reply/", {"reply-body": TEXT})
    assert response.status_code == 404
    assert not Ticket.objects.filter(follows=closed).exists()
