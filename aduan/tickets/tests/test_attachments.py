"""Supporting documents (seed 003 intake): upload, limits, checksum and safe download."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.audit.models import AuditEntry
from aduan.tests.factories import error_fields, make_ticket, ticket_in_status
from aduan.tickets.models import Attachment, TicketEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


def upload(client, reference: str, name: str, content: bytes, **form):
    return client.post(
        f"/tickets/{reference}/attachments",
        form,
        files={"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def download(client, attachment_id: int):
    return client.client.get(
        f"/api/v1/attachments/{attachment_id}/download", headers=client._headers()
    )


def test_a_customer_attaches_a_document_and_it_is_stored_under_its_checksum(api, org):
    ticket = make_ticket(org)
    response = upload(api("alice"), ticket.reference, "bukti transfer.pdf", PDF)
    assert response.status_code == 201, response.content
    body = response.json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert body["sha256"] == digest
    assert body["size"] == len(PDF)
    assert body["filename"] == "bukti transfer.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["internal"] is False
    stored = Attachment.objects.get(pk=body["id"])
    assert stored.file.name == f"attachments/{digest[:2]}/{digest}"
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF
    event = TicketEvent.objects.get(ticket=ticket, kind="attachment")
    assert event.author == org.user("alice")
    entry = AuditEntry.objects.get(action="attachment.added", object_id=str(stored.pk))
    assert entry.changes["sha256"] == [None, digest]


def test_the_download_is_always_an_attachment_that_browsers_must_not_sniff(api, org):
    ticket = make_ticket(org)
    attachment_id = upload(api("agent"), ticket.reference, "laporan.pdf", PDF).json()["id"]
    response = download(api("alice"), attachment_id)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "laporan.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_type_comes_from_the_extension_not_from_what_the_client_claims(api, org):
    ticket = make_ticket(org)
    response = api("agent").post(
        f"/tickets/{ticket.reference}/attachments",
        files={"file": SimpleUploadedFile("catatan.txt", b"<script>", content_type="text/html")},
    )
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "text/plain"


@pytest.mark.parametrize(
    "name", ["halaman.html", "setup.exe", "skrip.js", "gambar.svg", "tanpa-ekstensi", "x.PDF.exe"]
)
def test_files_of_a_type_that_is_not_allowed_are_refused_naming_file(api, org, name):
    ticket = make_ticket(org)
    response = upload(api("agent"), ticket.reference, name, b"MZ\x90\x00 bukan dokumen")
    assert response.status_code == 400, response.content
    assert error_fields(response) == ["file"]
    assert not Attachment.objects.exists()
    assert not TicketEvent.objects.filter(kind="attachment").exists()


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(api, org, settings):
    settings.ADUAN_MAX_ATTACHMENT_BYTES = 100
    ticket = make_ticket(org)
    too_big = upload(api("agent"), ticket.reference, "besar.pdf", b"x" * 101)
    assert too_big.status_code == 400
    assert error_fields(too_big) == ["file"]
    assert not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "attachments").exists()
    just_fits = upload(api("agent"), ticket.reference, "pas.pdf", b"x" * 100)
    assert just_fits.status_code == 201, just_fits.content


def test_an_empty_file_is_refused(api, org):
    ticket = make_ticket(org)
    response = upload(api("agent"), ticket.reference, "kosong.pdf", b"")
    assert response.status_code == 400
    assert error_fields(response) == ["file"]


def test_an_upload_without_a_file_names_the_file_field(api, org):
    ticket = make_ticket(org)
    response = api("agent").post(f"/tickets/{ticket.reference}/attachments", files={})
    assert response.status_code == 400
    assert error_fields(response) == ["file"]


def test_a_path_in_the_uploaded_file_name_is_dropped(api, org):
    ticket = make_ticket(org)
    response = upload(api("agent"), ticket.reference, "../../etc/passwd.txt", b"root")
    assert response.status_code == 201, response.content
    assert response.json()["filename"] == "passwd.txt"


def test_the_same_content_uploaded_twice_is_stored_once(api, org, settings):
    ticket = make_ticket(org)
    first = upload(api("agent"), ticket.reference, "a.pdf", PDF).json()
    second = upload(api("alice"), ticket.reference, "b.pdf", PDF).json()
    assert first["sha256"] == second["sha256"]
    names = {Attachment.objects.get(pk=row["id"]).file.name for row in (first, second)}
    assert len(names) == 1
    stored = [p for p in (settings.MEDIA_ROOT / "attachments").rglob("*") if p.is_file()]
    assert len(stored) == 1


def test_a_customer_cannot_see_or_download_internal_files(api, org):
    ticket = make_ticket(org)
    internal = upload(api("agent"), ticket.reference, "log.txt", b"internal log", internal="true")
    assert internal.status_code == 201, internal.content
    assert internal.json()["internal"] is True
    alice = api("alice")
    assert download(alice, internal.json()["id"]).status_code == 404
    assert alice.get(f"/tickets/{ticket.reference}/attachments").json() == []
    assert download(api("agent"), internal.json()["id"]).status_code == 200


def test_a_customer_cannot_download_another_customers_file(api, org):
    bobs = make_ticket(org, customer=org.bob)
    attachment_id = upload(api("bob"), bobs.reference, "ktp.pdf", PDF).json()["id"]
    response = download(api("alice"), attachment_id)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert download(api("alice"), 987654).json()["code"] == "not_found"
    assert download(api("bob"), attachment_id).status_code == 200


def test_division_staff_download_only_files_of_tickets_forwarded_to_them(api, org):
    forwarded = ticket_in_status(org, "forwarded")
    other = make_ticket(org)
    agent = api("agent")
    theirs = upload(agent, forwarded.reference, "denah.pdf", PDF).json()["id"]
    not_theirs = upload(agent, other.reference, "lain.pdf", PDF + b"x").json()["id"]
    division = api("division")
    assert download(division, theirs).status_code == 200
    assert download(division, not_theirs).status_code == 404


def test_files_uploaded_by_division_staff_are_internal(api, org):
    ticket = ticket_in_status(org, "forwarded")
    response = upload(api("division"), ticket.reference, "hasil-cek.pdf", PDF)
    assert response.status_code == 201, response.content
    assert response.json()["internal"] is True


def test_a_customer_cannot_mark_their_file_internal(api, org):
    ticket = make_ticket(org)
    response = upload(api("alice"), ticket.reference, "a.pdf", PDF, internal="true")
    assert response.status_code == 400
    assert error_fields(response) == ["internal"]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_nothing_can_be_attached_to_a_finished_ticket(api, org, status):
    ticket = ticket_in_status(org, status)
    response = upload(api("agent"), ticket.reference, "telat.pdf", PDF)
    assert response.status_code == 409
    assert not Attachment.objects.exists()
