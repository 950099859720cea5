"""The wording of the mail Aduan sends: built-in defaults per kind and language, which the
organisation overrides with ``MailTemplate`` rows (Django template language, no HTML
escaping: the mail is plain text)."""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.utils.translation import gettext as _

from aduan.channels.cache import cached
from aduan.channels.email.models import MailTemplate, OutboundKind
from aduan.channels.email.text import single_line
from aduan.core.errors import ValidationFailed

logger = logging.getLogger(__name__)

# No loaders, no extra libraries: a template sees only the context below.
_ENGINE = Engine(autoescape=False, loaders=[], libraries={})
LANGUAGES = ("id", "en")
SUBJECT_MAX = 200
BODY_MAX = 20_000

# What every template may use.
CONTEXT_HELP = {
    "reference": "ADU-2026-000123",
    "subject": "Internet mati di lab komputer",
    "customer_name": "Budi Santoso",
    "organisation": "Helpdesk TI",
    "status": "terbuka",
    "text": "Teks balasan atau laporan solusi.",
}

_SIGNATURE_ID = (
    "\n\nSalam,\n{{ organisation }}\n\n"
    "Mohon balas email ini tanpa mengubah nomor referensi {{ reference }} pada perihal."
)
_SIGNATURE_EN = (
    "\n\nKind regards,\n{{ organisation }}\n\n"
    "Please reply to this mail keeping the reference {{ reference }} in the subject."
)

DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    (OutboundKind.ACKNOWLEDGEMENT, "id"): (
        "[{{ reference }}] Pengaduan Anda kami terima: {{ subject }}",
        "Yth. {{ customer_name }},\n\nPengaduan Anda telah kami terima dan dicatat dengan "
        "nomor referensi {{ reference }}. Petugas kami akan segera menanganinya." + _SIGNATURE_ID,
    ),
    (OutboundKind.ACKNOWLEDGEMENT, "en"): (
        "[{{ reference }}] We have received your complaint: {{ subject }}",
        "Dear {{ customer_name }},\n\nWe have received your complaint and recorded it under "
        "reference {{ reference }}. Our staff will look into it shortly." + _SIGNATURE_EN,
    ),
    (OutboundKind.REPLY, "id"): (
        "Re: [{{ reference }}] {{ subject }}",
        "Yth. {{ customer_name }},\n\n{{ text }}" + _SIGNATURE_ID,
    ),
    (OutboundKind.REPLY, "en"): (
        "Re: [{{ reference }}] {{ subject }}",
        "Dear {{ customer_name }},\n\n{{ text }}" + _SIGNATURE_EN,
    ),
    (OutboundKind.SOLUTION_REPORT, "id"): (
        "[{{ reference }}] Laporan solusi: {{ subject }}",
        "Yth. {{ customer_name }},\n\nPengaduan Anda dengan nomor referensi {{ reference }} "
        "telah kami selesaikan.\n\n{{ text }}\n\nJika masalahnya masih terjadi, balas email "
        "ini dan pengaduan Anda akan dibuka kembali." + _SIGNATURE_ID,
    ),
    (OutboundKind.SOLUTION_REPORT, "en"): (
        "[{{ reference }}] Solution report: {{ subject }}",
        "Dear {{ customer_name }},\n\nWe have resolved your complaint {{ reference }}.\n\n"
        "{{ text }}\n\nIf the problem persists, reply to this mail and your complaint will be "
        "reopened." + _SIGNATURE_EN,
    ),
    (OutboundKind.REFUSAL, "id"): (
        "Pesan Anda terlalu besar: {{ subject }}",
        "Yth. {{ customer_name }},\n\nPesan Anda tidak dapat kami terima karena ukurannya "
        "melebihi batas ({{ text }}). Mohon kirim ulang dengan lampiran yang lebih kecil, "
        "atau bagi menjadi beberapa pesan.\n\nSalam,\n{{ organisation }}",
    ),
    (OutboundKind.REFUSAL, "en"): (
        "Your message is too big: {{ subject }}",
        "Dear {{ customer_name }},\n\nWe could not accept your message because it is larger "
        "than we accept ({{ text }}). Please send it again with smaller attachments, or split "
        "it into several messages.\n\nKind regards,\n{{ organisation }}",
    ),
}


def default(kind: str, language: str) -> tuple[str, str]:
    return DEFAULTS.get((kind, language)) or DEFAULTS[(kind, "id")]


@functools.lru_cache(maxsize=64)
def _compile(source: str) -> Template:
    return _ENGINE.from_string(source)


def _render(source: str, context: dict[str, Any]) -> str:
    return _compile(source).render(Context(context, autoescape=False))


def _own(kind: str, language: str) -> tuple[str, str] | None:
    def load() -> dict[tuple[str, str], tuple[str, str]]:
        return {
            (row.kind, row.language): (row.subject, row.body) for row in MailTemplate.objects.all()
        }

    return cached("templates", load).get((kind, language))


def render(kind: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of a mail in ``language``: the organisation's template if it has one
    and it renders, else the built-in default. The subject is always one line."""
    language = language if language in LANGUAGES else "id"
    own = _own(kind, language)
    if own is not None:
        try:
            return single_line(_render(own[0], context), SUBJECT_MAX), _render(own[1], context)
        except Exception:
            # A template saved before a change of context, say; the mail still goes out.
            logger.exception(
                "Mail template %s/%s does not render; using the default", kind, language
            )
    subject, body = default(kind, language)
    return single_line(_render(subject, context), SUBJECT_MAX), _render(body, context)


def check(subject: str, body: str) -> None:
    """Refuse a template that does not compile or render with the documented context."""
    errors: list[tuple[str, str]] = []
    for field, source in (("subject", subject), ("body", body)):
        try:
            _render(source, CONTEXT_HELP)
        except TemplateSyntaxError as exc:
            errors.append(
                (field, _("The template does not compile: %(error)s") % {"error": str(exc)[:300]})
            )
        except Exception as exc:
            errors.append(
                (field, _("The template does not render: %(error)s") % {"error": str(exc)[:300]})
            )
    if "\n" in subject or "\r" in subject:
        errors.append(("subject", _("Must be a single line.")))
    if errors:
        raise ValidationFailed(errors)
