"""Which text is the body, and every attachment byte for byte: attached messages as they
came, text files never re-encoded, broken base64 and uuencode decoded as far as valid,
unnamed parts named, and the files of messages that became no ticket kept for
administrators."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid

import pytest

from aduan.channels.email import decoding, inbound, services
from aduan.channels.email.models import InboundAttachment, InboundMessage
from aduan.channels.email.parsing import parse
from aduan.channels.email.tests.corpus.kit import PDF, PNG, b64

HEAD = (
    "From: Budi <budi@contoh.co.id>\nTo: helpdesk@aduan.test\nSubject: {subject}\n"
    "Message-ID: <{id}@contoh.co.id>\nMIME-Version: 1.0\n"
)


def mail(body: str, subject: str = "Keluhan", extra: str = "") -> bytes:
    return (HEAD.format(subject=subject, id=uuid.uuid4().hex) + extra + body).encode(
        "utf-8", "surrogateescape"
    )


def alternative(plain: str, html: str) -> bytes:
    return mail(
        'Content-Type: multipart/alternative; boundary="a"\n\n--a\n'
        f"Content-Type: text/plain; charset=utf-8\n\n{plain}\n--a\n"
        f"Content-Type: text/html; charset=utf-8\n\n{html}\n--a--\n"
    )


def mixed(*parts: str) -> bytes:
    body = 'Content-Type: multipart/mixed; boundary="m"\n\n'
    body += "".join(f"--m\n{part}\n" for part in parts)
    return mail(body + "--m--\n")


TEXT = "Content-Type: text/plain; charset=utf-8\n\nLihat lampiran."


# --- decoders ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 2, 3, 44, 45, 46, 200])
def test_the_decoders_give_back_exactly_what_was_encoded(size):
    data = bytes(range(256))[:size] * 2
    assert decoding.base64(base64.encodebytes(data)) == data
    assert decoding.base64(base64.b64encode(data).rstrip(b"=")) == data
    lines = b"".join(binascii.b2a_uu(data[i : i + 45]) for i in range(0, len(data), 45))
    assert decoding.uudecode(b"begin 600 a.bin\n" + lines + b"`\nend\n") == (data, "a.bin")
    assert decoding.uudecode(lines.replace(b"\n", b"\r\n"))[0] == data


def test_base64_of_a_bad_length_loses_only_the_incomplete_character():
    data = b"0123456789ab" * 5  # 60 bytes: no padding
    defects: list[str] = []
    assert decoding.base64(base64.b64encode(data) + b"Q", defects) == data
    assert defects == ["base64 of a bad length: decoded as far as valid"]
    # Two encoded blocks glued together, junk in between.
    assert decoding.base64(base64.b64encode(b"one") + b"!*" + base64.b64encode(b"two!")) == (
        b"onetwo!"
    )


def test_uuencode_without_begin_skips_text_before_and_stops_at_the_first_bad_line():
    data = PDF * 2
    lines = b"".join(binascii.b2a_uu(data[i : i + 45]) for i in range(0, len(data), 45))
    defects: list[str] = []
    decoded, name = decoding.uudecode(b"\n" + lines + b"-- \nsignature here\n", defects)
    assert (decoded, name) == (data, "")
    assert "uuencode without a begin line" in defects
    # A cut in the middle keeps every line before it.
    cut = lines.split(b"\n")
    assert decoding.uudecode(b"\n".join([*cut[:1], b"#garbage!", *cut[1:]]))[0] == data[:45]


# --- which text is the body --------------------------------------------------------------


@pytest.mark.parametrize(
    "stub",
    [
        "",
        "   \n \n",
        "Pesan ini berformat HTML. Silakan buka di peramban.",
        "Your mail client cannot display this message. View it online: https://x.example/v",
    ],
)
def test_an_empty_or_banner_plain_alternative_gives_way_to_the_html(stub):
    parsed = parse(alternative(stub, "<p>Listrik di <b>blok A</b> padam sejak pagi.</p>"))
    assert parsed.text == "Listrik di blok A padam sejak pagi."
    assert "<b>blok A</b>" in parsed.html


def test_a_short_plain_alternative_that_says_what_the_html_says_is_the_text():
    """Mentions HTML and a browser, but it is the message, not a banner."""
    plain = "Halaman html formulir tidak bisa dibuka di browser saya."
    parsed = parse(alternative(plain, f"<div>{plain}</div><div>Terima kasih.</div>"))
    assert parsed.text == plain


def test_text_and_html_siblings_of_a_mixed_are_all_shown_in_order():
    parsed = parse(
        mixed(
            "Content-Type: text/html; charset=utf-8\n\n<p>Satu</p>",
            "Content-Type: text/plain; charset=utf-8\n\nDua",
            "Content-Type: text/html; charset=utf-8\n\n<p>Tiga</p>",
        )
    )
    assert parsed.text == "Satu\n\nDua\n\nTiga"
    assert parsed.attachments == []


def test_a_named_text_part_after_the_body_is_a_file_and_an_inline_one_without_a_name_text():
    parsed = parse(
        mixed(
            TEXT,
            'Content-Type: text/plain; name="log.txt"\n\nERROR 42',
            "Content-Type: text/plain\nContent-Disposition: inline\n\nP.S. segera.",
        )
    )
    assert parsed.text == "Lihat lampiran.\n\nP.S. segera."
    assert [(part.filename, part.data) for part in parsed.attachments] == [("log.txt", b"ERROR 42")]


def test_a_mail_that_is_only_a_named_file_has_no_text_and_the_file_as_sent():
    csv = "a;b\r\n1;\xe9\r\n".encode("latin-1")
    raw = mail(
        'Content-Type: text/csv; charset=iso-8859-1; name="data.csv"\n'
        'Content-Disposition: attachment; filename="data.csv"\n'
        "Content-Transfer-Encoding: base64\n\n" + b64(csv)
    )
    parsed = parse(raw)
    assert parsed.text == ""
    assert [(part.filename, part.data) for part in parsed.attachments] == [("data.csv", csv)]


# --- attachments byte for byte -------------------------------------------------------------


def test_text_files_keep_the_senders_bytes_in_every_transfer_encoding():
    latin = "Nama;Kota\r\nJosé;Köln\r\n".encode("latin-1")
    quoted = "Nama;Kota\nJos=E9;K=F6ln\n"  # CRLF below, as the whole mail
    raw = mixed(
        TEXT,
        'Content-Type: text/csv; charset=iso-8859-1; name="qp.csv"\n'
        "Content-Transfer-Encoding: quoted-printable\n\n" + quoted,
        'Content-Type: text/csv; charset=iso-8859-1; name="b64.csv"\n'
        "Content-Transfer-Encoding: base64\n\n" + b64(latin),
    ).replace(b"\n", b"\r\n")
    parsed = parse(raw)
    assert [part.data for part in parsed.attachments] == [latin, latin]


def test_8bit_text_files_keep_their_bytes_even_when_they_are_not_the_declared_charset():
    data = b"caf\xe9 \x81\x8d mixed\r\nline two\n"
    raw = (
        mail(
            'Content-Type: multipart/mixed; boundary="m"\n\n--m\n'
            + TEXT
            + '\n--m\nContent-Type: text/plain; charset=utf-8; name="x.txt"\n'
            "Content-Transfer-Encoding: 8bit\n\n"
        )
        + data
        + b"\n--m--\n"
    )
    assert parse(raw).attachments[0].data == data


def test_an_attached_message_is_kept_exactly_as_it_came_and_named_after_its_subject():
    inner = (
        b"From: A <a@contoh.co.id>\r\nSubject: =?utf-8?B?VGFnaWhhbiAxLzI=?=\r\n"
        b"X-Folded: one\r\n\ttwo   \r\n  three\r\nContent-Type: text/plain; charset=latin-1\r\n"
        b"\r\nCaf\xe9\r\n"
    )
    raw = (
        mail('Content-Type: multipart/mixed; boundary="m"\n\n').replace(b"\n", b"\r\n")
        + b"--m\r\n"
        + TEXT.replace("\n", "\r\n").encode()
        + b"\r\n--m\r\nContent-Type: message/rfc822\r\n\r\n"
        + inner
        + b"\r\n--m--\r\n"
    )
    [part] = parse(raw).attachments
    assert part.data == inner
    # "Tagihan 1/2": a slash would cut the name at the path separator.
    assert (part.filename, part.content_type) == ("Tagihan 1 2.eml", "message/rfc822")


def test_attached_messages_base64_encoded_or_named_without_eml_come_out_as_eml_files():
    inner = b"From: a@contoh.co.id\nSubject: Lama\n\nIsi.\n"
    parsed = parse(
        mixed(
            TEXT,
            "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n" + b64(inner),
            'Content-Type: message/rfc822; name="Keluhan Maret"\n\n' + inner.decode(),
        )
    )
    assert [(p.filename, p.data) for p in parsed.attachments] == [
        ("Lama.eml", inner),
        ("Keluhan Maret.eml", inner),
    ]


def test_a_digest_gives_one_eml_per_message():
    raw = mail(
        'Content-Type: multipart/digest; boundary="d"\n\n--d\n\n'
        "Subject: Satu\n\nPertama.\n--d\n\nSubject: Dua\n\nKedua.\n--d--\n"
    )
    names = [part.filename for part in parse(raw).attachments]
    assert names == ["Satu.eml", "Dua.eml"]


def test_unnamed_parts_are_named_from_their_content_id_or_type_and_kept_unique():
    parsed = parse(
        mixed(
            TEXT,
            "Content-Type: image/jpeg\nContent-ID: <image001.jpg@01DA8F3C.5E6B7A80>\n\nx",
            "Content-Type: image/png\nContent-ID: <part1.06090408.01060107@contoh.co.id>\n\nx",
            "Content-Type: image/png\n\nx",
            'Content-Type: image/png; name="image-3.png"\n\nx',
            "Content-Type: image/png\n\nx",
            "Content-Type: text/html\nContent-Disposition: attachment\n\n<p>x</p>",
            "Content-Type: application/x-unknown-thing\n\nx",
        )
    )
    assert [part.filename for part in parsed.attachments] == [
        "image001.jpg",
        "image.png",
        "image-2.png",
        "image-3.png",
        "image-4.png",
        "document.html",
        "attachment.bin",
    ]
    assert [part.inline for part in parsed.attachments[:3]] == [True, True, False]


def test_uuencoded_parts_are_named_from_their_begin_line():
    lines = binascii.b2a_uu(PNG[:45]).decode() + binascii.b2a_uu(PNG[45:]).decode()
    parsed = parse(
        mixed(
            TEXT,
            "Content-Type: application/octet-stream\nContent-Transfer-Encoding: x-uuencode\n\n"
            f"begin 644 foto lama.png\n{lines}`\nend",
        )
    )
    assert [(p.filename, p.data) for p in parsed.attachments] == [("foto lama.png", PNG)]


# --- files of messages that became no ticket ----------------------------------------------

AUTO_REPLY = (
    "Auto-Submitted: auto-replied\n"
    'Content-Type: multipart/mixed; boundary="m"\n\n--m\n'
    "Content-Type: text/plain\n\nSaya sedang cuti.\n"
    '--m\nContent-Type: application/pdf; name="brosur.pdf"\nContent-Transfer-Encoding: base64\n\n'
    + b64(PDF)
    + '--m\nContent-Type: application/x-msdownload; name="setup.exe"\n'
    "Content-Transfer-Encoding: base64\n\n" + b64(b"MZ fake") + "--m--\n"
)


@pytest.mark.django_db
def test_an_ignored_messages_files_are_kept_and_go_on_the_ticket_when_it_is_forced_in(org):
    message = inbound.ingest(mail(AUTO_REPLY), source="pipe").message
    assert message.status == "ignored"
    files = list(InboundAttachment.objects.filter(message=message))
    assert [(f.filename, f.sha256, f.accepted) for f in files] == [
        ("brosur.pdf", hashlib.sha256(PDF).hexdigest(), False),
        ("setup.exe", hashlib.sha256(b"MZ fake").hexdigest(), False),
    ]
    assert files[0].reason == ""  # acceptable: it is only not on a ticket
    assert files[1].reason  # withheld by the policy
    assert files[0].file.read() == PDF

    services.retry_inbound(actor=org.user("admin"), message_id=message.pk, force=True)
    message.refresh_from_db()
    assert message.status == "processed"
    files = list(InboundAttachment.objects.filter(message=message))
    assert [(f.filename, f.accepted) for f in files] == [
        ("brosur.pdf", True),
        ("setup.exe", False),
    ], "listed once, the policy applied on the ticket"
    assert files[0].attachment.ticket == message.ticket


@pytest.mark.django_db
def test_a_failed_messages_files_are_kept(org):
    raw = (
        f"To: helpdesk@aduan.test\nSubject: Tanpa pengirim\nMessage-ID: <{uuid.uuid4()}@x>\n"
        'Content-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain\n\nIsi.\n'
        "--m\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n" + b64(PNG) + "--m--\n"
    ).encode()
    message = inbound.ingest(raw, source="pipe").message
    assert message.status == "failed" and message.reason == "no_sender"
    files = list(InboundAttachment.objects.filter(message=message))
    assert [(f.filename, f.sha256, f.attachment) for f in files] == [
        ("image.png", hashlib.sha256(PNG).hexdigest(), None)
    ]
    # Run again (still failing): listed once.
    services.retry_inbound(actor=org.user("admin"), message_id=message.pk)
    assert InboundAttachment.objects.filter(message=message).count() == 1


@pytest.mark.django_db
def test_administrators_download_the_files_of_an_ignored_message(org, api):
    message = inbound.ingest(mail(AUTO_REPLY), source="pipe").message
    detail = api("admin").get(f"/mail/inbound/{message.pk}").json()
    urls = [item["url"] for item in detail["attachments"]]
    assert [item["filename"] for item in detail["attachments"]] == ["brosur.pdf", "setup.exe"]
    client = api("admin")
    response = client.client.get(urls[1], headers=client._headers())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"MZ fake"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    path = urls[0].removeprefix("/api/v1")
    assert api("agent").get(path).status_code == 404
    other = inbound.ingest(mail(TEXT), source="pipe").message
    assert api("admin").get(path.replace(f"/{message.pk}/", f"/{other.pk}/")).status_code == 404


@pytest.mark.django_db
def test_the_admin_lists_and_serves_the_files_of_an_ignored_message(org, client):
    message = inbound.ingest(mail(AUTO_REPLY), source="pipe").message
    admin = org.user("admin")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)
    page = client.get(f"/admin/mail/inboundmessage/{message.pk}/change/")
    assert page.status_code == 200
    item = InboundAttachment.objects.filter(message=message).first()
    url = f"/admin/mail/inboundmessage/{message.pk}/attachments/{item.pk}/"
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert InboundMessage.objects.get(pk=message.pk).status == "ignored"
