"""Translations: the API answers in the caller's language, and the catalogues are complete.

Indonesian is the default language (``LANGUAGE_CODE = "id"``); English is picked with
``Accept-Language: en``. The catalogue checks read the committed ``.po`` and ``.mo`` files with
the standard library only, so a string that is marked for translation but missing from
``aduan/locale/id/LC_MESSAGES/django.po``, left untranslated, or not compiled fails CI.
How to update the catalogues: docs/i18n.md.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

import aduan
from aduan.tests.factories import ticket_in_status

SOURCE_ROOT = Path(aduan.__file__).resolve().parent
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGES = ("id", "en")
FIX = "Run makemessages, translate and compilemessages as docs/i18n.md says."

# What makemessages is told to skip (see docs/i18n.md): tests and the demo's data texts.
SKIPPED_FILES = {"demo/data.py"}


# --- a tiny reader for .po files ------------------------------------------------------------


@dataclass
class PoEntry:
    fields: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return self.fields.get("msgctxt"), self.fields["msgid"]

    @property
    def msgid(self) -> str:
        return self.fields["msgid"]

    @property
    def plural(self) -> str | None:
        return self.fields.get("msgid_plural")

    @property
    def translations(self) -> list[str]:
        return [value for name, value in self.fields.items() if name.startswith("msgstr")]


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def _unquote(quoted: str) -> str:
    value = ast.literal_eval(quoted)
    assert isinstance(value, str), quoted
    return value


def read_po(path: Path) -> list[PoEntry]:
    """Every entry of a .po file (the header first), without obsolete ``#~`` entries."""
    entries = []
    for block in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8")):
        entry = PoEntry()
        current: str | None = None
        for line in block.strip().splitlines():
            line = line.strip()
            if line.startswith("#~"):
                continue
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                assert current is not None, f"{path}: a string continues nothing: {line!r}"
                entry.fields[current] += _unquote(line)
            else:
                match = _KEYWORD.match(line)
                assert match, f"{path}: cannot read {line!r}"
                current = match[1]
                entry.fields[current] = _unquote(match[2])
        if "msgid" in entry.fields:
            entries.append(entry)
    return entries


def catalogue(language: str) -> list[PoEntry]:
    return read_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")


def messages(language: str) -> list[PoEntry]:
    """The catalogue without its header."""
    return [entry for entry in catalogue(language) if entry.msgid]


_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")
_NAME = re.compile(r"%\((\w+)\)")


def placeholders(text: str) -> Counter[str]:
    return Counter(match[0] for match in _PLACEHOLDER.finditer(text))


# --- what the code marks for translation ----------------------------------------------------

_SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
_WITH_CONTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def _function_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def source_files() -> list[Path]:
    files = []
    for path in sorted(SOURCE_ROOT.rglob("*.py")):
        relative = path.relative_to(SOURCE_ROOT)
        if "tests" in relative.parts or relative.as_posix() in SKIPPED_FILES:
            continue
        files.append(path)
    return files


_QUOTED = r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
# {% translate "text" %} and {% trans 'text' context "ctx" as var %}; blocktranslate is left to
# the catalogue checks above (makemessages extracts it, the completeness test sees it).
_TEMPLATE_TAG = re.compile(
    r"\{%\s*(?:translate|trans)\s+" + _QUOTED + r"(?:\s+context\s+" + _QUOTED + ")?"
)


def template_files() -> list[Path]:
    return [
        path
        for path in sorted(SOURCE_ROOT.rglob("templates/**/*"))
        if path.is_file()
        and path.suffix in {".html", ".txt"}
        and "tests" not in path.relative_to(SOURCE_ROOT).parts
    ]


def marked_strings() -> tuple[dict[tuple[str | None, str], str], list[str]]:
    """``{(context, msgid): "file:line"}`` for every literal passed to gettext and friends,
    and the places where something that cannot be extracted (an f-string) is passed."""
    found: dict[tuple[str | None, str], str] = {}
    unextractable: list[str] = []
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _function_name(node)
            if name in _SINGULAR:
                wanted = node.args[:1]
            elif name in _WITH_CONTEXT:
                wanted = node.args[:2]
            else:
                continue
            where = f"{path.relative_to(SOURCE_ROOT)}:{node.lineno}"
            if any(isinstance(arg, ast.JoinedStr) for arg in wanted):
                unextractable.append(where)
                continue
            values = [arg.value for arg in wanted if isinstance(arg, ast.Constant)]
            if len(values) != len(wanted) or not all(isinstance(v, str) for v in values):
                continue
            key = (values[0], values[1]) if name in _WITH_CONTEXT else (None, values[0])
            found.setdefault(key, where)
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for match in _TEMPLATE_TAG.finditer(text):
            where = f"{path.relative_to(SOURCE_ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
            context = _unquote_template(match[2]) if match[2] else None
            found.setdefault((context, _unquote_template(match[1])), where)
    return found, unextractable


def _unquote_template(quoted: str) -> str:
    # Django template strings escape only their own quote and the backslash.
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])


# --- the catalogues -------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_exists_with_a_clean_header(language):
    entries = catalogue(language)
    header = entries[0]
    assert header.msgid == "", "the header must come first"
    assert "fuzzy" not in header.flags, f"the {language} header is marked fuzzy"
    assert f"Language: {language}\n" in header.translations[0]
    assert "charset=UTF-8" in header.translations[0]
    assert len(entries) > 100


def test_every_string_has_a_non_empty_indonesian_translation():
    entries = messages("id")
    untranslated = [
        entry.msgid for entry in entries if not all(text.strip() for text in entry.translations)
    ]
    assert not untranslated, f"{len(untranslated)} strings lack Indonesian: {untranslated}. {FIX}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_fuzzy(language):
    fuzzy = [entry.msgid for entry in messages(language) if "fuzzy" in entry.flags]
    assert not fuzzy, f"check these {language} translations and drop 'fuzzy': {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder_and_format_cleanly(language):
    problems = []
    for entry in messages(language):
        sources = [entry.msgid] + ([entry.plural] if entry.plural else [])
        expected = placeholders(entry.msgid)
        if "%(" in entry.msgid and "python-format" not in entry.flags:
            problems.append(f"{entry.msgid!r}: no python-format flag")
        for text in entry.translations:
            if not text:
                continue  # falls back to the English source
            if placeholders(text) != expected:
                problems.append(f"{entry.msgid!r} -> {text!r}: placeholders differ")
            if "python-format" in entry.flags:
                values = {name: 1 for source in sources for name in _NAME.findall(source)}
                try:
                    text % values
                except (KeyError, TypeError, ValueError) as exc:
                    problems.append(f"{entry.msgid!r} -> {text!r}: {exc!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(language):
    mo = LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"
    assert mo.is_file(), f"{mo} is missing. {FIX}"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in messages(language):
        context, msgid = entry.key
        wanted = entry.translations[0] or msgid
        if entry.plural:
            got = (
                compiled.npgettext(context, msgid, entry.plural, 1)
                if context is not None
                else compiled.ngettext(msgid, entry.plural, 1)
            )
        else:
            got = (
                compiled.pgettext(context, msgid)
                if context is not None
                else compiled.gettext(msgid)
            )
        if got != wanted:
            stale.append(msgid)
    assert not stale, f"django.mo for {language} is out of date for {stale}. {FIX}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_marked_in_the_code_is_in_the_catalogue(language):
    marked, _unextractable = marked_strings()
    assert len(marked) > 100, "the source scan found too little; is SOURCE_ROOT right?"
    known = {entry.key for entry in messages(language)}
    missing = sorted(
        f"{where}: {msgid!r}" for (ctx, msgid), where in marked.items() if (ctx, msgid) not in known
    )
    assert not missing, f"not in the {language} catalogue:\n" + "\n".join(missing) + f"\n{FIX}"


def test_no_f_string_is_passed_to_gettext():
    _marked, unextractable = marked_strings()
    assert not unextractable, (
        "gettext cannot translate an f-string; use _('... %(name)s ...') % {'name': ...} at "
        + ", ".join(unextractable)
    )


# --- the API answers in the caller's language -----------------------------------------------

UNKNOWN_CHANNEL = {
    "id": "Kanal 'merpati' tidak dikenal atau tidak aktif.",
    "en": "Unknown or inactive channel 'merpati'.",
}


def _complaint(org: Any) -> dict[str, Any]:
    return {
        "subject": "Internet mati",
        "description": "Lab komputer tidak bisa internet.",
        "customer_id": org.alice.pk,
        "channel": "merpati",
        "category": "network",
    }


def _message_for(response: Any, field_name: str) -> str:
    body = response.json()
    messages_ = [error["message"] for error in body["errors"] if error["field"] == field_name]
    assert messages_, body
    return messages_[0]


@pytest.mark.django_db
def test_without_accept_language_an_api_error_is_in_indonesian(org):
    from aduan.accounts.services import issue_token

    token = issue_token(username="agent", password="pw")
    client = Client()  # sends no Accept-Language at all
    response = client.post(
        "/api/v1/tickets",
        _complaint(org),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400, response.content
    assert response.headers["Content-Language"] == "id"
    assert _message_for(response, "channel") == UNKNOWN_CHANNEL["id"]
    assert f"channel: {UNKNOWN_CHANNEL['id']}" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        ("id", "id"),
        ("id-ID,id;q=0.9,en;q=0.8", "id"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr", "id"),  # a language Aduan does not speak: the default
    ],
)
def test_an_api_error_follows_accept_language(api, org, accept_language, language):
    response = api("agent", language=accept_language).post("/tickets", _complaint(org))
    assert response.status_code == 400, response.content
    assert response.headers["Content-Language"] == language
    assert _message_for(response, "channel") == UNKNOWN_CHANNEL[language]


@pytest.mark.django_db
def test_a_refused_transition_is_explained_in_the_callers_language(api, org):
    ticket = ticket_in_status(org, "closed")
    path = f"/tickets/{ticket.reference}/transition"
    payload = {"to": "pending", "note": "Tunggu."}

    indonesian = api("agent", language="id").post(path, payload)
    assert indonesian.status_code == 409, indonesian.content
    assert indonesian.json()["detail"] == (
        f"Tiket {ticket.reference} berstatus closed; tidak dapat dipindahkan ke 'pending'. "
        "Yang diizinkan untuk Anda: tidak ada."
    )

    english = api("agent", language="en").post(path, payload)
    assert english.status_code == 409, english.content
    assert english.json()["detail"] == (
        f"Ticket {ticket.reference} is closed; it cannot move to 'pending'. Allowed for you: none."
    )
    # The machine-readable parts do not depend on the language.
    for response in (indonesian, english):
        assert response.json()["code"] == "conflict"
        assert response.json()["current"] == "closed"
        assert response.json()["allowed"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "Silakan masuk terlebih dahulu: kirim 'Authorization: Bearer <token>'."),
        ("en", "Log in first: send 'Authorization: Bearer <token>'."),
    ],
)
def test_the_login_demand_is_translated(api, language, expected):
    response = api(language=language).get("/tickets")
    assert response.status_code == 401
    assert response.json()["detail"] == expected


@pytest.mark.parametrize(
    ("language", "label"),
    [("id", "Ditangguhkan"), ("en", "Pending (ditangguhkan)")],
)
def test_status_labels_are_translated(language, label):
    from django.utils import translation

    from aduan.tickets.models import Status

    with translation.override(language):
        assert str(Status.PENDING.label) == label
