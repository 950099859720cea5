"""Headers of real-world mail: broken header blocks recovered, senders read as a person
would (and only addresses Django accepts), legacy charsets in raw headers, ISO-2022-JP with
Windows' vendor characters, encoded words split by a fold, C1 control characters."""

# Rows read back are Optional to mypy; the tests assert what they hold.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import base64
import uuid

import pytest

from aduan.channels.email import inbound
from aduan.channels.email.headers import normalise_address, recover_headers
from aduan.channels.email.models import InboundMessage, OutboundMessage
from aduan.channels.email.parsing import parse
from aduan.channels.email.text import clean, decode_bytes, decode_header_bytes, single_line
from aduan.customers.models import Customer

BODY = b"Content-Type: text/plain; charset=utf-8\n\nInternet di lab mati.\n"


def headers(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# --- the header block --------------------------------------------------------------------


def test_a_well_formed_message_is_parsed_from_its_own_bytes():
    raw = headers("From: budi@contoh.co.id", "Subject: Halo") + b"\nIsi.\n"
    assert recover_headers(raw) == (raw, [])
    assert recover_headers(raw)[0] is raw


@pytest.mark.parametrize(
    "junk",
    [
        b">From budi@contoh.co.id  Tue Mar  3 09:15:00 2026\n",
        b"this line is not a header\n",
        b"\n",
        b"From budi@contoh.co.id  Tue Mar  3 09:15:00 2026\nX\n",
    ],
)
def test_junk_before_the_headers_is_skipped(junk):
    raw = junk + headers("From: Budi <budi@contoh.co.id>", "Subject: Halo") + BODY
    parsed = parse(raw)
    assert (parsed.from_address, parsed.subject) == ("budi@contoh.co.id", "Halo")
    assert parsed.text == "Internet di lab mati."
    assert "junk before the headers skipped" in parsed.defects


def test_a_message_without_headers_stays_a_message_without_headers():
    raw = b"Halo,\nSaya: mau mengadu\n\nInternet mati.\n"
    assert recover_headers(raw) == (raw, [])
    assert parse(raw).from_address == ""


def test_a_folded_line_that_lost_its_indent_continues_its_header():
    raw = (
        headers(
            "Subject: Internet mati di lab",
            "sejak pagi",
            "From: Budi <budi@contoh.co.id>",
            "Message-ID: <a@contoh.co.id>",
            "Content-Type : text/plain; charset=utf-8",
        )
        + b"\nInternet di lab mati.\n"
    )
    parsed = parse(raw)
    assert parsed.subject == "Internet mati di lab sejak pagi"
    assert parsed.from_address == "budi@contoh.co.id"
    assert parsed.message_id == "<a@contoh.co.id>"
    assert parsed.text == "Internet di lab mati."
    assert "header line without a colon read as a continuation" in parsed.defects


def test_text_right_after_the_headers_without_a_blank_line_stays_the_body():
    raw = headers("From: budi@contoh.co.id", "Subject: Halo", "Halo,", "Internet mati.")
    raw += b"\nBudi\n"
    assert recover_headers(raw) == (raw, [])
    parsed = parse(raw)
    assert parsed.subject == "Halo"
    assert "Internet mati." in parsed.text


@pytest.mark.django_db
def test_the_stored_message_keeps_the_bytes_as_they_came(org):
    raw = b"junk line\n" + headers("From: Budi <budi@contoh.co.id>", "Subject: Halo") + BODY
    message = InboundMessage.objects.get(pk=inbound.ingest(raw, source="pipe").message.pk)
    assert bytes(message.raw) == raw
    assert message.status == "processed" and message.from_address == "budi@contoh.co.id"


# --- senders -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "name", "address"),
    [
        ("Budi <budi@contoh.co.id>", "Budi", "budi@contoh.co.id"),
        ("Budi <Budi@Contoh.CO.ID.>", "Budi", "budi@contoh.co.id"),
        ("budi@contoh.co.id.", "", "budi@contoh.co.id"),
        ("Budi Santoso budi@contoh.co.id", "Budi Santoso", "budi@contoh.co.id"),
        ('"Budi Santoso" budi@contoh.co.id', "Budi Santoso", "budi@contoh.co.id"),
        ("Budi <mailto:budi@contoh.co.id>", "Budi", "budi@contoh.co.id"),
        ("Budi <=?utf-8?B?YnVkaQ==?=@contoh.co.id>", "Budi", "budi@contoh.co.id"),
        ("=?utf-8?q?budi.santoso?=@contoh.co.id", "", "budi.santoso@contoh.co.id"),
        # An encoded word never becomes address syntax, nor another address.
        ("Budi <=?utf-8?q?victim=40evil.test?=@contoh.co.id>", "", ""),
        ("<=?utf-8?q?a=3E=2C_victim=40evil.test?=@contoh.co.id>", "", ""),
        ("Budi <budi@=?utf-8?q?contoh.co.id?=>", "", ""),
        ("<=?utf-8?q?b=C3=BCdi?=@contoh.co.id>", "", ""),
        ('"victim@evil.test" <budi@contoh.co.id>', "victim@evil.test", "budi@contoh.co.id"),
        # Refused by Django's validator: no address at all.
        ("Budi <budi@contoh..co.id>", "", ""),
        ("Budi <budi@contoh_kantor.co.id>", "", ""),
        ("budi@contoh.co.id rina@contoh.co.id", "", ""),
        ("Budi Santoso", "Budi Santoso", ""),
    ],
)
def test_sender_addresses_as_a_person_reads_them(written, name, address):
    parsed = parse(headers(f"From: {written}") + b"\nIsi.\n")
    assert (parsed.from_name, parsed.from_address) == (name, address)


@pytest.mark.parametrize("address", ["budi@contoh..co.id", "budi@", "@contoh.co.id", "a b@c.id"])
def test_normalise_address_refuses_what_django_refuses(address):
    assert normalise_address(address) == ""


def test_the_second_from_header_when_the_first_has_no_address():
    parsed = parse(
        headers("From: undisclosed-sender:;", "From: Budi <budi@contoh.co.id>") + b"\nIsi.\n"
    )
    assert (parsed.from_name, parsed.from_address) == ("Budi", "budi@contoh.co.id")


@pytest.mark.django_db
def test_reply_to_comes_before_sender_and_return_path(org):
    raw = headers(
        "Return-Path: <bounce-1@kirim.contoh.co.id>",
        "Sender: Layanan Kirim <kirim@kirim.contoh.co.id>",
        "From: Budi Santoso",
        "Reply-To: budi@contoh.co.id",
        f"Message-ID: <{uuid.uuid4().hex}@contoh.co.id>",
    )
    message = inbound.ingest(raw + BODY, source="pipe").message
    assert message.status == "processed"
    assert message.from_address == "budi@contoh.co.id"
    assert (message.customer.email, message.customer.name) == ("budi@contoh.co.id", "Budi Santoso")


@pytest.mark.django_db
def test_the_envelope_sender_is_the_last_fallback_and_normalised(org):
    raw = headers("From: Budi Santoso", f"Message-ID: <{uuid.uuid4().hex}@contoh.co.id>")
    stored = inbound.ingest(raw + BODY, source="pipe", envelope_from="Budi@Contoh.co.id.")
    assert stored.message.status == "processed"
    assert stored.message.customer.email == "budi@contoh.co.id"


@pytest.mark.django_db
def test_a_known_customer_is_found_whatever_the_case_of_the_address(org):
    known = Customer.objects.create(name="Budi", email="budi@contoh.co.id")
    raw = headers("From: BUDI <BUDI@Contoh.CO.ID>", f"Message-ID: <{uuid.uuid4().hex}@x.id>")
    assert inbound.ingest(raw + BODY, source="pipe").message.customer == known


@pytest.mark.django_db
def test_an_address_django_refuses_is_never_a_customer_nor_answered(org):
    raw = headers(
        "From: Budi <budi@contoh_kantor..co.id>",
        "Return-Path: <budi@contoh_kantor..co.id>",
        f"Message-ID: <{uuid.uuid4().hex}@contoh.co.id>",
    )
    result = inbound.ingest(raw + BODY, source="pipe", envelope_from="budi@contoh_kantor..co.id")
    message = InboundMessage.objects.get(pk=result.message.pk)
    assert (message.status, message.reason) == ("failed", "no_sender")
    assert "budi@contoh_kantor..co.id" in message.error
    assert bytes(message.raw) == raw + BODY
    assert not Customer.objects.filter(email__icontains="contoh_kantor").exists()
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_customer_for_never_registers_an_invalid_address(org):
    with pytest.raises(inbound.Unprocessable) as failure:
        inbound.customer_for("budi@contoh..co.id", "Budi")
    assert failure.value.reason == "no_sender"
    assert not Customer.objects.filter(email__icontains="contoh..co.id").exists()


# --- charsets ----------------------------------------------------------------------------


def raw_header_mail(charset: str, subject: str, name: str) -> bytes:
    return (
        f"From: {name} <x@contoh.co.id>\nSubject: {subject}\n"
        f"Content-Type: text/plain; charset={charset}\n\nx\n"
    ).encode(charset if charset != "shift_jis" else "cp932")


@pytest.mark.parametrize(
    ("charset", "subject", "name"),
    [
        ("gbk", "网络故障投诉", "王伟"),
        ("gb2312", "网络很慢", "李娜"),
        ("shift_jis", "ネットワーク障害①", "山田太郎"),
        ("iso-8859-1", "Réclamation: facture erronée", "François"),
        ("iso-8859-2", "Reklamacja: błędna faktura", "Paweł Żółkowski"),
        ("koi8-r", "Жалоба на интернет", "Иван"),
    ],
)
def test_raw_8bit_headers_are_read_with_the_charsets_the_message_declares(charset, subject, name):
    parsed = parse(raw_header_mail(charset, subject, name))
    assert (parsed.subject, parsed.from_name) == (subject, name)


def test_an_encoded_words_charset_is_a_hint_for_raw_bytes_elsewhere():
    raw = (
        b"From: \xcd\xf5\xce\xb0 <x@contoh.co.id>\n"
        b"Subject: =?gb2312?B?" + base64.b64encode("投诉".encode("gb2312")) + b"?=\n\nx\n"
    )
    parsed = parse(raw)
    assert (parsed.from_name, parsed.subject) == ("王伟", "投诉")


def test_raw_utf8_in_a_message_that_declares_a_legacy_charset_stays_utf8():
    raw = "Subject: Keluhan — tagihan\nContent-Type: text/plain; charset=gbk\n\nx\n".encode()
    assert parse(raw).subject == "Keluhan — tagihan"


def test_header_bytes_try_multibyte_hints_before_single_byte_ones():
    data = "中文投诉".encode("gbk")
    assert decode_header_bytes(data, ["iso-8859-1", "gbk"]) == "中文投诉"
    assert decode_header_bytes("Café".encode("latin-1"), ["gbk", "iso-8859-1"]) != ""


def test_iso_2022_jp_with_windows_vendor_characters():
    # ① and ② (NEC row 13) and ㈱ in JIS X 0208 escapes, as Windows writes them.
    data = "会議室".encode("iso2022_jp")[:-3] + b'-!-"-j\x1b(B ok'
    assert decode_bytes(data, "ISO-2022-JP") == "会議室①②㈱ ok"
    assert decode_bytes("こんにちは".encode("iso2022_jp"), "iso-2022-jp") == "こんにちは"
    subject = base64.b64encode(b"\x1b$B-!\x1b(B").decode()
    assert parse(f"Subject: =?iso-2022-jp?B?{subject}?=\n\nx\n".encode()).subject == "①"


def test_iso_2022_jp_that_is_not_falls_back_without_raising():
    assert decode_bytes(b"\x1b$B\xff\xfe\x1b(B abc", "iso-2022-jp", []).endswith("abc")


def test_shift_jis_labelled_text_with_vendor_characters():
    assert decode_bytes("①㈱髙".encode("cp932"), "Shift_JIS") == "①㈱髙"


def test_raw_iso_2022_jp_escapes_in_a_header():
    raw = b"Subject: \x1b$B>c32-!\x1b(B\n\nx\n"
    assert parse(raw).subject == "障害①"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("=?utf-8?B?SGVsc\r\n GRlc2s=?=", "Helpdesk"),
        ("=?utf-8?B?SGVsc GRlc2s=?=", "Helpdesk"),
        ("=?utf-8?Q?Tagihan_gan\r\n da_=E2=80=\r\n 94_cek?=", "Tagihan ganda — cek"),
        # Plain spaces in a Q word (a broken mailer, not a fold) stay spaces.
        ("=?utf-8?Q?Tagihan ganda?=", "Tagihan ganda"),
        ("=?utf-8?Q?a?=\r\n =?utf-8?Q?b?=", "ab"),
    ],
)
def test_encoded_words_split_by_a_fold(header, expected):
    assert parse(f"Subject: {header}\n\nx\n".encode()).subject == expected


def test_a_split_encoded_word_in_a_display_name():
    parsed = parse(b"From: =?utf-8?B?QnVkaSBTYW50\r\n b3Nv?= <budi@contoh.co.id>\n\nx\n")
    assert (parsed.from_name, parsed.from_address) == ("Budi Santoso", "budi@contoh.co.id")


def test_c1_control_characters_are_removed():
    assert single_line("Tagihan\x90 listrik\x80 naik\x9f", 100) == "Tagihan listrik naik"
    assert single_line("Budi\x85Santoso", 100) == "Budi Santoso"
    assert clean("baris\x92 satu\x85baris dua") == "baris satu\nbaris dua"
    encoded = base64.b64encode("Tagihan\u0090 naik".encode()).decode()
    assert parse(f"Subject: =?utf-8?B?{encoded}?=\n\nx\n".encode()).subject == "Tagihan naik"
