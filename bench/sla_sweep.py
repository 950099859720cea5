"""Benchmark the service-level sweep on a large PostgreSQL database. Run by hand, not in CI.

    .venv/bin/python bench/sla_sweep.py --tickets 1000000 --due 1000

1. Creates ``aduan_bench_sla_<n>`` (unless ``--reuse``), runs ``aduan migrate`` and
   ``aduan seed --tickets N --customers N/5``: about 10 % of the tickets are open.
2. Starts a timer on every open ticket, due at a random moment in the next 30 days (as the
   service-level clock would have set them), so the table holds N tickets of which ~N/10
   have ``sla_next_check_at`` set.
3. Each run makes ``--due`` random open tickets due now and times one sweep
   (``aduan.sla.services.sweep``, one batch of ``--due``) in this process:
   - ``breach``: each due ticket misses its resolution target now: the sweep records the
     breach and notifies the team leader (the default ladder's first rung);
   - ``escalate``: each missed it 5 hours ago: breach, leader notified, and moved to the next
     tier through the ticket escalation service;
   - ``idle``: a sweep with nothing due.
4. Prints a table and writes ``bench/results/<date>-sla-sweep-<n>.json``, with the query plan
   of the due-ticket read.

Target (issue 4): one sweep under 1 s when 1,000 tickets are due, at 1,000,000 tickets.
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
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"


def say(text: str) -> None:
    print(text, flush=True)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def admin_conninfo(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path or "/postgres", parts.query, ""))


def recreate_database(url: str, name: str) -> None:
    with psycopg.connect(admin_conninfo(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str, name: str) -> None:
    with psycopg.connect(admin_conninfo(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_aduan(args: list[str], db_url: str) -> float:
    started = time.monotonic()
    env = {**os.environ, "DATABASE_URL": db_url, "DEBUG": "true"}
    env.pop("CELERY_BROKER_URL", None)
    subprocess.run([str(VENV_BIN / "aduan"), *args], cwd=ROOT, env=env, check=True, timeout=3600)
    return time.monotonic() - started


def setup_django(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DEBUG", "true")
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "aduan.config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def start_timers() -> int:
    """Every open ticket gets a timer due in the next 30 days, as the clock would set it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE tickets_ticket
               SET first_response_at = COALESCE(first_response_at, received_at),
                   due_at = now() + (random() * interval '30 days') + interval '1 hour',
                   resolution_warn_at = NULL,
                   first_response_warn_at = NULL,
                   resolution_breached_at = NULL,
                   first_response_breached_at = NULL,
                   pending_since = NULL,
                   sla_paused_at = NULL
             WHERE status IN ('new', 'open', 'in_progress', 'forwarded', 'pending')
            """
        )
        cursor.execute(
            """
            UPDATE tickets_ticket SET sla_next_check_at = due_at
             WHERE status IN ('new', 'open', 'in_progress', 'forwarded', 'pending')
            """
        )
        cursor.execute("VACUUM ANALYZE tickets_ticket")
        cursor.execute("SELECT count(*) FROM tickets_ticket WHERE sla_next_check_at IS NOT NULL")
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def make_due(count: int, overdue: datetime.timedelta) -> list[int]:
    """``count`` random open tickets whose resolution target was missed ``overdue`` ago and
    whose timer is due now (in a new cycle, so earlier runs' steps do not count)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH chosen AS (
                SELECT id FROM tickets_ticket
                 WHERE sla_next_check_at > now() + interval '1 minute'
                   AND status IN ('open', 'in_progress', 'forwarded')
                 ORDER BY random() LIMIT %s
            )
            UPDATE tickets_ticket t
               SET due_at = now() - %s,
                   sla_next_check_at = now() - %s,
                   sla_cycle = t.sla_cycle + 1,
                   resolution_breached_at = NULL
              FROM chosen WHERE t.id = chosen.id
            RETURNING t.id
            """,
            [count, overdue, overdue],
        )
        return [row[0] for row in cursor.fetchall()]


def explain_due_read() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            EXPLAIN (ANALYZE, BUFFERS)
            SELECT id FROM tickets_ticket
             WHERE sla_next_check_at <= now()
             ORDER BY sla_next_check_at, id LIMIT 1000 FOR UPDATE SKIP LOCKED
            """
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def timed_sweep(limit: int) -> tuple[float, Any]:
    from django.db import reset_queries

    from aduan.sla import services

    reset_queries()
    started = time.perf_counter()
    result = services.sweep(limit=limit)
    return time.perf_counter() - started, result


def scenario(name: str, due: int, overdue: datetime.timedelta, runs: int) -> dict[str, Any]:
    times = []
    last = None
    for run in range(runs):
        make_due(due, overdue)
        seconds, result = timed_sweep(due)
        times.append(seconds)
        last = result
        say(
            f"  {name} run {run + 1}: {seconds * 1000:.0f} ms for {result.tickets} tickets "
            f"({result.breaches} breaches, {result.alerts} alerts, "
            f"{result.escalations} escalations, {result.failures} failures)"
        )
    assert last is not None
    return {
        "due": due,
        "runs_ms": [round(t * 1000, 1) for t in times],
        "median_ms": round(statistics.median(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "last": {
            "tickets": last.tickets,
            "breaches": last.breaches,
            "alerts": last.alerts,
            "escalations": last.escalations,
            "failures": last.failures,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1000, help="tickets due per sweep")
    parser.add_argument("--runs", type=int, default=5, help="sweeps per scenario")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/postgres",
        help="server to create the benchmark database on (a user that may create databases)",
    )  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results")
    args = parser.parse_args()

    name = f"aduan_bench_sla_{args.tickets}"
    db_url = with_database(args.database_url, name)
    seed_seconds = None
    if not args.reuse:
        say(f"creating {name}")
        recreate_database(args.database_url, name)
        run_aduan(["migrate", "--verbosity=0"], db_url)
        customers = max(100, args.tickets // 5)
        say(f"aduan seed --tickets {args.tickets} --customers {customers}")
        seed_seconds = run_aduan(
            ["seed", f"--tickets={args.tickets}", f"--customers={customers}"], db_url
        )
        say(f"seeded in {seed_seconds:.0f} s")
    else:
        run_aduan(["migrate", "--verbosity=0"], db_url)
    setup_django(db_url)
    from django.db import connection

    timers = start_timers()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        row = cursor.fetchone()
    total = int(row[0]) if row else 0
    say(f"{total} tickets, {timers} with a timer running")

    result: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "tickets": total,
        "timers": timers,
        "seed_seconds": seed_seconds,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()
    result["postgresql"] = version[0] if version else None
    # Warm up the caches (configuration, people, plans) the way a running worker has them.
    make_due(50, datetime.timedelta(minutes=1))
    timed_sweep(50)
    result["idle"] = {"ms": round(timed_sweep(args.due)[0] * 1000, 2)}
    say(f"  idle sweep: {result['idle']['ms']} ms")
    result["breach"] = scenario("breach", args.due, datetime.timedelta(minutes=1), args.runs)
    result["escalate"] = scenario("escalate", args.due, datetime.timedelta(hours=5), args.runs)
    make_due(args.due, datetime.timedelta(minutes=1))
    result["plan"] = explain_due_read()
    say(result["plan"])
    timed_sweep(args.due)

    say("")
    say(f"{'scenario':<10} {'due':>6} {'median ms':>10} {'max ms':>8}")
    for key in ("breach", "escalate"):
        row_ = result[key]
        say(f"{key:<10} {row_['due']:>6} {row_['median_ms']:>10} {row_['max_ms']:>8}")
    say(f"{'idle':<10} {0:>6} {result['idle']['ms']:>10}")
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.date.today().isoformat()
        path = RESULTS / f"{stamp}-sla-sweep-{args.tickets}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        say(f"wrote {path.relative_to(ROOT)}")
    if args.drop:
        connection.close()
        drop_database(args.database_url, name)


if __name__ == "__main__":
    main()
