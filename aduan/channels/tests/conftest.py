"""One outbox row of each kind, and the real servers they go to: aiosmtpd for mail, an HTTP
server on 127.0.0.1 for webhooks. Each kind can be told to fail for a while (a 451 from the
mail server, a 503 from the webhook) or for good (550, 400)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from aduan.channels import outbox
from aduan.channels.email.tests.servers import SmtpSink
from aduan.channels.tests.receiver import Receiver

SECRET = "rahasia-bersama-0123456789"


@dataclass
class FlakySmtp(SmtpSink):
    """The mail server; ``answer`` replaces its answer to RCPT TO while set."""

    answer: str = ""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.answer:
            return self.answer
        return await super().handle_RCPT(server, session, envelope, address, options)


@pytest.fixture
def smtp(settings: Any) -> Iterator[FlakySmtp]:
    sink = FlakySmtp()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Aduan <aduan@localhost>"
    yield sink
    sink.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


@dataclass
class Kind:
    """One kind of outbox row, with its server."""

    name: str
    box: outbox.Outbox[Any, Any]
    make: Callable[[], int]
    # Make the server fail: for a while, or for good.
    fail: Callable[[bool], None]
    heal: Callable[[], None]
    # How many it received and accepted.
    received: Callable[[], int]


def mail_row() -> int:
    from aduan.channels.email import outbound
    from aduan.channels.email.models import OutboundMessage

    return OutboundMessage.objects.create(
        kind="reply",
        to_address="dewi@contoh.co.id",
        to_name="Dewi",
        from_address="aduan@localhost",
        subject="Jawaban",
        body="Teknisi dalam perjalanan.",
        language="id",
        message_id=outbound.new_message_id(),
        auto_submitted="auto-generated",
    ).pk


def reply_row(receiver: Receiver) -> int:
    from aduan.channels.webhooks.models import OutboundDelivery, WebhookEndpoint
    from aduan.tests.factories import ChannelFactory

    channel: Any = ChannelFactory(code="chat", kind="chat")
    WebhookEndpoint.objects.get_or_create(
        channel=channel, defaults={"secret": SECRET, "outbound_url": receiver.url("/reply")}
    )
    delivery_id = uuid.uuid4().hex
    return OutboundDelivery.objects.create(
        delivery_id=delivery_id,
        channel=channel,
        recipient="6281299990000",
        payload={"event": "reply", "delivery_id": delivery_id, "text": "Halo."},
    ).pk


def group_row(receiver: Receiver) -> int:
    from aduan.care.models import ExternalGroup, WebhookDelivery

    group, _created = ExternalGroup.objects.get_or_create(
        code="c4",
        defaults={"name": "C4", "webhook_url": receiver.url("/group"), "secret": SECRET},
    )
    now = timezone.now()
    return WebhookDelivery.objects.create(
        group=group,
        event="super_emergency.forwarded",
        payload={"ticket": {"reference": "ADU-2026-000001"}},
        next_attempt_at=now,
        created_at=now,
    ).pk


@pytest.fixture
def kinds(org: Any, smtp: FlakySmtp, receiver: Receiver) -> dict[str, Kind]:
    from aduan.care.services import webhooks as groups
    from aduan.channels.email import outbound
    from aduan.channels.webhooks import delivery as replies

    def smtp_fail(permanent: bool) -> None:
        smtp.answer = "550 5.1.1 No such user here" if permanent else "451 4.3.0 Try again later"

    def smtp_heal() -> None:
        smtp.answer = ""

    def http_fail(permanent: bool) -> None:
        receiver.statuses = [400 if permanent else 503] * 50

    def http_heal() -> None:
        receiver.statuses = []

    def http_received(path: str) -> Callable[[], int]:
        return lambda: sum(1 for p in receiver.posts if p.path == path and p.status < 300)

    return {
        "mail": Kind(
            "mail", outbound.OUTBOX, mail_row, smtp_fail, smtp_heal, lambda: len(smtp.messages)
        ),
        "reply": Kind(
            "reply",
            replies.OUTBOX,
            lambda: reply_row(receiver),
            http_fail,
            http_heal,
            http_received("/reply"),
        ),
        "group": Kind(
            "group",
            groups.OUTBOX,
            lambda: group_row(receiver),
            http_fail,
            http_heal,
            http_received("/group"),
        ),
    }
