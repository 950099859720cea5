"""The portal's own mail (the sign-up link, the password link) goes through the mail outbox
like every mail Aduan sends: a mail server that is away costs a retry, not the mail; the cap
per recipient holds; and staff who follow outgoing mail never read the personal link."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="union-attr, operator"

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client, TestCase
from django.utils import timezone

from aduan.channels.email.models import OutboundMessage
from aduan.channels.email.tests.servers import free_port
from aduan.runners.channels import send_due

pytestmark = pytest.mark.django_db
PASSWORD = "Keluhan-Aman-2026"


def post(client: Client, path: str, data: dict[str, str]) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(path, data)


def test_a_sign_up_while_the_mail_server_is_away_gets_its_link_at_the_next_attempt(
    org: Any, smtp: Any, settings: Any
) -> None:
    settings.EMAIL_PORT = free_port()  # nobody listens there yet
    response = post(
        Client(HTTP_ACCEPT_LANGUAGE="en"),
        "/portal/signup/",
        {
            "name": "Dewi Anggraini",
            "email": "dewi@contoh.co.id",
            "phone": "",
            "organisation_name": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    # The sign-up stands; the link waits in the outbox.
    assert response.status_code == 302
    queued = OutboundMessage.objects.get()
    assert (queued.kind, queued.status, queued.attempts) == ("sign_up", "queued", 1)
    assert "ConnectionRefusedError" in queued.last_error
    assert queued.ticket is None and queued.language == "en"
    settings.EMAIL_PORT = smtp.port
    with time_machine.travel(queued.next_attempt_at + datetime.timedelta(seconds=1)):
        assert send_due()["mail"] == 1
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ["dewi@contoh.co.id"]
    assert "/portal/verify/" in received.message.get_body(("plain",)).get_content()
    assert received.message["Auto-Submitted"] == "auto-generated"
    assert OutboundMessage.objects.get().status == "sent"


def test_password_links_to_one_address_are_capped_and_hidden_from_staff(
    org: Any, smtp: Any, settings: Any, api: Any
) -> None:
    settings.ADUAN_MAIL_CAP = 2
    alice = org.user("alice")
    alice.email = "alice@contoh.co.id"
    alice.save(update_fields=["email"])
    for _ in range(3):
        response = post(Client(), "/portal/password-reset/", {"email": "alice@contoh.co.id"})
        # Always the same answer: the cap does not tell anyone anything.
        assert response["Location"] == "/portal/password-reset/sent/"
    statuses = list(OutboundMessage.objects.order_by("id").values_list("status", flat=True))
    assert statuses == ["sent", "sent", "suppressed"]
    assert len(smtp.wait_for(2)) == 2
    # Front-line staff follow outgoing mail, but a password link is its owner's alone.
    listed = api("agent").get("/mail/outbound").json()["items"]
    assert {row["kind"] for row in listed} == {"password_reset"}
    assert {row["body"] for row in listed} == {""}
    # Later the cap lets the next one through.
    later = timezone.now() + datetime.timedelta(minutes=settings.ADUAN_MAIL_CAP_MINUTES + 1)
    with time_machine.travel(later):
        post(Client(), "/portal/password-reset/", {"email": "alice@contoh.co.id"})
    assert OutboundMessage.objects.order_by("-id").first().status == "sent"
