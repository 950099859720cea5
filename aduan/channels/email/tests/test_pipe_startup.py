"""``aduan ingest-email`` starts lean: a mail server runs it once per message, so what it
imports before the message is stored is paid for every mail (docs/performance.md, "Mail
intake"). These check which modules the real command loaded, not how long it took: the CPU
figures are bench/pipe_startup.py's."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from aduan.channels.email.tests.live import ROOT

pytestmark = pytest.mark.django_db

# The command as the mail server runs it (`python -m aduan.cli ingest-email`), noting the
# loaded modules at the first commit (the raw message stored: nothing writes before it) and
# at the end.
DRIVER = """
import json, sys
from django.db.backends.base.base import BaseDatabaseWrapper

seen = {}
commit = BaseDatabaseWrapper.commit


def noting_commit(self):
    commit(self)
    seen.setdefault("stored", sorted(sys.modules))


BaseDatabaseWrapper.commit = noting_commit
sys.argv = ["aduan", "ingest-email"]
from aduan.cli import main

try:
    main()
finally:
    seen["end"] = sorted(sys.modules)
    with open(OUT, "w") as out:
        json.dump(seen, out)
"""

# Loaded by nothing the pipe does with ADUAN_DELIVERY=worker (the mail is left in the outbox).
NEVER = (
    "celery",  # only when a task is sent
    "kombu",
    "django_stubs_ext",  # the admin's generics, when the admin is first used
    "phonenumbers",  # only for phone numbers; mail senders have none
)
# Loaded only for processing, after the message is safely stored.
NOT_BEFORE_STORED = (*NEVER, "holidays")


def top_level(modules: list[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_the_pipe_stores_and_processes_a_mail_without_loading_what_it_does_not_need(
    live_db, tmp_path: Path
) -> None:
    out = tmp_path / "modules.json"
    raw = (
        "From: Pak Pipa <pipa@contoh.co.id>\nTo: helpdesk@aduan.test\nSubject: Printer macet\n"
        f"Message-ID: <{uuid.uuid4().hex}@contoh.co.id>\n\nPrinter di ruang 7 macet.\n"
    ).encode()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"OUT = {str(out)!r}\n" + DRIVER],
        input=raw,
        capture_output=True,
        cwd=ROOT,
        env=live_db.env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.startswith(b"ADU-"), result.stdout + result.stderr  # a ticket: processed
    seen = json.loads(out.read_text())
    stored, end = top_level(seen["stored"]), top_level(seen["end"])

    assert stored.isdisjoint(NOT_BEFORE_STORED), stored & set(NOT_BEFORE_STORED)
    assert end.isdisjoint(NEVER), end & set(NEVER)
    # The apps' admin modules (and the mail and webhook services they import) load when the
    # admin is used, not with Django.
    assert not [
        name for name in seen["end"] if name.startswith("aduan.") and name.endswith(".admin")
    ]
    # Opening the ticket reads Indonesia's holidays without loading the other 150 countries.
    assert "holidays.countries" not in seen["end"]
    if live_db.vendor == "sqlite":
        # django.contrib.postgres, and with it psycopg, only on PostgreSQL.
        assert "psycopg" not in end
        assert "django.contrib.postgres" not in seen["end"]
