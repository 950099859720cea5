"""Chat, SMS and social media by webhook: signed posts become tickets or messages, once each;
replies go back to the gateway signed the same way, with retries and a failed state."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="misc"

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from aduan.channels.webhooks import delivery, signing
from aduan.channels.webhooks.models import (
    ChannelIdentity,
    InboundWebhookMessage,
    OutboundDelivery,
    WebhookEndpoint,
)
from aduan.customers.models import Customer
from aduan.tests.factories import ChannelFactory, make_ticket
from aduan.tickets import services as tickets
from aduan.tickets.models import EventKind, Ticket

pytestmark = pytest.mark.django_db
SECRET = "rahasia-bersama-0123456789"
PDF = b"%PDF-1.4\n%%EOF\n"


class Gateway:
    """An HTTP server standing in for the chat gateway: keeps what Aduan posts."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            # A client that stops sending mid-request cannot hold a handler thread.
            timeout = 10

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                gateway.received.append((dict(self.headers), self.rfile.read(length)))
                self.send_response(gateway.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/aduan/replies"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    server = Gateway()
    yield server
    server.stop()


@pytest.fixture
def chat(org, gateway):
    channel = ChannelFactory(code="chat", kind="chat")
    WebhookEndpoint.objects.create(channel=channel, secret=SECRET, outbound_url=gateway.url)
    return channel


def post(
    code: str, payload: Any, secret: str = SECRET, *, timestamp: float | None = None, **headers: str
):
    body = json.dumps(payload).encode()
    signed = signing.sign(secret, body, now=timestamp)
    signed.update(headers)
    return Client().post(
        f"/api/v1/channels/{code}/inbound", body, content_type="application/json", headers=signed
    )


def message(
    text: str = "Internet mati sejak pagi.", sender: str = "6281299990000", **extra: Any
) -> dict[str, Any]:
    return {
        "message_id": extra.pop("message_id", f"wa-{uuid.uuid4().hex}"),
        "sender": extra.pop("sender_obj", {"id": sender, "name": "Rina Wati"}),
        "text": text,
        **extra,
    }


def test_a_signed_message_opens_a_ticket_for_a_new_customer_known_by_phone(chat):
    response = post("chat", message())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "created"
    ticket = Ticket.objects.get(reference=body["ticket"])
    assert (ticket.status, ticket.channel, ticket.created_by) == ("new", chat, None)
    assert ticket.subject == "Internet mati sejak pagi."
    customer = ticket.customer
    assert (customer.name, customer.phone, customer.is_verified) == (
        "Rina Wati",
        "+6281299990000",
        False,
    )
    assert (
        ChannelIdentity.objects.get(channel=chat, external_id="6281299990000").customer == customer
    )
    stored = InboundWebhookMessage.objects.get(pk=body["message"])
    assert stored.status == "processed" and stored.payload["text"] == "Internet mati sejak pagi."


def test_the_same_message_posted_twice_counts_once(chat):
    payload = message(message_id="wa-1")
    first, second = post("chat", payload), post("chat", payload)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["status"] == "duplicate"
    assert second.json()["ticket"] == first.json()["ticket"]
    assert InboundWebhookMessage.objects.count() == 1
    assert Ticket.objects.count() == 1


def test_the_next_message_of_a_conversation_joins_the_senders_open_ticket(chat):
    first = post("chat", message("Internet mati."))
    second = post("chat", message("Sudah saya restart, masih mati."))
    assert second.status_code == 200
    assert second.json() == {
        **second.json(),
        "status": "appended",
        "ticket": first.json()["ticket"],
    }
    ticket = Ticket.objects.get(reference=first.json()["ticket"])
    event = ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert event.body == "Sudah saya restart, masih mati." and event.channel == "chat"
    assert not event.internal


def test_a_known_customer_is_found_by_the_phone_number_in_any_spelling(chat, org):
    response = post("chat", message(sender="0812-3456-7890"))
    assert Ticket.objects.get(reference=response.json()["ticket"]).customer == org.alice


def test_a_reference_only_reaches_the_senders_own_tickets(chat, org):
    alices = make_ticket(org, customer=org.alice)
    response = post("chat", message(ticket=alices.reference, sender="6285700001111"))
    assert response.json()["status"] == "created"
    assert response.json()["ticket"] != alices.reference
    assert not alices.events.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()


def test_a_social_media_sender_without_phone_or_email_becomes_a_customer(org, gateway):
    twitter = ChannelFactory(code="twitter", kind="social")
    WebhookEndpoint.objects.create(channel=twitter, secret=SECRET)
    payload = message(sender_obj={"id": "@warga_kesal", "name": "Warga Kesal"})
    response = post("twitter", payload)
    assert response.status_code == 201, response.content
    customer = Ticket.objects.get(reference=response.json()["ticket"]).customer
    assert (customer.name, customer.phone, customer.email) == ("Warga Kesal", "", "")


@pytest.mark.parametrize(
    ("secret", "age"),
    [("a-different-secret-0000", 0), (SECRET, 3600), (SECRET, -3600)],
    ids=["wrong-secret", "too-old", "from-the-future"],
)
def test_a_wrong_or_stale_signature_is_refused_and_nothing_stored(chat, secret, age):
    # The clock is read as the test runs: collection may come long before.
    response = post("chat", message(), secret, timestamp=time.time() - age)
    assert response.status_code == 401
    assert not InboundWebhookMessage.objects.exists()


def test_an_unsigned_post_or_one_to_a_channel_without_a_webhook_is_refused(chat, org):
    unsigned = Client().post(
        "/api/v1/channels/chat/inbound", json.dumps(message()), content_type="application/json"
    )
    assert unsigned.status_code == 401
    assert post("phone", message()).status_code == 401  # a phone channel takes no webhook
    assert post("nowhere", message()).status_code == 401
    assert not Ticket.objects.exists()


def test_a_body_changed_after_signing_is_refused(chat):
    body = json.dumps(message()).encode()
    headers = signing.sign(SECRET, body)
    tampered = body.replace(b"Internet", b"Listrik")
    response = Client().post(
        "/api/v1/channels/chat/inbound", tampered, content_type="application/json", headers=headers
    )
    assert response.status_code == 401


def test_attachments_are_kept_and_unaccepted_types_withheld(chat):
    payload = message(
        "Foto terlampir.",
        attachments=[
            {"filename": "bukti.pdf", "content_base64": base64.b64encode(PDF).decode()},
            {"filename": "virus.exe", "content_base64": base64.b64encode(b"MZ").decode()},
        ],
    )
    response = post("chat", payload)
    assert response.status_code == 201
    ticket = Ticket.objects.get(reference=response.json()["ticket"])
    assert [a.filename for a in ticket.attachments.all()] == ["bukti.pdf"]
    created = ticket.events.get(kind=EventKind.CREATED)
    assert created.data["withheld_files"][0]["filename"] == "virus.exe"
    # The withheld file is not lost: the stored post has it.
    stored = InboundWebhookMessage.objects.get()
    assert stored.payload["attachments"][1]["filename"] == "virus.exe"


def test_invalid_input_is_a_400_naming_the_field_and_stores_nothing(chat):
    bad = message(attachments=[{"filename": "x.pdf", "content_base64": "not base64!"}])
    response = post("chat", bad)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"].startswith("attachments")
    assert post("chat", {"sender": {"id": "1"}}).status_code == 400
    assert not InboundWebhookMessage.objects.exists()


def test_a_post_that_fails_processing_is_kept_and_an_administrator_runs_it_again(
    chat, org, api, monkeypatch
):
    from aduan.channels.webhooks import services

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("bug in processing")

    monkeypatch.setattr(services, "customer_for", broken)
    response = post("chat", message())
    assert response.status_code == 202
    assert response.json()["status"] == "failed" and "bug in processing" in response.json()["error"]
    stored = InboundWebhookMessage.objects.get()
    assert stored.status == "failed"
    monkeypatch.undo()
    listed = api("admin").get("/channels/webhook-messages", {"status": "failed"})
    assert [row["id"] for row in listed.json()] == [stored.pk]
    assert api("agent").post(f"/channels/webhook-messages/{stored.pk}/retry").status_code == 403
    retried = api("admin").post(f"/channels/webhook-messages/{stored.pk}/retry")
    assert retried.status_code == 200 and retried.json()["status"] == "created"


def test_a_staff_reply_is_posted_to_the_gateway_signed(
    chat, gateway, django_capture_on_commit_callbacks
):
    created = post("chat", message(message_id="wa-77"))
    reference = created.json()["ticket"]
    # The customer also has an address: a reply on a chat ticket still goes by chat.
    Customer.objects.filter(tickets__reference=reference).update(email="rina@contoh.co.id")
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_message(
            actor=chat_agent(), reference=reference, body="Teknisi dalam perjalanan."
        )
    [(headers, body)] = gateway.received
    assert signing.verify(SECRET, body, headers[signing.SIGNATURE_HEADER])
    assert headers["Idempotency-Key"] == json.loads(body)["delivery_id"]
    sent = json.loads(body)
    assert sent["event"] == "reply" and sent["ticket"] == reference
    assert sent["recipient"] == {"id": "6281299990000", "name": "Rina Wati"}
    assert sent["text"] == "Teknisi dalam perjalanan." and sent["in_reply_to"] == "wa-77"
    outgoing = OutboundDelivery.objects.get()
    assert outgoing.status == "sent" and outgoing.delivery_id == sent["delivery_id"]
    from aduan.channels.email.models import OutboundMessage

    assert not OutboundMessage.objects.exists()
    # The customer answers that reply: it joins the ticket.
    answer = post("chat", message("Terima kasih.", in_reply_to=sent["delivery_id"]))
    assert answer.json()["ticket"] == reference


def chat_agent():
    from aduan.accounts.models import User

    return User.objects.get(username="agent")


def test_a_gateway_that_fails_gets_retries_and_a_refusal_is_final(
    chat, gateway, django_capture_on_commit_callbacks
):
    reference = post("chat", message()).json()["ticket"]
    gateway.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_message(actor=chat_agent(), reference=reference, body="Satu.")
    first = OutboundDelivery.objects.get()
    assert first.status == "queued" and first.attempts == 1 and "HTTP 503" in first.last_error
    OutboundDelivery.objects.filter(pk=first.pk).update(next_attempt_at=None)
    gateway.status = 200
    assert delivery.due_ids() == [first.pk]
    assert delivery.deliver(first.pk).status == "sent"
    gateway.status = 400
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_message(actor=chat_agent(), reference=reference, body="Dua.")
    second = OutboundDelivery.objects.exclude(pk=first.pk).get()
    assert second.status == "failed" and "HTTP 400" in second.last_error


def test_replies_on_a_channel_are_capped_per_recipient_and_ticket(chat, settings):
    settings.ADUAN_MAIL_CAP = 2
    reference = post("chat", message()).json()["ticket"]
    for n in range(3):
        tickets.add_message(actor=chat_agent(), reference=reference, body=f"Balasan {n}")
    assert list(OutboundDelivery.objects.order_by("id").values_list("status", flat=True)) == [
        "queued",
        "queued",
        "suppressed",
    ]


def test_the_openapi_document_describes_the_inbound_message_and_the_reply(chat):
    document = Client().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/channels/{code}/inbound"]["post"]
    assert operation["security"] == [{"WebhookSignature": []}]
    schema_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    inbound = document["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert {"message_id", "sender", "text", "ticket", "in_reply_to", "attachments"} <= set(
        inbound["properties"]
    )
    [callback] = operation["callbacks"]["reply"].values()
    reply = callback["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"event", "delivery_id", "ticket", "recipient", "text"} <= set(reply["properties"])
    assert "$ref" not in json.dumps(reply)
    scheme = document["components"]["securitySchemes"]["WebhookSignature"]
    assert scheme == {**scheme, "in": "header", "name": "X-Aduan-Signature"}


def test_administrators_configure_a_channels_webhook_and_see_the_secret_once(org, api):
    ChannelFactory(code="sms", kind="sms")
    admin = api("admin")
    created = admin.client.put(
        "/api/v1/channels/sms/webhook",
        json.dumps({"outbound_url": "https://sms.example/replies"}),
        content_type="application/json",
        headers=admin._headers(),
    )
    assert created.status_code == 200, created.content
    secret = created.json()["secret"]
    assert len(secret) >= 16
    shown = admin.get("/channels/sms/webhook").json()
    assert shown == {
        "channel": "sms",
        "outbound_url": "https://sms.example/replies",
        "is_active": True,
        "secret": None,
    }
    refused = admin.client.put(
        "/api/v1/channels/phone/webhook",
        json.dumps({"secret": "x" * 20}),
        content_type="application/json",
        headers=admin._headers(),
    )
    assert refused.status_code == 400
    agent = api("agent")
    forbidden = agent.client.put(
        "/api/v1/channels/sms/webhook",
        json.dumps({"secret": "y" * 20}),
        content_type="application/json",
        headers=agent._headers(),
    )
    assert forbidden.status_code == 403
    assert WebhookEndpoint.objects.get(channel__code="sms").secret == secret
