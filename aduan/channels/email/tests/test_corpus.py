"""Every message of the corpus (corpus/*.eml, written by corpus/make_corpus.py) through the
whole intake, checked against its expected result in corpus/manifest.json."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from aduan.channels.email import inbound
from aduan.channels.email.models import (
    InboundAttachment,
    InboundMessage,
    OutboundKind,
    OutboundMessage,
)
from aduan.channels.email.tests.corpus.kit import big_pdf
from aduan.channels.email.text import safe_html
from aduan.tickets import services
from aduan.tickets.models import EventKind, Ticket

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parent / "corpus"
MANIFEST: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text())
PLACEHOLDER = b"ADU-0000-000000"


def test_the_corpus_has_at_least_sixty_messages_each_with_a_file():
    files = [case["file"] for case in MANIFEST if not case["file"].startswith("generated:")]
    assert len(MANIFEST) >= 60
    assert sorted(files) == sorted(p.name for p in CORPUS.glob("*.eml"))


def big_attachment() -> bytes:
    message = EmailMessage()
    message["From"] = "Arsip <arsip@contoh.co.id>"
    message["To"] = "helpdesk@aduan.test"
    message["Subject"] = "Hasil scan dokumen"
    message["Message-ID"] = "<big-20mb@contoh.co.id>"
    message.set_content("Hasil scan terlampir (20 MB).")
    data = big_pdf()  # the manifest names its SHA-256
    message.add_attachment(data, maintype="application", subtype="pdf", filename="scan-besar.pdf")
    return message.as_bytes()


def raw_of(case: dict[str, Any]) -> bytes:
    if case["file"] == "generated:attachment_20mb":
        return big_attachment()
    return (CORPUS / case["file"]).read_bytes()


def setup_case(org: Any, case: dict[str, Any]) -> Ticket | None:
    base = None
    for name in case.get("after", []):
        first = inbound.ingest((CORPUS / name).read_bytes(), source="pipe").message
        assert first.status == "processed", first.error
        base = base or first.ticket
    setup = case.get("setup")
    agent = org.user("agent")
    if setup in ("resolve", "close"):
        assert base is not None
        steps = [services.TransitionInput(to="resolved", note="Sudah diperbaiki.", channel="phone")]
        if setup == "close":
            steps.append(services.TransitionInput(to="closed"))
        for step in steps:
            services.transition(actor=agent, reference=base.reference, data=step)
    if setup == "agent_email":
        agent.email = "agent@aduan.test"
        agent.save(update_fields=["email"])
    return base


def sent_mail(expected: dict[str, str] | None) -> OutboundMessage | None:
    """A mail of ours, sent with the Message-ID a bounce or delay notice of the case names."""
    if expected is None:
        return None
    return OutboundMessage.objects.create(
        kind=OutboundKind.ACKNOWLEDGEMENT,
        status="sent",
        to_address="hilang@contoh.co.id",
        from_address="aduan@localhost",
        subject="Keluhan diterima",
        body="Terima kasih.",
        language="id",
        message_id=expected["message_id"],
        auto_submitted="auto-replied",
    )


def timeline_text(message: InboundMessage) -> str:
    event = message.event
    assert event is not None and message.ticket is not None
    return message.ticket.description if event.kind == EventKind.CREATED else event.body


def check_unticketed_files(message: InboundMessage, expected: list[dict[str, Any]] | None) -> None:
    """A message that became no ticket (ignored, held, failed) still has its files
    extracted, for administrators, and none is on a ticket."""
    if expected is None:
        return
    kept = list(InboundAttachment.objects.filter(message=message))
    assert [(item.filename, item.content_type) for item in kept] == [
        (item["filename"], item["content_type"]) for item in expected
    ]
    for item, wanted in zip(kept, expected, strict=True):
        assert item.attachment is None and not item.accepted
        assert item.file.name.endswith(item.sha256)
        if "sha256" in wanted:
            assert item.sha256 == wanted["sha256"], "the sender's bytes, byte for byte"


def known_failure(case: dict[str, Any]) -> Any:
    """A case marked ``known_failure`` (a defect found, not fixed yet) must fail, strictly:
    the mark goes with the fix."""
    reason = case.get("known_failure")
    return [pytest.mark.xfail(reason=reason, strict=True)] if reason else []


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, marks=known_failure(case)) for case in MANIFEST],
    ids=[case["file"] for case in MANIFEST],
)
def test_corpus_message(org, case):
    with translation.override("en"):
        base = setup_case(org, case)
        raw = raw_of(case)
        if base is not None:
            raw = raw.replace(PLACEHOLDER, base.reference.encode())
        sent = sent_mail(case.get("returns_sent"))
        result = inbound.ingest(
            raw, source="pipe", accept_auto_generated=case.get("accept_auto_generated", False)
        )
    message = InboundMessage.objects.get(pk=result.message.pk)
    if "duplicate_of" in case:
        # The same message delivered again: counted on the first, not stored twice.
        assert not result.created and message.duplicates == 1
        raw = (CORPUS / case["duplicate_of"]).read_bytes()
    else:
        assert result.created, "a message of its own, whatever its Message-ID"
    assert bytes(message.raw) == raw, "the raw message is stored as it came"
    if sent is not None:
        sent.refresh_from_db()
        assert sent.status == case["returns_sent"]["status"]
    assert message.status == case["status"], message.error
    if "reason" in case:
        assert message.reason == case["reason"]
    if "message_id" in case:
        assert message.message_id == case["message_id"]
    if "message_id_suffix" in case:
        assert message.message_id.endswith(case["message_id_suffix"])
    for text in case.get("text_contains", []):
        assert text in message.text
    for text in case.get("text_excludes", []):
        assert text not in message.text
    for text in case.get("html_contains", []):
        assert text in message.html
    for text in case.get("safe_html_excludes", []):
        assert text not in safe_html(message.html)
    if "text_length_at_least" in case:
        assert len(message.text) >= case["text_length_at_least"]

    answers = OutboundMessage.objects.filter(inbound=message)
    if message.status != "processed":
        assert message.ticket is None
        assert not answers.exists(), "noise and failures are never answered"
        check_unticketed_files(message, case.get("attachments"))
        return

    ticket, event, customer = message.ticket, message.event, message.customer
    assert ticket is not None and event is not None and customer is not None
    # Whatever the message says, it is the customer's, never staff's, never internal.
    assert event.kind in (EventKind.CREATED, EventKind.CUSTOMER_MESSAGE)
    assert event.author is None or event.author.role == "customer"
    assert not event.internal
    assert ticket.customer == customer or event.kind == EventKind.CUSTOMER_MESSAGE
    outcome = case.get("outcome")
    if outcome == "created":
        assert event.kind == EventKind.CREATED and ticket.status == "new"
        assert ticket != base
    elif outcome == "appended":
        assert event.kind == EventKind.CUSTOMER_MESSAGE and ticket == base
    elif outcome == "follow_up":
        assert base is not None
        assert event.kind == EventKind.CREATED and ticket != base
        assert event.data["follows"] == base.reference
    if "ticket_status" in case:
        assert ticket.status == case["ticket_status"]
    if "sender" in case:
        assert message.from_address == case["sender"] == customer.email
    if "customer_name" in case:
        assert customer.name == case["customer_name"]
    if "customer_verified" in case:
        assert customer.is_verified is case["customer_verified"]
    if event.kind == EventKind.CREATED:
        if "subject" in case:
            assert ticket.subject == case["subject"]
        for text in case.get("subject_contains", []):
            assert text in ticket.subject
        if "subject_max_length" in case:
            assert len(ticket.subject) <= case["subject_max_length"]
        assert "\n" not in ticket.subject and "\r" not in ticket.subject
    shown = timeline_text(message)
    for text in case.get("timeline_contains", []):
        assert text in shown
    for text in case.get("timeline_excludes", []):
        assert text not in shown
    if "trimmed" in case:
        assert event.data["trimmed"] is case["trimmed"]

    if "attachments" in case:
        kept = list(InboundAttachment.objects.filter(message=message).select_related("attachment"))
        assert len(kept) == len(case["attachments"])
        for item, expected in zip(kept, case["attachments"], strict=True):
            assert item.accepted is expected["accepted"], item.reason
            if item.accepted:
                assert item.attachment is not None
                assert item.attachment.filename == expected["filename"]
                assert item.attachment.content_type == expected["content_type"]
                assert item.attachment.event == event and item.attachment.ticket == ticket
            else:
                assert item.filename == expected["filename"]
                assert item.content_type == expected["content_type"]
                assert item.reason
            assert item.file.name.endswith(item.sha256)
            if "size" in expected:
                assert item.size == expected["size"]
            if "sha256" in expected:
                assert item.sha256 == expected["sha256"], "the sender's bytes, byte for byte"
            if "inline" in expected:
                assert item.inline is expected["inline"]

    acks = answers.filter(kind=OutboundKind.ACKNOWLEDGEMENT)
    if case.get("ack") is True:
        ack = acks.get()
        assert ack.to_address == customer.email
        assert ack.in_reply_to == message.message_id
        assert ticket.reference in ack.subject
        assert "\n" not in ack.to_name and "\r" not in ack.to_name
    elif case.get("ack") is False:
        assert not acks.exists()
