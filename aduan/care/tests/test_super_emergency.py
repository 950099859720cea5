"""Super emergency (seed 004 5.2): a team leader raises it, the support desk analyses it,
forwards it to external groups by webhook (signed, idempotent, retried), records their
progress and relays it to the team leader."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from aduan.care.models import ExternalGroup, SuperEmergency, WebhookDelivery
from aduan.care.services import webhooks
from aduan.channels import outbox
from aduan.channels.webhooks import signing
from aduan.notifications.models import Notification
from aduan.tests.factories import make_ticket, ticket_in_status
from aduan.tickets.models import EventKind, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


class Receiver:
    """A chat bridge on 127.0.0.1: records each post and answers with the next status."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            # One request at a time: a client that stops sending mid-request would otherwise
            # hold the server, and close() with it, for ever.
            timeout = 10

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def groups(receiver: Receiver) -> dict[str, ExternalGroup]:
    return {
        "tial-reg": ExternalGroup.objects.create(
            code="tial-reg", name="TIAL REG", webhook_url=receiver.url("/tial"), secret="rahasia"
        ),
        "c4": ExternalGroup.objects.create(code="c4", name="C4", webhook_url=receiver.url("/c4")),
    }


def raise_one(api, org) -> tuple[Ticket, int]:
    ticket = make_ticket(org)
    response = api("leader").post(
        f"/tickets/{ticket.reference}/super-emergency",
        {"reason": "Pelanggan VIP, layanan mati total sejak kemarin."},
    )
    assert response.status_code == 201, response.content
    return ticket, response.json()["id"]


def test_the_whole_procedure(api, org, groups, receiver, django_capture_on_commit_callbacks):
    assert groups["c4"].secret
    ticket, emergency_id = raise_one(api, org)
    assert Ticket.objects.get(pk=ticket.pk).is_super_emergency
    # The support desk hears of it.
    assert Notification.objects.filter(recipient__username="support", ticket=ticket).exists()

    support = api("support")
    analysed = support.post(
        f"/super-emergencies/{emergency_id}/analysis",
        {"analysis": "Kabel feeder putus di STO Malang, perlu tim lapangan."},
    )
    assert analysed.status_code == 200 and analysed.json()["status"] == "analysed"

    with django_capture_on_commit_callbacks(execute=True):
        forwarded = support.post(
            f"/super-emergencies/{emergency_id}/forward",
            {"groups": ["tial-reg", "c4"], "message": "Mohon percepatan."},
        )
    assert forwarded.status_code == 200, forwarded.content
    body = forwarded.json()
    assert body["status"] == "forwarded" and sorted(body["groups"]) == ["c4", "tial-reg"]
    # Both groups received the ticket after commit (the tasks ran eagerly, no broker).
    assert sorted(r["path"] for r in receiver.requests) == ["/c4", "/tial"]
    assert {
        d["status"] for d in support.get(f"/super-emergencies/{emergency_id}").json()["deliveries"]
    } == {"delivered"}
    post = next(r for r in receiver.requests if r["path"] == "/tial")
    payload = json.loads(post["body"])
    assert payload["ticket"]["reference"] == ticket.reference
    assert payload["customer"]["phone"] == "+6281234567890"
    assert payload["emergency"]["message"] == "Mohon percepatan."
    # Signed with the group's secret and a timestamp, like every webhook (docs/webhooks.md).
    timestamp = post["headers"]["X-Aduan-Timestamp"]
    signed = f"{timestamp}.".encode() + post["body"]
    digest = hmac.new(b"rahasia", signed, hashlib.sha256).hexdigest()
    assert post["headers"]["X-Aduan-Signature"] == f"t={timestamp},v1={digest}"
    assert abs(int(timestamp) - time.time()) < 60
    assert post["headers"]["Idempotency-Key"]
    assert post["headers"]["X-Aduan-Event"] == "super_emergency.forwarded"
    # A group configured without a secret got one: no post goes out unsigned.
    other = next(r for r in receiver.requests if r["path"] == "/c4")
    assert signing.verify(groups["c4"].secret, other["body"], other["headers"]["X-Aduan-Signature"])

    progress = support.post(
        f"/super-emergencies/{emergency_id}/progress",
        {"group": "tial-reg", "body": "Tim lapangan sudah di lokasi, estimasi 2 jam."},
    )
    assert progress.status_code == 201, progress.content
    # Relayed to the team leader who raised it.
    relayed = Notification.objects.filter(recipient__username="leader", kind="care.progress")
    assert relayed.count() == 1 and "estimasi 2 jam" in relayed.get().body

    closed = support.post(f"/super-emergencies/{emergency_id}/close", {"note": "Beres."})
    assert closed.json()["status"] == "closed"
    steps = [
        e.data.get("step")
        for e in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SUPER_EMERGENCY)
    ]
    assert steps == ["raised", "analysed", "forwarded", "closed"]
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PROGRESS).count() == 1


@pytest.mark.parametrize("username", ["agent", "support", "coordinator", "director"])
def test_only_a_team_leader_raises_a_super_emergency(api, org, username):
    ticket = make_ticket(org)
    response = api(username).post(
        f"/tickets/{ticket.reference}/super-emergency", {"reason": "Darurat."}
    )
    assert response.status_code == 403
    assert not SuperEmergency.objects.exists()


def test_one_open_super_emergency_per_ticket_and_only_open_tickets(api, org):
    ticket, _id = raise_one(api, org)
    again = api("leader").post(f"/tickets/{ticket.reference}/super-emergency", {"reason": "Lagi."})
    assert again.status_code == 409
    closed = ticket_in_status(org, "closed")
    response = api("leader").post(
        f"/tickets/{closed.reference}/super-emergency", {"reason": "Darurat."}
    )
    assert response.status_code == 409


@pytest.mark.parametrize("username", ["agent", "leader", "division"])
def test_only_the_support_desk_analyses_and_forwards(api, org, groups, username):
    _ticket, emergency_id = raise_one(api, org)
    client = api(username)
    assert client.post(
        f"/super-emergencies/{emergency_id}/analysis", {"analysis": "x"}
    ).status_code in (403, 404)
    assert client.post(
        f"/super-emergencies/{emergency_id}/forward", {"groups": ["c4"]}
    ).status_code in (403, 404)
    assert not WebhookDelivery.objects.exists()


def test_forwarding_needs_an_analysis_and_known_groups(api, org, groups):
    _ticket, emergency_id = raise_one(api, org)
    support = api("support")
    early = support.post(f"/super-emergencies/{emergency_id}/forward", {"groups": ["c4"]})
    assert early.status_code == 409
    support.post(f"/super-emergencies/{emergency_id}/analysis", {"analysis": "Cek."})
    unknown = support.post(f"/super-emergencies/{emergency_id}/forward", {"groups": ["wa-x"]})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "groups"
    assert not WebhookDelivery.objects.exists()


def _delivery(groups: dict[str, ExternalGroup]) -> WebhookDelivery:
    now = timezone.now()
    return WebhookDelivery.objects.create(
        group=groups["tial-reg"],
        event="super_emergency.forwarded",
        payload={"hello": "dunia"},
        next_attempt_at=now,
        created_at=now,
    )


def test_a_failed_post_is_retried_with_back_off_then_given_up(groups, receiver, org):
    delivery = _delivery(groups)
    receiver.statuses = [500] * 20
    start = timezone.now()
    with time_machine.travel(start, tick=False) as t:
        assert webhooks.deliver(delivery.pk) == "retry"
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == start + datetime.timedelta(minutes=1)
        # Not due yet: nobody sends it.
        assert webhooks.deliver(delivery.pk) == "skipped"
        outcomes = []
        for _ in range(settings.ADUAN_DELIVERY_ATTEMPTS - 1):
            delivery.refresh_from_db()
            t.move_to(delivery.next_attempt_at)
            assert webhooks.due_deliveries(timezone.now()) == [delivery.pk]
            outcomes.append(webhooks.deliver(delivery.pk))
    assert outcomes[-1] == "failed" and set(outcomes[:-1]) == {"retry"}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", settings.ADUAN_DELIVERY_ATTEMPTS)
    assert delivery.last_error == "HTTP 500: ok" and delivery.response_status == 500
    # Every attempt carried the same idempotency key.
    assert {r["headers"]["Idempotency-Key"] for r in receiver.requests} == {str(delivery.key)}
    assert Notification.objects.filter(kind="care.webhook_failed", recipient__username="support")


def test_an_unreachable_receiver_is_retried(groups, org):
    group = groups["c4"]
    group.webhook_url = "http://127.0.0.1:9/nothing-here"
    group.save()
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        group=group, event="x", payload={}, next_attempt_at=now, created_at=now
    )
    assert webhooks.deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == "pending" and "Error" in delivery.last_error


def test_a_delivery_is_claimed_by_one_sender_only(groups, receiver, org):
    delivery = _delivery(groups)
    now = timezone.now()
    assert outbox.claim(webhooks.OUTBOX, delivery.pk, now)
    # A second worker at the same moment finds it taken.
    assert not outbox.claim(webhooks.OUTBOX, delivery.pk, now)
    assert webhooks.deliver(delivery.pk) == "skipped"
    # The first sender died: after its lease expires the delivery is due again.
    later = now + outbox.HTTP.lease() + datetime.timedelta(seconds=1)
    assert webhooks.due_deliveries(later) == [delivery.pk]
    assert webhooks.deliver(delivery.pk, now=later) == "delivered"
    assert len(receiver.requests) == 1


def test_progress_needs_the_support_desk_and_a_known_group(api, org, groups):
    _ticket, emergency_id = raise_one(api, org)
    assert (
        api("leader")
        .post(f"/super-emergencies/{emergency_id}/progress", {"body": "Update."})
        .status_code
        == 403
    )
    unknown = api("support").post(
        f"/super-emergencies/{emergency_id}/progress", {"body": "Update.", "group": "nope"}
    )
    assert unknown.status_code == 400


def test_the_raising_leader_may_close_it_and_lists_show_it(api, org):
    _ticket, emergency_id = raise_one(api, org)
    assert [e["id"] for e in api("support").get("/super-emergencies").json()] == [emergency_id]
    assert api("agent").post(f"/super-emergencies/{emergency_id}/close", {}).status_code == 403
    assert api("leader").post(f"/super-emergencies/{emergency_id}/close", {}).status_code == 200
    assert api("support").get("/super-emergencies").json() == []
    assert api("alice").get("/super-emergencies").status_code == 403
    assert api("bob").get(f"/super-emergencies/{emergency_id}").status_code == 404
