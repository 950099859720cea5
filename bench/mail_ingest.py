"""Mail intake throughput: how many messages per second one worker stores and processes, from
the pipe and from IMAP. Run by hand, not in CI.

    .venv/bin/python bench/mail_ingest.py                       # SQLite in a temporary dir
    .venv/bin/python bench/mail_ingest.py --database-url postgres://postgres@127.0.0.1:5432/aduan_bench_mail

Every message goes the whole way: the raw bytes stored (one transaction), then parsed, the
sender looked up or registered, the ticket opened with its timeline and audit entries, the
acknowledgement written to the outbox (another transaction). Sending is left to the worker
(``ADUAN_DELIVERY=worker``): this measures intake. "Plain" messages are about 1.5 KB of text
from 100 different senders.

1. pipe, in one process: the code ``aduan ingest-email`` runs once it has read standard input,
   message after message: what one long-lived worker (an LMTP or queue consumer) would do;
2. pipe, one process per message: ``aduan ingest-email`` as a mail server's alias runs it,
   start-up included (sequentially; mail servers run several at once);
3. IMAP: messages appended to a Dovecot mailbox (started here, as the tests do), then one
   ``imap.poll``: fetch in batches, store, process, delete.

Prints a table and writes bench/results/mail-<date>.json. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SENDERS = 100
BODY = (
    "Selamat pagi Bapak/Ibu,\n\n"
    "Sejak kemarin sore koneksi internet di laboratorium komputer lantai 2 gedung B terputus-"
    "putus. Sudah kami coba restart router dan switch, tetapi masalahnya tetap muncul setiap "
    "beberapa menit. Praktikum mahasiswa jadi terganggu. Mohon segera dicek oleh teknisi.\n\n"
) * 3 + "Terima kasih,\nBudi Santoso\nLaboran Gedung B\n"


def message(n: int, tag: str) -> bytes:
    sender = n % SENDERS
    return (
        f"Return-Path: <pelanggan{sender}@contoh.co.id>\r\n"
        f"From: Pelanggan {sender} <pelanggan{sender}@contoh.co.id>\r\n"
        "To: Helpdesk <helpdesk@aduan.test>\r\n"
        f"Subject: Internet lab terputus-putus ({n})\r\n"
        "Date: Tue, 03 Mar 2026 09:15:00 +0700\r\n"
        f"Message-ID: <{tag}-{n}@contoh.co.id>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" + BODY.replace("\n", "\r\n")
    ).encode()


def configure(database_url: str | None, data_dir: Path) -> str:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "aduan.config.settings",
            # Production mode: DEBUG would record every query.
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1",
            "ADUAN_DATA_DIR": str(data_dir),
            "MEDIA_ROOT": str(data_dir / "media"),
            "ADUAN_DELIVERY": "worker",
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


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL (dropped and created)")
    parser.add_argument("--messages", type=int, default=1000, help="for the in-process pipe")
    parser.add_argument("--imap-messages", type=int, default=1000)
    parser.add_argument("--spawn", type=int, default=20, help="messages for process-per-message")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="aduan-bench-mail-"))
    vendor = configure(args.database_url, data_dir)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from aduan.channels.email import imap, inbound
    from aduan.channels.email.models import InboundMessage
    from aduan.channels.email.tests.servers import IMAP_PASSWORD, start_dovecot
    from aduan.demo.setup import create_structure

    call_command("migrate", verbosity=0)
    create_structure()
    results: dict[str, object] = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "database": vendor,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "message_bytes": len(message(0, "x")),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }

    # 1. The pipe's code path, in one process.
    tag = uuid.uuid4().hex[:8]
    raws = [message(n, f"pipe{tag}") for n in range(args.messages)]
    for raw in raws[:20]:  # warm-up: imports, caches, the first customers
        inbound.ingest(raw, source="pipe")
    started, cpu = time.perf_counter(), time.process_time()
    for raw in raws[20:]:
        inbound.ingest(raw, source="pipe")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    processed = InboundMessage.objects.filter(
        message_id__startswith=f"<pipe{tag}-", status="processed"
    ).count()
    assert processed == args.messages, processed
    results["pipe_in_process"] = {
        "messages": args.messages - 20,
        "seconds": round(elapsed, 2),
        "per_second": rate(args.messages - 20, elapsed),
        # This process's own CPU per message (on SQLite, the database's work is in it too).
        "cpu_ms_per_message": round(cpu / (args.messages - 20) * 1000, 2),
    }

    # 2. One `aduan ingest-email` process per message, as a mail server runs the alias.
    env = dict(os.environ)
    command = [sys.executable, "-m", "aduan.cli", "ingest-email"]
    started = time.perf_counter()
    for n in range(args.spawn):
        done = subprocess.run(
            command, input=message(n, f"spawn{tag}"), capture_output=True, cwd=ROOT, env=env
        )
        assert done.returncode == 0, done.stderr.decode()
    elapsed = time.perf_counter() - started
    results["pipe_process_per_message"] = {
        "messages": args.spawn,
        "seconds": round(elapsed, 2),
        "per_second": rate(args.spawn, elapsed),
    }

    # 3. IMAP: one poll of a Dovecot mailbox holding the messages.
    dovecot = start_dovecot()
    try:
        config = imap.MailboxConfig.from_url(
            f"imap://bench:{IMAP_PASSWORD}@127.0.0.1:{dovecot.port}/INBOX?name=bench"
        )
        with dovecot.mailbox("bench") as box:
            for n in range(args.imap_messages):
                box.append(message(n, f"imap{tag}"), "INBOX")
        started, cpu = time.perf_counter(), time.process_time()
        result = imap.poll(config)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert result.stored == args.imap_messages and not result.error, result
        assert dovecot.count("bench") == 0
    finally:
        dovecot.stop()
    results["imap_one_poll"] = {
        "messages": args.imap_messages,
        "seconds": round(elapsed, 2),
        "per_second": rate(args.imap_messages, elapsed),
        "cpu_ms_per_message": round(cpu / args.imap_messages * 1000, 2),
    }
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]

    print(f"\nMail intake on {vendor}, {results['message_bytes']}-byte plain messages, one worker")
    for name in ("pipe_in_process", "pipe_process_per_message", "imap_one_poll"):
        row = results[name]
        assert isinstance(row, dict)
        cpu_ms = row.get("cpu_ms_per_message", "")
        print(
            f"  {name:26} {row['messages']:6} messages {row['seconds']:8}s "
            f"{row['per_second']:8}/s  cpu {cpu_ms} ms/message"
        )
    before, after = results["load_average_before"], results["load_average_after"]
    print(f"  load average before {before}, after {after}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"mail-{datetime.date.today().isoformat()}-{vendor}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
