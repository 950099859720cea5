# ruff: noqa: RUF001
# (A data file: mail in the characters its senders use.)
"""Issue 8 corpus cases: headers.

- header blocks cut short: a folded line that lost its indent, a junk line before the
  headers (an escaped mbox "From " line, an mbox "From " line);
- senders a person reads as valid: a trailing dot after the domain, an address without angle
  brackets after the name, an encoded word in the local part (decoded only into plain
  local-part characters: one that hides another address is not an address); the fallbacks
  when From has no address (Reply-To before Return-Path; the second of two From headers);
  an address Django's validator refuses (never a customer, never answered: failed);
- charsets: raw 8-bit headers in GBK, Shift_JIS, Latin-1 and Latin-2, read with the
  charsets the message declares elsewhere; ISO-2022-JP with Windows' vendor characters
  (①, ㈱); encoded words split by a mail server's fold; C1 control characters.
"""

from __future__ import annotations

import base64

from aduan.channels.email.tests.corpus.kit import add, head, text_plain

BUDI = "budi@contoh.co.id"
DATE = "Date: Tue, 03 Mar 2026 09:15:00 +0700"
RECEIVED = "Received: from mx.contoh.co.id (mx.contoh.co.id [203.0.113.5]) by mail.aduan.test"


def _lines(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def _b64_word(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def _cut_short() -> None:
    add(
        "headers_unindented_continuation",
        _lines(
            RECEIVED,
            "by mail.aduan.test (Postfix) with ESMTPS id 4Qx9; Tue, 03 Mar 2026 09:15:02 +0700",
            "Subject: Internet mati di lab komputer",
            "sejak pagi",
            "From: Budi Santoso <budi@contoh.co.id>",
            "To: Helpdesk <helpdesk@aduan.test>",
            DATE,
            "Message-ID: <headers-unindented@contoh.co.id>",
            "MIME-Version: 1.0",
        )
        + text_plain("Lab komputer lantai 3 tidak bisa terhubung ke internet.\n"),
        "Two folded lines that lost their indent (Received, Subject) before From: read as "
        "continuations, so the rest of the header block is not taken for the body.",
        status="processed",
        outcome="created",
        sender=BUDI,
        customer_name="Budi Santoso",
        subject="Internet mati di lab komputer sejak pagi",
        text_contains=["Lab komputer lantai 3 tidak bisa terhubung ke internet."],
        text_excludes=["Message-ID", "From:"],
        ack=True,
    )
    add(
        "headers_junk_first_line",
        ">From budi@contoh.co.id  Tue Mar  3 09:15:00 2026\n"
        + head(subject="Printer ruang 2 macet", message_id="<headers-junk@contoh.co.id>")
        + text_plain("Printer di ruang 2 macet sejak kemarin.\n"),
        "A junk line before the headers (an mbox From line escaped by a tool): skipped.",
        status="processed",
        outcome="created",
        sender=BUDI,
        subject="Printer ruang 2 macet",
        text_contains=["Printer di ruang 2 macet sejak kemarin."],
        text_excludes=["Message-ID"],
        ack=True,
    )
    add(
        "headers_mbox_from_line",
        "From budi@contoh.co.id  Tue Mar  3 09:15:00 2026\r\n"
        + head(subject="Proyektor rusak", message_id="<headers-mbox@contoh.co.id>").replace(
            "\n", "\r\n"
        )
        + "Content-Type: text/plain; charset=utf-8\r\n\r\nProyektor ruang rapat rusak.\r\n",
        "An mbox 'From ' line before the headers, CRLF line endings.",
        status="processed",
        outcome="created",
        sender=BUDI,
        subject="Proyektor rusak",
        text_contains=["Proyektor ruang rapat rusak."],
        ack=True,
    )


def _senders() -> None:
    add(
        "sender_trailing_dot",
        head(
            sender="Budi Santoso <Budi@Contoh.co.id.>",
            subject="Alamat dengan titik",
            message_id="<sender-dot@contoh.co.id>",
        )
        + text_plain("Alamat pengirim diakhiri titik.\n"),
        "A trailing dot after the domain (a fully qualified name) and capitals: the address "
        "a person reads, in lower case.",
        status="processed",
        outcome="created",
        sender=BUDI,
        customer_name="Budi Santoso",
        subject="Alamat dengan titik",
        text_contains=["Alamat pengirim diakhiri titik."],
        ack=True,
    )
    add(
        "sender_without_brackets",
        _lines(
            RECEIVED,
            "From: Budi Santoso budi@contoh.co.id",
            "To: helpdesk@aduan.test",
            "Subject: Tanpa kurung sudut",
            DATE,
            "Message-ID: <sender-nobrackets@contoh.co.id>",
        )
        + "\nAlamat tanpa kurung sudut.\n",
        "An address written after the display name without angle brackets.",
        status="processed",
        outcome="created",
        sender=BUDI,
        customer_name="Budi Santoso",
        subject="Tanpa kurung sudut",
        text_contains=["Alamat tanpa kurung sudut."],
        ack=True,
    )
    add(
        "sender_encoded_local_part",
        _lines(
            RECEIVED,
            "From: =?utf-8?Q?Budi_Santoso?= <=?utf-8?B?YnVkaQ==?=@contoh.co.id>",
            "To: helpdesk@aduan.test",
            "Subject: Kata terkode di alamat",
            DATE,
            "Message-ID: <sender-encoded-local@contoh.co.id>",
        )
        + "\nBagian lokal alamat ditulis sebagai kata terkode.\n",
        "An RFC 2047 encoded word as the local part: decoded, since it decodes to plain "
        "local-part characters.",
        status="processed",
        outcome="created",
        sender=BUDI,
        customer_name="Budi Santoso",
        subject="Kata terkode di alamat",
        text_contains=["Bagian lokal alamat ditulis sebagai kata terkode."],
        ack=True,
    )
    add(
        "sender_encoded_local_part_hiding_address",
        _lines(
            RECEIVED,
            "From: Budi <=?utf-8?Q?victim=40evil.test=3E=2C_x?=@contoh.co.id>",
            "Reply-To: Budi Santoso <budi@contoh.co.id>",
            "To: helpdesk@aduan.test",
            "Subject: Alamat tersembunyi",
            DATE,
            "Message-ID: <sender-encoded-hiding@contoh.co.id>",
        )
        + "\nKata terkode yang menyembunyikan alamat lain.\n",
        "An encoded word in the local part that decodes to another address: not an address; "
        "the sender is the Reply-To.",
        status="processed",
        outcome="created",
        sender=BUDI,
        subject="Alamat tersembunyi",
        text_contains=["Kata terkode yang menyembunyikan alamat lain."],
        ack=True,
    )
    add(
        "sender_reply_to_fallback",
        _lines(
            "Return-Path: <bounce-8812@kirim.contoh.co.id>",
            RECEIVED,
            "From: Budi Santoso",
            "Reply-To: budi@contoh.co.id",
            "To: helpdesk@aduan.test",
            "Subject: Tanpa alamat di From",
            DATE,
            "Message-ID: <sender-replyto@contoh.co.id>",
        )
        + "\nFrom hanya berisi nama.\n",
        "A From with a name and no address: the Reply-To is the sender (before the "
        "Return-Path of the sending service), named after the From.",
        status="processed",
        outcome="created",
        sender=BUDI,
        customer_name="Budi Santoso",
        subject="Tanpa alamat di From",
        text_contains=["From hanya berisi nama."],
        ack=True,
    )
    add(
        "sender_two_from_headers",
        _lines(
            RECEIVED,
            "From: undisclosed-sender:;",
            "From: Budi Santoso <budi@contoh.co.id>",
            "To: helpdesk@aduan.test",
            "Subject: Dua header From",
            DATE,
            "Message-ID: <sender-twofrom@contoh.co.id>",
        )
        + "\nDua header From, yang pertama tanpa alamat.\n",
        "Two From headers, the first without an address: the second is the sender.",
        status="processed",
        outcome="created",
        sender=BUDI,
        customer_name="Budi Santoso",
        subject="Dua header From",
        text_contains=["Dua header From, yang pertama tanpa alamat."],
        ack=True,
    )
    add(
        "sender_invalid_address",
        _lines(
            RECEIVED,
            "From: Budi Santoso <budi@contoh_kantor..co.id>",
            "To: helpdesk@aduan.test",
            "Subject: Alamat tidak sah",
            DATE,
            "Message-ID: <sender-invalid@contoh.co.id>",
        )
        + "\nAlamat pengirim tidak sah.\n",
        "An address Django's validator refuses and no other: never a customer, never "
        "answered; failed with the reason, for an administrator.",
        status="failed",
        reason="no_sender",
        ack=False,
    )


def _iso2022jp_ms(text: str) -> bytes:
    """ISO-2022-JP as Windows writes it (CP50220): Shift_JIS (cp932) pairs turned into JIS
    rows, vendor characters (NEC row 13, ①) included, which Python's codec refuses."""
    out = bytearray()
    kanji = False
    for char in text:
        data = char.encode("cp932")
        if len(data) == 1:
            if kanji:
                out += b"\x1b(B"
                kanji = False
            out += data
            continue
        if not kanji:
            out += b"\x1b$B"
            kanji = True
        lead, trail = data
        row = (lead - (0x70 if lead < 0xA0 else 0xB0)) * 2
        if trail < 0x9F:
            row -= 1
            cell = trail - (0x1F if trail < 0x80 else 0x20)
        else:
            cell = trail - 0x7E
        out += bytes([row, cell])
    if kanji:
        out += b"\x1b(B"
    return bytes(out)


def _charsets() -> None:
    subject = "网络故障投诉"
    add(
        "charset_gbk_raw_header",
        (
            _lines(
                RECEIVED,
                "From: 王伟 <wang.wei@contoh.co.id>",
                "To: helpdesk@aduan.test",
                f"Subject: {subject}",
                DATE,
                "Message-ID: <charset-gbk-raw@contoh.co.id>",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=GBK",
                "Content-Transfer-Encoding: 8bit",
            )
            + "\n办公室的网络从早上开始就断了。\n"
        ).encode("gbk"),
        "Raw GBK bytes in Subject and From (no encoded words): read with the charset the "
        "body declares.",
        status="processed",
        outcome="created",
        sender="wang.wei@contoh.co.id",
        customer_name="王伟",
        subject=subject,
        text_contains=["办公室的网络从早上开始就断了。"],
        ack=True,
    )
    add(
        "charset_shift_jis_raw_header",
        (
            _lines(
                RECEIVED,
                "From: 山田太郎 <yamada@contoh.co.id>",
                "To: helpdesk@aduan.test",
                "Subject: ネットワーク障害①について",
                DATE,
                "Message-ID: <charset-sjis-raw@contoh.co.id>",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=Shift_JIS",
                "Content-Transfer-Encoding: 8bit",
            )
            + "\n会議室①のネットワークが使えません。㈱コントー\n"
        ).encode("cp932"),
        "Raw Shift_JIS bytes in Subject and From, with Windows' vendor characters (①, ㈱) "
        "in the header and the body labelled Shift_JIS.",
        status="processed",
        outcome="created",
        sender="yamada@contoh.co.id",
        customer_name="山田太郎",
        subject="ネットワーク障害①について",
        text_contains=["会議室①のネットワークが使えません。㈱コントー"],
        ack=True,
    )
    add(
        "charset_latin1_raw_header",
        (
            _lines(
                RECEIVED,
                "From: François Lefèvre <francois@contoh.co.id>",
                "To: helpdesk@aduan.test",
                "Subject: Réclamation: facture erronée",
                DATE,
                "Message-ID: <charset-latin1-raw@contoh.co.id>",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=ISO-8859-1",
                "Content-Transfer-Encoding: 8bit",
            )
            + "\nLa facture de février est erronée.\n"
        ).encode("latin-1"),
        "Raw Latin-1 bytes in Subject and From.",
        status="processed",
        outcome="created",
        sender="francois@contoh.co.id",
        customer_name="François Lefèvre",
        subject="Réclamation: facture erronée",
        text_contains=["La facture de février est erronée."],
        ack=True,
    )
    add(
        "charset_latin2_raw_header",
        (
            _lines(
                RECEIVED,
                "From: Paweł Żółkowski <pawel@contoh.co.id>",
                "To: helpdesk@aduan.test",
                "Subject: Reklamacja: błędna faktura",
                DATE,
                "Message-ID: <charset-latin2-raw@contoh.co.id>",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=ISO-8859-2",
                "Content-Transfer-Encoding: 8bit",
            )
            + "\nFaktura za luty jest błędna.\n"
        ).encode("iso-8859-2"),
        "Raw Latin-2 bytes in Subject and From: Windows-1252 would read them wrong, the "
        "charset the body declares reads them right.",
        status="processed",
        outcome="created",
        sender="pawel@contoh.co.id",
        customer_name="Paweł Żółkowski",
        subject="Reklamacja: błędna faktura",
        text_contains=["Faktura za luty jest błędna."],
        ack=True,
    )
    subject_jis = base64.b64encode(_iso2022jp_ms("会議室①の障害（㈱コントー）")).decode()
    add(
        "charset_iso2022jp_vendor",
        _lines(
            RECEIVED,
            "From: =?ISO-2022-JP?B?"
            + base64.b64encode(_iso2022jp_ms("山田太郎")).decode()
            + "?= <yamada@contoh.co.id>",
            "To: helpdesk@aduan.test",
            f"Subject: =?ISO-2022-JP?B?{subject_jis}?=",
            DATE,
            "Message-ID: <charset-iso2022jp-vendor@contoh.co.id>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=ISO-2022-JP",
            "Content-Transfer-Encoding: 7bit",
        ).encode()
        + b"\n"
        + _iso2022jp_ms("会議室①と②のプロジェクターが壊れています。\n"),
        "ISO-2022-JP as Windows writes it, with NEC vendor characters (①, ②, ㈱) in the "
        "subject and the body, which the standard codec refuses.",
        status="processed",
        outcome="created",
        sender="yamada@contoh.co.id",
        customer_name="山田太郎",
        subject="会議室①の障害（㈱コントー）",
        text_contains=["会議室①と②のプロジェクターが壊れています。"],
        ack=True,
    )
    word = base64.b64encode("Keluhan: tagihan ganda – mohon dicek".encode()).decode()
    add(
        "encoded_word_split_by_fold",
        _lines(
            RECEIVED,
            "From: =?utf-8?Q?Siti_N=C3=BAr=C3=\n BAl_Aisyah?= <siti@contoh.co.id>",
            "To: helpdesk@aduan.test",
            f"Subject: =?utf-8?B?{word[:13]}\n {word[13:]}?=",
            DATE,
            "Message-ID: <encoded-word-split@contoh.co.id>",
        ).replace("\n", "\r\n")
        + "\r\nTagihan bulan ini terdebet dua kali.\r\n",
        "A B and a Q encoded word that a mail server split across a folded line, with the "
        "fold's space inside: decoded as the sender meant.",
        status="processed",
        outcome="created",
        sender="siti@contoh.co.id",
        customer_name="Siti Núrúl Aisyah",
        subject="Keluhan: tagihan ganda – mohon dicek",
        text_contains=["Tagihan bulan ini terdebet dua kali."],
        ack=True,
    )
    add(
        "c1_controls",
        _lines(
            RECEIVED,
            "From: " + _b64_word("Budi\u0085Santoso\u009b") + " <budi@contoh.co.id>",
            "To: helpdesk@aduan.test",
            "Subject: " + _b64_word("Tagihan\u0090 listrik\u0080 naik\u009f"),
            DATE,
            "Message-ID: <c1-controls@contoh.co.id>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        )
        + "\nTagihan\u0092 bulan ini naik dua kali lipat.\n",
        "C1 control characters in the subject, the name and the text: removed (NEL is a "
        "line break, so a space in a name).",
        status="processed",
        outcome="created",
        sender=BUDI,
        customer_name="Budi Santoso",
        subject="Tagihan listrik naik",
        text_contains=["Tagihan bulan ini naik dua kali lipat."],
        ack=True,
    )


def write() -> None:
    """Add this category's cases to the corpus (called by make_corpus.main)."""
    _cut_short()
    _senders()
    _charsets()
