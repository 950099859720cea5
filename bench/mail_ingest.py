"""Mail intake throughput: how many messages per second one worker stores and processes, from
the pipe and from IMAP. Run by hand, not in CI.

    .venv/bin/python bench/mail_ingest.py                       # SQLite in a temporary dir
    .venv/bin/python bench/mail_ingest.py --database-url postgres://postgres@127.0.0.1:5432/aduan_bench_mail

Every message goes the whole way: the raw bytes stored (one transaction), then parsed, the
sender looked up or registered, the ticket opened with its timeline and audit entries, the
acknowledgement written to the outbox (another transaction). Sending is left to the worker
(``ADUAN_DELIVERY=worker``): this measures intake. "Plain" messages are about 1.5 KB of text
from 100 different senders.

Each path runs in rounds (``--rounds``, 5): on a shared machine a round may lose its CPU to
other processes, so the best round, the median and the worker's own CPU time per message
(and how many messages per second that is for one core) are all reported.

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
import statistics
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


def summary(rounds: list[tuple[float, float]], count: int) -> dict[str, object]:
    """Messages per second, best and median round, and the worker's own CPU per message."""
    rates = sorted(rate(count, wall) for wall, _cpu in rounds)
    cpu = sorted(cpu / count * 1000 for _wall, cpu in rounds)
    return {
        "messages": count * len(rounds),
        "rounds": [rate(count, wall) for wall, _cpu in rounds],
        "per_second": rates[-1],
        "median_per_second": statistics.median(rates),
        "cpu_ms_per_message": round(statistics.median(cpu), 2),
        "cpu_per_second": round(1000 / statistics.median(cpu), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL (dropped and created)")
    parser.add_argument("--messages", type=int, default=1000, help="for the in-process pipe")
    parser.add_argument("--imap-messages", type=int, default=1000)
    parser.add_argument("--spawn", type=int, default=20, help="messages for process-per-message")
    parser.add_argument("--rounds", type=int, default=5)
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

    # 1. The pipe's code path, in one process, in rounds (the best and the median count:
    # on a shared machine a round can lose its CPU to someone else).
    tag = uuid.uuid4().hex[:8]
    for raw in [message(n, f"warm{tag}") for n in range(20)]:  # imports, caches, customers
        inbound.ingest(raw, source="pipe")
    per_round = args.messages // args.rounds
    rounds = []
    for number in range(args.rounds):
        raws = [message(number * per_round + n, f"pipe{tag}") for n in range(per_round)]
        started, cpu = time.perf_counter(), time.process_time()
        for raw in raws:
            inbound.ingest(raw, source="pipe")
        rounds.append((time.perf_counter() - started, time.process_time() - cpu))
    processed = InboundMessage.objects.filter(
        message_id__startswith=f"<pipe{tag}-", status="processed"
    ).count()
    assert processed == per_round * args.rounds, processed
    results["pipe_in_process"] = summary(rounds, per_round)

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
        "per_second": rate(args.spawn, elapsed),
        "median_per_second": rate(args.spawn, elapsed),
        "seconds_per_message": round(elapsed / args.spawn, 2),
    }

    # 3. IMAP: messages appended to a Dovecot mailbox, then one poll, in rounds.
    per_imap = args.imap_messages // args.rounds
    dovecot = start_dovecot()
    try:
        config = imap.MailboxConfig.from_url(
            f"imap://bench:{IMAP_PASSWORD}@127.0.0.1:{dovecot.port}/INBOX?name=bench"
        )
        rounds = []
        for number in range(args.rounds):
            with dovecot.mailbox("bench") as box:
                for n in range(per_imap):
                    box.append(message(number * per_imap + n, f"imap{tag}"), "INBOX")
            started, cpu = time.perf_counter(), time.process_time()
            result = imap.poll(config)
            rounds.append((time.perf_counter() - started, time.process_time() - cpu))
            assert result.stored == per_imap and not result.error, result
            assert dovecot.count("bench") == 0
    finally:
        dovecot.stop()
    results["imap_one_poll"] = summary(rounds, per_imap)
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]

    print(f"\nMail intake on {vendor}, {results['message_bytes']}-byte plain messages, one worker")
    print(f"  {'':26} {'best /s':>9} {'median /s':>10} {'CPU ms/msg':>11} {'= /s of a core':>15}")
    for name in ("pipe_in_process", "pipe_process_per_message", "imap_one_poll"):
        row = results[name]
        assert isinstance(row, dict)
        print(
            f"  {name:26} {row['per_second']:>9} {row['median_per_second']:>10} "
            f"{row.get('cpu_ms_per_message', '-'):>11} {row.get('cpu_per_second', '-'):>15}"
        )
    before, after = results["load_average_before"], results["load_average_after"]
    print(f"  load average before {before}, after {after}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"mail-{datetime.date.today().isoformat()}-{vendor}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
