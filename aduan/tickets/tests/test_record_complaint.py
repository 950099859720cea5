"""One service records every complaint (``services.record_complaint``): the API's JSON and
multipart creates call it, with files and the outcome of the call in one transaction, and a
plain create costs no more queries than before."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="union-attr, misc"

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aduan.audit.models import AuditEntry
from aduan.core.errors import ApplicationError
from aduan.tickets import services
from aduan.tickets.models import ANSWER_CHANNEL_OF_KIND, Attachment, EventKind, Status, Ticket

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n fake"
# Measured before record_complaint existed (staff, inside the test's transaction): savepoint,
# customer, the reference's counter, ticket, event, audit, care's repeat count, release. On
# PostgreSQL the counter is a sequence: an advisory lock, CREATE SEQUENCE IF NOT EXISTS (the
# test's transaction forgets it) and nextval.
PLAIN_CREATE_QUERIES = {"sqlite": 8, "postgresql": 10}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """The real ``record_complaint``, noting each call: which caller reached it."""
    seen: list[dict[str, Any]] = []
    real = services.record_complaint

    def noting(**kwargs: Any) -> services.Recorded:
        seen.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "record_complaint", noting)
    yield seen


def _plain(org: Any) -> services.TicketInput:
    return services.TicketInput(
        subject="Internet mati",
        description="Sejak pagi.",
        channel="phone",
        customer_id=org.alice.pk,
        category="network",
    )


def test_a_plain_create_costs_no_more_queries_than_before(org):
    agent = org.user("agent")
    services.create_ticket(actor=agent, data=_plain(org))  # the caches are warm
    with CaptureQueriesContext(connection) as captured:
        services.record_complaint(actor=agent, data=_plain(org))
    queries = [q["sql"][:80] for q in captured.captured_queries]
    assert len(queries) <= PLAIN_CREATE_QUERIES[connection.vendor], queries


def test_files_and_the_outcome_are_recorded_with_the_complaint(org):
    agent = org.user("agent")
    recorded = services.record_complaint(
        actor=agent,
        data=_plain(org),
        files=[services.Upload("foto.png", SimpleUploadedFile("foto.png", PNG))],
        outcome=Status.RESOLVED,
        note="Modem dinyalakan ulang.",
    )
    ticket = Ticket.objects.get(pk=recorded.ticket.pk)
    assert ticket.status == Status.RESOLVED
    assert recorded.event.kind == EventKind.CREATED
    assert Attachment.objects.get(ticket=ticket).uploaded_by == agent
    assert ticket.events.get(kind=EventKind.SOLUTION_REPORT).channel == "phone"
    actions = set(
        AuditEntry.objects.filter(object_id=str(ticket.pk)).values_list("action", flat=True)
    )
    assert {"ticket.created", "ticket.status"} <= actions


@pytest.mark.parametrize(
    ("outcome", "note", "field"),
    [("pending", "", "note"), ("closed", "x", "outcome")],
)
def test_a_bad_outcome_records_nothing_and_names_the_field(org, outcome, note, field):
    with pytest.raises(ApplicationError) as raised:
        services.record_complaint(
            actor=org.user("agent"), data=_plain(org), outcome=outcome, note=note
        )
    assert raised.value.field == field
    assert not Ticket.objects.exists()


def test_one_map_answers_each_channel_kind():
    # The desk's solution report and the ticket page's reply form read the same map.
    assert ANSWER_CHANNEL_OF_KIND["walk_in"] == "verbal"
    assert ANSWER_CHANNEL_OF_KIND["sms"] == ANSWER_CHANNEL_OF_KIND["chat"] == "chat"
    assert ANSWER_CHANNEL_OF_KIND["web"] == "portal"


# --- the API -------------------------------------------------------------------------------


def _multipart(api: Any, username: str, data: dict[str, Any], files: list[Any]) -> Any:
    client = api(username)
    return Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/complaints",
        {**data, "attachments": files},
        headers={"Authorization": f"Bearer {client.token}"},
    )


def _form(org: Any, **fields: Any) -> dict[str, Any]:
    return {
        "subject": "Printer macet",
        "description": "Kertas tersangkut.",
        "customer_id": org.alice.pk,
        "channel": "phone",
        **fields,
    }


def test_the_api_records_a_complaint_with_attachments_and_its_outcome(api, org, calls):
    files = [
        SimpleUploadedFile("foto.png", PNG, content_type="image/png"),
        SimpleUploadedFile("surat.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    ]
    response = _multipart(
        api, "agent", _form(org, outcome="pending", note="Menunggu suku cadang."), files
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    ticket = Ticket.objects.get(reference=body["reference"])
    assert sorted(a.filename for a in Attachment.objects.filter(ticket=ticket)) == [
        "foto.png",
        "surat.pdf",
    ]
    assert len(calls) == 1 and len(calls[0]["files"]) == 2


def test_the_json_create_goes_through_the_same_service(api, org, calls):
    response = api("agent").post("/tickets", _form(org))
    assert response.status_code == 201
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("fields", "files", "status", "field"),
    [
        ({}, [("virus.exe", b"MZ")], 400, "attachments"),
        ({}, [("kosong.pdf", b"")], 400, "attachments"),
        ({"subject": ""}, [], 400, "subject"),
        ({"customer_id": "abc"}, [], 400, "customer_id"),
        ({"outcome": "closed"}, [], 400, "outcome"),
        ({"outcome": "resolved"}, [], 400, "note"),
        ({"received_at": "kemarin"}, [], 400, "received_at"),
        ({"channel": "merpati"}, [], 400, "channel"),
    ],
)
def test_bad_multipart_input_names_the_field_and_records_nothing(
    api, org, fields, files, status, field
):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    response = _multipart(api, "agent", _form(org, **fields), uploads)
    assert response.status_code == status, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Ticket.objects.exists()


def test_a_customer_files_with_attachments_but_sets_no_outcome(api, org):
    form = {"subject": "Tagihan ganda", "description": "Ditagih dua kali."}
    png = SimpleUploadedFile("bukti.png", PNG)
    filed = _multipart(api, "alice", form, [png])
    assert filed.status_code == 201, filed.content
    assert filed.json()["status"] == "new"
    refused = _multipart(api, "alice", {**form, "outcome": "resolved", "note": "x"}, [])
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["outcome"]


def test_the_multipart_create_is_documented(org):
    document = Client().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/complaints"]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert operation["operationId"] == "aduan_tickets_api_record_complaint"
    assert "attachments" in schema["properties"] and "outcome" in schema["properties"]
    assert {"201", "400"} <= set(operation["responses"])


# --- every other way in reaches the same service ------------------------------------------


def test_the_caller_desk_records_through_the_service(org, calls):
    client = Client()
    client.force_login(org.user("agent"))
    response = client.post(
        f"/console/desk/callers/{org.alice.pk}/complaint/",
        {
            "subject": "Internet mati",
            "description": "Sejak pagi.",
            "channel": "phone",
            "outcome": "resolved",
            "note": "Modem dinyalakan ulang.",
            "attachments": [SimpleUploadedFile("foto.png", PNG)],
        },
    )
    assert response.status_code == 302
    assert [c["outcome"] for c in calls] == ["resolved"] and len(calls[0]["files"]) == 1
    assert Ticket.objects.get().status == Status.RESOLVED


def test_the_portal_files_through_the_service(org, calls):
    client = Client()
    client.force_login(org.user("alice"))
    response = client.post(
        "/portal/new/",
        {
            "subject": "Tagihan ganda",
            "description": "Ditagih dua kali.",
            "attachments": [SimpleUploadedFile("bukti.png", PNG)],
        },
    )
    assert response.status_code == 302, response.content
    assert len(calls) == 1 and calls[0]["actor"] == org.user("alice")
    assert Attachment.objects.get().ticket.customer == org.alice


def test_mail_opens_tickets_through_the_service(org, calls):
    from aduan.channels.email import inbound

    raw = (
        b"From: Dewi <dewi@contoh.co.id>\nTo: helpdesk@aduan.test\nSubject: Internet mati\n"
        b"Message-ID: <one@contoh.co.id>\n\nInternet di lab mati.\n"
    )
    message = inbound.ingest(raw, source="pipe").message
    assert len(calls) == 1 and calls[0]["actor"] is None
    assert message.ticket.status == Status.NEW and message.ticket.channel.kind == "email"


def test_a_chat_gateway_opens_tickets_through_the_service(org, calls):
    from aduan.channels.webhooks import services as webhooks
    from aduan.channels.webhooks.models import WebhookEndpoint
    from aduan.tests.factories import ChannelFactory

    channel = ChannelFactory(code="sms", kind="sms")
    endpoint = WebhookEndpoint.objects.create(channel=channel, secret="s" * 20)
    data = webhooks.MessageIn(
        message_id="m-1", sender=webhooks.Sender(id="+6281299990000"), text="Sinyal hilang."
    )
    received = webhooks.receive(endpoint=endpoint, payload={}, data=data)
    assert received.status == "created"
    assert len(calls) == 1 and calls[0]["actor"] is None
