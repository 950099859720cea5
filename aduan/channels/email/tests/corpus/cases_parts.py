# ruff: noqa: E501, RUF001
# (A data file: raw mail lines are as long as mailers make them.)
"""Issue 8 corpus cases: which text is the body, and attachments byte for byte.

Every attachment's expected SHA-256 is computed here from the bytes the case puts in, so the
manifest says exactly which bytes the sender attached.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from aduan.channels.email.tests.corpus.kit import PDF, PNG, add, b64, head, text_plain

SENDER = "budi@contoh.co.id"
# A JPEG's first bytes are enough for a file that must come out unchanged.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file(
    filename: str, content_type: str, data: bytes, accepted: bool, **more: Any
) -> dict[str, Any]:
    return {
        "filename": filename,
        "content_type": content_type,
        "accepted": accepted,
        "size": len(data),
        "sha256": _sha(data),
        **more,
    }


def _head(number: int, subject: str, extra: str = "") -> str:
    return head(subject=subject, message_id=f"<parts-{number}@contoh.co.id>", extra=extra)


def _crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("latin-1")


def _body_cases() -> None:
    html = (
        "<html><body><p>Yth. Helpdesk,</p><p>Lampu jalan di depan <b>blok D</b> mati sejak "
        "Senin.</p></body></html>\n"
    )
    add(
        "parts_empty_plain_alternative",
        _head(1, "Lampu jalan mati") + 'Content-Type: multipart/alternative; boundary="alt"\n\n'
        "--alt\n" + text_plain(" \n\n   \n") + "\n"
        "--alt\nContent-Type: text/html; charset=utf-8\n\n" + html + "--alt--\n",
        "multipart/alternative whose text/plain part is only white space: the HTML's text is "
        "the body.",
        status="processed",
        outcome="created",
        sender=SENDER,
        subject="Lampu jalan mati",
        text_contains=["Yth. Helpdesk,", "Lampu jalan di depan blok D mati sejak Senin."],
        html_contains=["<b>blok D</b>"],
    )
    add(
        "parts_banner_plain_alternative",
        _head(2, "Tagihan air") + 'Content-Type: multipart/alternative; boundary="ban"\n\n'
        "--ban\n"
        + text_plain(
            "This message is in HTML format. To read it, please use an HTML-capable mail "
            "program or view it in your browser.\n"
        )
        + "\n--ban\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
        "<p>Tagihan air bulan Mei saya Rp&nbsp;2.400.000, padahal biasanya Rp&nbsp;150.000.</p>=\n"
        "<p>Mohon diperiksa meterannya.</p>\n"
        "--ban--\n",
        "A plain alternative that is only a banner ('view it in your browser'): the HTML's text "
        "is the body, not the banner.",
        status="processed",
        outcome="created",
        sender=SENDER,
        subject="Tagihan air",
        text_contains=[
            "Tagihan air bulan Mei saya Rp 2.400.000, padahal biasanya Rp 150.000.",
            "Mohon diperiksa meterannya.",
        ],
        text_excludes=["HTML-capable"],
    )
    add(
        "parts_mixed_text_html_siblings",
        _head(3, "Keluhan bertahap") + 'Content-Type: multipart/mixed; boundary="sib"\n\n'
        "--sib\n" + text_plain("Bagian pertama: pompa air rusak.\n") + "\n"
        "--sib\nContent-Type: text/html; charset=utf-8\n\n"
        "<div>Bagian kedua: <i>tekanan air</i> rendah.</div>\n"
        "--sib\n" + text_plain("Bagian ketiga: mohon teknisi datang.\n") + "\n"
        "--sib--\n",
        "text/plain, text/html and text/plain as siblings of a multipart/mixed (not "
        "alternatives): all three are shown, in order.",
        status="processed",
        outcome="created",
        sender=SENDER,
        subject="Keluhan bertahap",
        text_contains=[
            "Bagian pertama: pompa air rusak.\n\nBagian kedua: tekanan air rendah.\n\n"
            "Bagian ketiga: mohon teknisi datang."
        ],
        html_contains=["<i>tekanan air</i>"],
    )


def _attached_message_case() -> None:
    # Folding as mailers really do it: a tab, an encoded word on a continuation line, a
    # header with trailing white space, a Received line folded twice; Latin-1 in the body.
    inner = (
        "Received: from pc.contoh.co.id\n\tby mx.contoh.co.id\n        with ESMTP; Mon, 2 Mar 2026 08:00:00 +0700\n"
        "From: Warga RT 05 <rt05@contoh.co.id>\n"
        "To:   cs@contoh.co.id ,\n  helpdesk@aduan.test\n"
        "Subject: =?utf-8?Q?Keluhan_lama:_air_mati?=\n\t=?utf-8?Q?_di_gedung_C?=\n"
        "X-Odd:value-without-space   \n"
        "Message-ID: <inner-crlf@contoh.co.id>\n"
        'Content-Type: text/plain; charset="iso-8859-1"\n'
        "Content-Transfer-Encoding: 8bit\n\n"
        "Air mati lagi di gedung C. Caf\xe9 di lantai 1 tutup.\n\n\n"
    )
    raw = (
        _head(4, "Fwd: keluhan lama")
        + 'Content-Type: multipart/mixed; boundary="fwd"\n\n--fwd\n'
        + text_plain("Saya teruskan keluhan warga.\n")
        + "\n--fwd\nContent-Type: message/rfc822\n\n"
        + inner
        + "\n--fwd--\n"
    )
    add(
        "parts_attached_message_crlf",
        _crlf(raw),
        "A message attached (message/rfc822, no file name) to a mail with CRLF line endings, "
        "its headers folded oddly and its body in Latin-1: kept byte for byte as it came, "
        "named after its subject.",
        status="processed",
        outcome="created",
        sender=SENDER,
        subject="keluhan lama",
        text_contains=["Saya teruskan keluhan warga."],
        text_excludes=["Air mati lagi"],
        attachments=[
            _file(
                "Keluhan lama air mati di gedung C.eml",
                "message/rfc822",
                _crlf(inner),
                True,
            )
        ],
    )


def _text_attachment_case() -> None:
    csv = "No;Nama;Kota\r\n1;José Müller;Köln\r\n2;Françoise;Besançon\r\n".encode("latin-1")
    csv_qp = "No;Nama;Kota\n1;Jos=E9 M=FCller;K=F6ln\n2;Fran=E7oise;Besan=E7on\n"  # CRLF below
    note = "Catatan: daftar pelanggan yang terdampak.\r\nTerima kasih – Siti\r\n".encode("cp1252")
    raw = (
        _head(5, "Daftar pelanggan")
        + 'Content-Type: multipart/mixed; boundary="csv"\n\n--csv\n'
        + text_plain("Terlampir daftar pelanggan (CSV).\n")
        + '\n--csv\nContent-Type: text/csv; charset="iso-8859-1"; name="pelanggan.csv"\n'
        'Content-Disposition: attachment; filename="pelanggan.csv"\n'
        "Content-Transfer-Encoding: quoted-printable\n\n"
        + csv_qp
        # The last line break belongs to the boundary: the file ends with a CRLF of its own.
        + '\n--csv\nContent-Type: text/plain; charset=windows-1252; name="catatan.txt"\n'
        'Content-Disposition: attachment; filename="catatan.txt"\n'
        "Content-Transfer-Encoding: 8bit\n\n"
    )
    data = _crlf(raw) + note + b"\r\n--csv--\r\n"
    add(
        "parts_csv_latin1_crlf",
        data,
        "A CSV in Latin-1 with CRLF line endings (quoted-printable) and a Windows-1252 text "
        "file (8bit): both kept as the sender's bytes, never re-encoded, line endings as sent.",
        status="processed",
        outcome="created",
        sender=SENDER,
        subject="Daftar pelanggan",
        text_contains=["Terlampir daftar pelanggan (CSV)."],
        attachments=[
            _file("pelanggan.csv", "text/csv", csv, True),
            _file("catatan.txt", "text/plain", note, True),
        ],
    )


def _uu(data: bytes) -> str:
    return "".join(binascii.b2a_uu(data[i : i + 45]).decode() for i in range(0, len(data), 45))


def _broken_encoding_cases() -> None:
    pdf = PDF * 3
    add(
        "parts_uuencode_without_begin",
        _head(6, "Scan lama")
        + 'Content-Type: multipart/mixed; boundary="uu"\n\n--uu\n'
        + text_plain("Dua file dari mesin lama.\n")
        + '\n--uu\nContent-Type: application/pdf; name="scan.pdf"\n'
        "Content-Transfer-Encoding: x-uuencode\n\n" + _uu(pdf) + "\n"
        "--uu\nContent-Type: application/octet-stream\n"
        "Content-Transfer-Encoding: x-uuencode\n\n"
        "begin 644 foto.png\n" + _uu(PNG) + "`\nend\n"
        "--uu--\n",
        "uuencoded attachments: one without its 'begin' and 'end' lines, one named only on its "
        "'begin' line. Both decoded whole.",
        status="processed",
        outcome="created",
        sender=SENDER,
        subject="Scan lama",
        attachments=[
            _file("scan.pdf", "application/pdf", pdf, True),
            _file("foto.png", "image/png", PNG, True),
        ],
    )
    # 63 bytes: base64 without padding, so one stray character makes a bad length.
    report = (b"%PDF-1.4\n% laporan " + bytes(range(44)))[:63]
    stray = base64.b64encode(report).decode() + "Q"
    unpadded = base64.b64encode(PNG).decode().rstrip("=")
    add(
        "parts_base64_bad_length",
        _head(7, "Base64 rusak")
        + 'Content-Type: multipart/mixed; boundary="b64"\n\n--b64\n'
        + text_plain("Dua lampiran dari gateway yang rusak.\n")
        + '\n--b64\nContent-Type: application/pdf; name="laporan.pdf"\n'
        "Content-Transfer-Encoding: base64\n\n" + stray + "\n"
        '--b64\nContent-Type: image/png; name="denah.png"\n'
        "Content-Transfer-Encoding: base64\n\n" + unpadded + "\n"
        "--b64--\n",
        "base64 of a bad length (a stray character after the data) and base64 without its "
        "padding: decoded as far as valid, nothing before the fault lost.",
        status="processed",
        outcome="created",
        sender=SENDER,
        subject="Base64 rusak",
        attachments=[
            _file("laporan.pdf", "application/pdf", report, True),
            _file("denah.png", "image/png", PNG, True),
        ],
    )


def _ignored_case() -> None:
    add(
        "parts_ignored_auto_reply_attachment",
        _head(8, "Automatic reply: Pengaduan Anda", "Auto-Submitted: auto-replied")
        + 'Content-Type: multipart/mixed; boundary="ar"\n\n--ar\n'
        + text_plain("Saya sedang cuti sampai 10 Maret. Brosur layanan terlampir.\n")
        + '\n--ar\nContent-Type: application/pdf; name="brosur.pdf"\n'
        'Content-Disposition: attachment; filename="brosur.pdf"\n'
        "Content-Transfer-Encoding: base64\n\n" + b64(PDF) + "--ar--\n",
        "An auto-reply carrying a file: ignored (never a ticket, never answered), but its file "
        "is extracted and listed for administrators.",
        status="ignored",
        reason="auto_submitted",
        attachments=[_file("brosur.pdf", "application/pdf", PDF, False)],
    )


def _unnamed_cases() -> None:
    add(
        "parts_unnamed_inline_image_cid",
        _head(9, "Foto meteran") + 'Content-Type: multipart/related; boundary="rel"\n\n'
        "--rel\nContent-Type: text/html; charset=utf-8\n\n"
        '<p>Foto meteran:</p><img src="cid:image001.jpg@01DA8F3C.5E6B7A80">'
        '<img src="cid:9F2B0C4E-1D3A@contoh.co.id"><img src="cid:ii_lz3k9a">\n'
        "--rel\nContent-Type: image/jpeg\nContent-Transfer-Encoding: base64\n"
        "Content-ID: <image001.jpg@01DA8F3C.5E6B7A80>\n\n" + b64(JPEG) + "--rel\n"
        "Content-Type: image/png\nContent-Transfer-Encoding: base64\n"
        "Content-ID: <9F2B0C4E-1D3A@contoh.co.id>\n\n" + b64(PNG) + "--rel\n"
        "Content-Type: image/png\nContent-Transfer-Encoding: base64\n"
        "Content-ID: <ii_lz3k9a>\n\n" + b64(PNG[:-1] + b"\x00") + "--rel--\n",
        "Inline images without names: named from the Content-ID where it holds a file name "
        "(Outlook's image001.jpg@...), else after their type, numbered to stay unique.",
        status="processed",
        outcome="created",
        sender=SENDER,
        subject="Foto meteran",
        text_contains=["Foto meteran:"],
        attachments=[
            _file("image001.jpg", "image/jpeg", JPEG, True, inline=True),
            _file("image.png", "image/png", PNG, True, inline=True),
            _file("image-2.png", "image/png", PNG[:-1] + b"\x00", True, inline=True),
        ],
    )
    page = b"<html><body><h1>Formulir</h1><script>alert(1)</script></body></html>\n"
    add(
        "parts_unnamed_html_part",
        _head(10, "Formulir")
        + 'Content-Type: multipart/mixed; boundary="doc"\n\n--doc\n'
        + text_plain("Formulir terlampir sebagai halaman web.\n")
        + "\n--doc\nContent-Type: text/html; charset=utf-8\nContent-Disposition: attachment\n"
        "Content-Transfer-Encoding: base64\n\n" + b64(page) + "--doc\n"
        "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
        + b64(b"\x00\x01raw")
        + "--doc--\n",
        "Unnamed attachments: an HTML page becomes document.html, bytes of no known type "
        "attachment.bin; both kept, withheld from the ticket.",
        status="processed",
        outcome="created",
        sender=SENDER,
        subject="Formulir",
        text_contains=["Formulir terlampir sebagai halaman web."],
        text_excludes=["alert(1)"],
        attachments=[
            _file("document.html", "text/html", page, False),
            _file("attachment.bin", "application/octet-stream", b"\x00\x01raw", False),
        ],
    )


def write() -> None:
    """Add this category's cases to the corpus (called by make_corpus.main)."""
    _body_cases()
    _attached_message_case()
    _text_attachment_case()
    _broken_encoding_cases()
    _ignored_case()
    _unnamed_cases()
