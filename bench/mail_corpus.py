"""The mail corpus through both intake paths, each mail twice, scored against its manifest.
Run by hand, not in CI.

    .venv/bin/python bench/mail_corpus.py                  # SQLite, a fresh database per path
    .venv/bin/python bench/mail_corpus.py --json bench/results/mail-corpus.json
    .venv/bin/python bench/mail_corpus.py --database-url postgres://postgres@127.0.0.1:5432/aduan_corpus

Every message of ``aduan/channels/email/tests/corpus/manifest.json`` (the ``.eml`` files and
the generated 20 MB one) is fed twice:

- pipe: the real ``aduan ingest-email`` command, one process per delivery, as a mail server's
  alias runs it; a crash is a Python traceback on its standard error or an exit status other
  than 0, 65 (no message), 69 (too big) or 75 (try again later);
- IMAP: appended twice to a Dovecot mailbox (started here, as the tests do), then one
  ``imap.poll``; a crash is a poll error or an exception logged while polling.

Each path gets a fresh database (``<name>_pipe`` and ``<name>_imap`` with ``--database-url``)
with the test suite's organisation. Cases with ``after`` run once the messages they follow
are in (``ADU-0000-000000`` becomes the reference those opened), cases with ``setup`` one at a
time at the end, after their setup (an agent's address, the ticket resolved or closed).

Scores, against what each case expects:

- lost: a message whose bytes are stored nowhere (compared byte for byte with what Aduan
  received: for IMAP that is what Dovecot hands out, CRLF line endings), although the pipe
  did not ask the mail server to keep or bounce it (exit 65, 69, 75) and it is not left in
  the mailbox; a ``duplicate_of`` case counts as stored when the message it repeats is;
- duplicates: a message stored twice, or processed into two timeline entries;
- crashes: see above; a message left unprocessed (status ``received``) counts too;
- status, sender (``from_address``), subject (of the ticket the message opened), body (every
  ``text_contains`` in the full text) and attachments (every expected SHA-256 among the
  message's ``InboundAttachment`` rows), each as a share of the cases that state it.

A table per path on standard output, the failing cases under it; ``--json`` writes it all.
See docs/email.md ("Corpus figures").
"""

from __future__ import annotations

import argparse
import datetime
import fnmatch
import hashlib
import json
import logging
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "aduan" / "channels" / "email" / "tests" / "corpus"
PLACEHOLDER = b"ADU-0000-000000"
PIPE_EXITS = {0, 65, 69, 75}
KEPT_BY_MAIL_SERVER = {65, 69, 75}
METRICS = ("status", "sender", "subject", "body", "attachments")


@dataclass
class Fed:
    """One case as it went in: the bytes fed (twice) and what the path said."""

    case: dict[str, Any]
    raw: bytes  # what Aduan received (IMAP: as Dovecot hands it out)
    exits: list[int] = field(default_factory=list)
    crashed: bool = False
    kept_outside: bool = False  # refused to the mail server, or left in the mailbox
    # The IMAP server changed more than line endings (Dovecot turns NUL into 0x80): what the
    # case expects of the content was written for bytes Aduan never got.
    altered: bool = False
    notes: list[str] = field(default_factory=list)


# --- set-up ---------------------------------------------------------------------------------


def database_for(url: str | None, path: str) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + f"_{path}"))


def configure(database_url: str | None, data_dir: Path) -> str:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "aduan.config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1",
            "ADUAN_DATA_DIR": str(data_dir),
            "MEDIA_ROOT": str(data_dir / "media"),
            # Intake only: queued answers stay queued.
            "ADUAN_DELIVERY": "worker",
            # Most cases come from one sender; flood control is not what this measures.
            "ADUAN_MAIL_FLOOD_LIMIT": "100000000",
            "LOG_LEVEL": "WARNING",
        }
    )
    if database_url:
        subprocess.run(
            [sys.executable, str(ROOT / "tools" / "resetdb.py"), database_url], check=True
        )
        os.environ["DATABASE_URL"] = database_url
        return "postgresql"
    os.environ.pop("DATABASE_URL", None)
    return "sqlite"


def phases(manifest: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Cases in the order they can run: those that follow others after them, those with a
    set-up alone at the end (each changes what the ones before it found)."""
    by_file = {case["file"]: case for case in manifest}
    depth: dict[str, int] = {}

    def level(case: dict[str, Any]) -> int:
        if case["file"] not in depth:
            depth[case["file"]] = 1 + max(
                (level(by_file[name]) for name in case.get("after", [])), default=-1
            )
        return depth[case["file"]]

    plain = [case for case in manifest if not case.get("setup")]
    levels = sorted({level(case) for case in plain})
    ordered = [[case for case in plain if level(case) == n] for n in levels]
    return ordered + [[case] for case in manifest if case.get("setup")]


def selected(manifest: list[dict[str, Any]], patterns: list[str]) -> list[dict[str, Any]]:
    """The cases whose file names match, with the ones they follow or repeat."""
    by_file = {case["file"]: case for case in manifest}
    wanted = {
        case["file"]
        for case in manifest
        if not patterns or any(fnmatch.fnmatch(case["file"], p) for p in patterns)
    }
    todo = list(wanted)
    while todo:
        case = by_file[todo.pop()]
        for name in [*case.get("after", []), case.get("duplicate_of")]:
            if name and name not in wanted:
                wanted.add(name)
                todo.append(name)
    return [case for case in manifest if case["file"] in wanted]


def raw_of(case: dict[str, Any]) -> bytes:
    from aduan.channels.email.tests import test_corpus

    return test_corpus.raw_of(case)


# --- helpers that need Django ----------------------------------------------------------------


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def crlf(data: bytes) -> bytes:
    """Line endings as IMAP clients send them (imaplib's APPEND rewrites them so)."""
    return re.sub(rb"\r\n|\r|\n", b"\r\n", data)


class Intake:
    """What Aduan stored, by the SHA-256 of the raw bytes."""

    def __init__(self) -> None:
        from aduan.channels.email.models import InboundMessage

        self.rows: dict[str, list[Any]] = {}
        for message in InboundMessage.objects.order_by("pk").iterator():
            self.rows.setdefault(sha(bytes(message.raw)), []).append(message)

    def of(self, raw: bytes) -> list[Any]:
        return self.rows.get(sha(raw), [])


def base_reference(case: dict[str, Any], fed: dict[str, Fed]) -> str | None:
    """The reference of the ticket the first message this case follows opened."""
    from aduan.channels.email.models import InboundMessage

    for name in case.get("after", []):
        prior = fed.get(name)
        if prior is None:
            continue
        # Duplicates, and a repeated delivery of another message, are found by their bytes.
        candidates = InboundMessage.objects.filter(sha256=sha(prior.raw))
        original = fed.get(prior.case.get("duplicate_of", ""))
        if original is not None:
            candidates = candidates | InboundMessage.objects.filter(sha256=sha(original.raw))
        for message in candidates.order_by("pk"):
            if message.ticket is not None:
                return str(message.ticket.reference)
    return None


def apply_setup(case: dict[str, Any], org: Any, reference: str | None) -> None:
    from aduan.tickets import services
    from aduan.tickets.models import Ticket

    setup = case.get("setup")
    agent = org.user("agent")
    if setup in ("resolve", "close"):
        assert reference is not None, case["file"]
        ticket = Ticket.objects.get(reference=reference)
        if ticket.status != "resolved":
            step = services.TransitionInput(
                to="resolved", note="Sudah diperbaiki.", channel="phone"
            )
            services.transition(actor=agent, reference=reference, data=step)
        if setup == "close":
            services.transition(
                actor=agent, reference=reference, data=services.TransitionInput(to="closed")
            )
    elif setup == "agent_email":
        agent.email = "agent@aduan.test"
        agent.save(update_fields=["email"])


def prepared(case: dict[str, Any], fed: dict[str, Fed]) -> bytes:
    raw = raw_of(case)
    reference = base_reference(case, fed)
    if reference is not None:
        raw = raw.replace(PLACEHOLDER, reference.encode())
    return raw


# --- the two paths ---------------------------------------------------------------------------


class Pipe:
    name = "pipe"

    def __init__(self) -> None:
        self.cpu: list[float] = []
        self.env = dict(os.environ)
        help_text = subprocess.run(
            [sys.executable, "-m", "aduan.cli", "ingest-email", "--help"],
            capture_output=True,
            cwd=ROOT,
            env=self.env,
            check=False,
        ).stdout
        self.accepts_auto_generated = b"--accept-auto-generated" in help_text

    def run(self, raw: bytes, case: dict[str, Any]) -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable, "-m", "aduan.cli", "ingest-email"]
        if case.get("accept_auto_generated") and self.accepts_auto_generated:
            command.append("--accept-auto-generated")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            command, input=raw, capture_output=True, cwd=ROOT, env=self.env, timeout=600
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return done

    def feed(self, batch: list[tuple[dict[str, Any], bytes]]) -> list[Fed]:
        out = []
        for case, raw in batch:
            item = Fed(case, raw)
            for _ in range(2):
                done = self.run(raw, case)
                item.exits.append(done.returncode)
                stderr = done.stderr.decode("utf-8", "replace")
                if "Traceback" in stderr or done.returncode not in PIPE_EXITS:
                    item.crashed = True
                    last = stderr.strip().splitlines()[-1:] or [""]
                    item.notes.append(f"exit {done.returncode}: {last[0][:200]}")
            item.kept_outside = all(code in KEPT_BY_MAIL_SERVER for code in item.exits)
            out.append(item)
        return out

    def extra(self) -> dict[str, Any]:
        if not self.cpu:
            return {}
        return {
            "pipe_runs": len(self.cpu),
            "cpu_s_per_run_median": round(statistics.median(self.cpu), 3),
            "cpu_s_per_run_max": round(max(self.cpu), 3),
        }

    def close(self) -> None:
        pass


class Errors(logging.Handler):
    """Exceptions logged while polling: each one is a crash of the IMAP path."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(f"{record.name}: {record.getMessage()}")


class Imap:
    name = "imap"

    def __init__(self) -> None:
        from aduan.channels.email.tests.servers import start_dovecot

        self.dovecot = start_dovecot()
        self.errors = Errors()
        logging.getLogger().addHandler(self.errors)
        logging.getLogger("aduan").addHandler(self.errors)
        self.poll_errors: list[str] = []

    def config(self, user: str, accept: bool) -> Any:
        from aduan.channels.email import imap

        query = {"name": user}
        if accept:
            query["accept_auto_generated"] = "1"
        return imap.MailboxConfig.from_url(self.dovecot.url(user, **query))

    def fetch(self, box: Any, uid: str) -> bytes:
        status, data = box.client.uid("FETCH", uid, "(BODY.PEEK[])")
        assert status == "OK", data
        return next(part[1] for part in data if isinstance(part, tuple))

    def feed(self, batch: list[tuple[dict[str, Any], bytes]]) -> list[Fed]:
        from aduan.channels.email import imap

        out: list[Fed] = []
        # A mailbox that accepts auto-generated mail for the cases that say so.
        for user, accept in (("helpdesk", False), ("support", True)):
            items = [
                (case, raw)
                for case, raw in batch
                if bool(case.get("accept_auto_generated")) is accept
            ]
            if not items:
                continue
            with self.dovecot.mailbox(user) as box:
                before = set(box.uids("ALL"))
                for _case, raw in items:
                    box.append(raw, "INBOX")
                    box.append(raw, "INBOX")
                new = sorted(set(box.uids("ALL")) - before, key=int)
                assert len(new) == 2 * len(items), (len(new), len(items))
                served = [self.fetch(box, uid) for uid in new]
            raw_of_case = [raw for _case, raw in items]
            fed = []
            for index, (case, _raw) in enumerate(items):
                first, second = served[2 * index], served[2 * index + 1]
                item = Fed(case, first, altered=first != crlf(raw_of_case[index]))
                if first != second:
                    item.notes.append("Dovecot served the two copies differently")
                fed.append(item)
            seen = len(self.errors.records)
            result = imap.poll(self.config(user, accept))
            if result.error:
                self.poll_errors.append(result.error)
                for item in fed:
                    item.crashed = True
                    item.notes.append(f"poll error: {result.error}")
            if len(self.errors.records) > seen:
                # The log does not say which message; the poll as a whole crashed.
                self.poll_errors.extend(self.errors.records[seen:])
            with self.dovecot.mailbox(user) as box:
                left = {sha(self.fetch(box, uid)) for uid in box.uids("ALL")}
            for item in fed:
                item.kept_outside = sha(item.raw) in left
            out.extend(fed)
        return out

    def extra(self) -> dict[str, Any]:
        return {"poll_errors": self.poll_errors}

    def close(self) -> None:
        self.dovecot.stop()


# --- scoring ---------------------------------------------------------------------------------


def expected_subject_ok(case: dict[str, Any], subject: str) -> bool:
    from django.utils import translation

    if "subject" in case and subject not in {case["subject"], translation.gettext(case["subject"])}:
        return False
    if any(text not in subject for text in case.get("subject_contains", [])):
        return False
    return len(subject) <= case.get("subject_max_length", len(subject))


def digests(expected: dict[str, Any], path: str) -> set[str]:
    """An attachment's acceptable SHA-256: a part without a transfer encoding has the line
    endings of the transport, CRLF from IMAP (``sha256_crlf``)."""
    found = {expected["sha256"]}
    if path == "imap" and "sha256_crlf" in expected:
        found.add(expected["sha256_crlf"])
    return found


def kept(message: Any) -> set[str]:
    """The SHA-256 of every file Aduan kept from the message."""
    from aduan.channels.email.models import InboundAttachment

    if message is None:
        return set()
    return set(InboundAttachment.objects.filter(message=message).values_list("sha256", flat=True))


def content(case: dict[str, Any], message: Any, path: str) -> dict[str, bool]:
    """Sender, subject, body and attachments against what the case states of them."""
    from aduan.tickets.models import EventKind

    checks = {}
    if "sender" in case:
        checks["sender"] = message is not None and message.from_address == case["sender"]
    opens_ticket = case["status"] == "processed" and case.get("outcome") != "appended"
    if opens_ticket and {"subject", "subject_contains", "subject_max_length"} & case.keys():
        event = message.event if message is not None else None
        checks["subject"] = (
            event is not None
            and event.kind == EventKind.CREATED
            and message.ticket is not None
            and expected_subject_ok(case, message.ticket.subject)
        )
    if case.get("text_contains"):
        checks["body"] = message is not None and all(
            text in message.text for text in case["text_contains"]
        )
    wanted = [digests(e, path) for e in case.get("attachments", []) if "sha256" in e]
    if wanted:
        files = kept(message)
        checks["attachments"] = all(options & files for options in wanted)
    return checks


def score(fed: dict[str, Fed], path: str) -> dict[str, Any]:
    intake = Intake()
    counts = {metric: [0, 0] for metric in METRICS}  # right, stated
    failures: dict[str, list[str]] = {
        name: [] for name in ("lost", "crashes", "duplicates", *METRICS, "altered_in_transit")
    }
    attachments_right = attachments_stated = 0
    for name, item in fed.items():
        case = item.case
        own = intake.of(item.raw)
        original = fed.get(case.get("duplicate_of", ""))
        repeated = intake.of(original.raw) if original is not None else []
        rows = own or repeated
        if not rows and not item.kept_outside:
            failures["lost"].append(name)
        if item.crashed or any(row.status == "received" for row in rows):
            failures["crashes"].append(name + "".join(f" [{n}]" for n in item.notes[:1]))
        events = {row.event_id for row in [*own, *repeated] if row.event_id is not None}
        if len(own) > 1 or len(events) > 1:
            failures["duplicates"].append(name)
        message = rows[0] if rows else None
        checks: dict[str, bool | None] = dict.fromkeys(METRICS)
        checks["status"] = message is not None and message.status == case["status"]
        if item.altered:
            failures["altered_in_transit"].append(name)
        else:
            checks.update(content(case, message, path))
            wanted = [e for e in case.get("attachments", []) if "sha256" in e]
            attachments_stated += len(wanted)
            attachments_right += sum(bool(digests(e, path) & kept(message)) for e in wanted)
        for metric, right in checks.items():
            if right is None:
                continue
            counts[metric][1] += 1
            counts[metric][0] += int(right)
            if not right:
                failures[metric].append(name)
    return {
        "cases": len(fed),
        "deliveries": 2 * len(fed),
        "stored_messages": sum(len(rows) for rows in intake.rows.values()),
        "lost": len(failures["lost"]),
        "crashes": len(failures["crashes"]),
        "duplicates": len(failures["duplicates"]),
        **{
            metric: {
                "right": right,
                "of": stated,
                "percent": round(100 * right / stated, 1) if stated else None,
            }
            for metric, (right, stated) in counts.items()
        },
        "attachment_files": {"right": attachments_right, "of": attachments_stated},
        "failures": {key: value for key, value in failures.items() if value},
    }


def child(path: str, database_url: str | None, out: Path, patterns: list[str]) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=f"aduan-bench-corpus-{path}-"))
    vendor = configure(database_url, data_dir)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from aduan.tests.factories import build_organisation

    call_command("migrate", verbosity=0)
    org = build_organisation()
    manifest = selected(json.loads((CORPUS / "manifest.json").read_text()), patterns)
    intake: Pipe | Imap = Pipe() if path == "pipe" else Imap()
    fed: dict[str, Fed] = {}
    started = time.perf_counter()
    try:
        for phase in phases(manifest):
            for case in phase:
                if case.get("setup"):
                    apply_setup(case, org, base_reference(case, fed))
            batch = [(case, prepared(case, fed)) for case in phase]
            for item in intake.feed(batch):
                fed[item.case["file"]] = item
        result = {
            "path": path,
            "database": vendor,
            "seconds": round(time.perf_counter() - started, 1),
            **score(fed, path),
            **intake.extra(),
        }
    finally:
        intake.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")


# --- the report ------------------------------------------------------------------------------


def share(row: dict[str, Any]) -> str:
    if not row["of"]:
        return "-"
    return f"{row['percent']:.1f}% ({row['right']}/{row['of']})"


def table(results: list[dict[str, Any]]) -> str:
    labels = [
        ("cases (each fed twice)", lambda r: str(r["cases"])),
        ("lost", lambda r: str(r["lost"])),
        ("crashes", lambda r: str(r["crashes"])),
        ("duplicates", lambda r: str(r["duplicates"])),
        ("status as expected", lambda r: share(r["status"])),
        ("sender right", lambda r: share(r["sender"])),
        ("subject right", lambda r: share(r["subject"])),
        ("body as expected", lambda r: share(r["body"])),
        ("attachments byte for byte", lambda r: share(r["attachments"])),
        (
            "  (attachment files)",
            lambda r: f"{r['attachment_files']['right']}/{r['attachment_files']['of']}",
        ),
        (
            "changed by the IMAP server",
            lambda r: str(len(r["failures"].get("altered_in_transit", []))),
        ),
        ("pipe CPU s/run (median)", lambda r: str(r.get("cpu_s_per_run_median", "-"))),
    ]
    lines = [f"{'':28}" + "".join(f"{r['path'] + ' (' + r['database'] + ')':>24}" for r in results)]
    for label, value in labels:
        lines.append(f"{label:28}" + "".join(f"{value(r):>24}" for r in results))
    for result in results:
        for metric, names in result["failures"].items():
            lines.append(f"{result['path']} {metric}: {', '.join(names)}")
        for error in result.get("poll_errors", []):
            lines.append(f"{result['path']} poll: {error}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL: <name>_pipe and <name>_imap (dropped)"
    )
    parser.add_argument("--paths", nargs="+", choices=("pipe", "imap"), default=["pipe", "imap"])
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument(
        "--cases", nargs="*", default=[], help="only these files (shell patterns), for debugging"
    )
    parser.add_argument("--child", choices=("pipe", "imap"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database_url, args.out, args.cases)
        return

    results = []
    for path in args.paths:
        # A process and a database per path: Django settings are read once per process.
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, "--child", path, "--out", out.name]
            command += ["--cases", *args.cases] if args.cases else []
            url = database_for(args.database_url, path)
            if url:
                command += ["--database-url", url]
            subprocess.run(command, check=True, cwd=ROOT)
            results.append(json.loads(Path(out.name).read_text()))
    print(table(results))
    if args.json:
        report = {
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "manifest_cases": results[0]["cases"] if results else 0,
            "paths": results,
        }
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
        print(f"written to {args.json}")


if __name__ == "__main__":
    main()
