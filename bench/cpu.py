"""CPU time per request of the benchmark's three scenarios, measured in one process.

    .venv/bin/python bench/cpu.py --database-url postgres://postgres@127.0.0.1:5432/aduan_bench_100000

Runs each scenario of bench/run.py (queue, lookup, create) many times, one request after the
other, through Django's WSGI handler with the full middleware stack (no HTTP server, no
network), and prints per request:

- ``python ms``: CPU time of this process (Django, django-ninja, pydantic, psycopg);
- ``pg ms``: CPU time of this connection's PostgreSQL backend (read from /proc, so only when
  PostgreSQL runs on this machine);
- ``wall ms``: elapsed time, which includes waiting for PostgreSQL and the WAL flush at commit.

CPU time hardly depends on what else runs on the machine, unlike the wrk figures, which is why
these are the figures to compare code changes with. ``--profile queue`` prints the functions
that take the time (cProfile). The database must be one that bench/run.py or ``aduan seed``
filled (``--password demo``); the ``create`` scenario adds tickets to it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.run import (  # noqa: E402
    CATEGORIES,
    CHANNELS,
    QUEUE_PATH,
    admin_conninfo,
    sample_inputs,
)

CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    """CPU seconds a PostgreSQL backend has used, or NaN where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (float(fields[11]) + float(fields[12])) / CLOCK_TICK


class Client:
    """Calls the WSGI application the way gunicorn does, with a bearer token."""

    def __init__(self, application: Callable[..., Any]) -> None:
        self.application = application
        self.token = ""

    def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if body:
            environ["CONTENT_TYPE"] = "application/json"
            environ["CONTENT_LENGTH"] = str(len(body))
        if self.token:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        status: list[str] = []

        def start_response(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            status.append(line)

        result = self.application(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # request_finished: what the server does after each response
        return int(status[0].split()[0]), content


def scenarios(ids: list[int], phones: list[str]) -> dict[str, Callable[[Client, int], int]]:
    def queue(client: Client, i: int) -> int:
        return client.request("GET", QUEUE_PATH)[0]

    def lookup(client: Client, i: int) -> int:
        return client.request("GET", f"/api/v1/customers?phone={phones[i % len(phones)]}")[0]

    def create(client: Client, i: int) -> int:
        body = {
            "subject": f"Internet mati di lab {i}",
            "description": "Koneksi internet di laboratorium komputer putus sejak pagi, "
            "mohon segera dibantu.",
            "customer_id": ids[i % len(ids)],
            "channel": CHANNELS[i % len(CHANNELS)],
            "category": CATEGORIES[i % len(CATEGORIES)],
        }
        return client.request("POST", "/api/v1/tickets", json.dumps(body).encode())[0]

    return {"queue": queue, "lookup": lookup, "create": create}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--requests", type=int, default=1000, help="measured, per scenario")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5, help="runs per scenario; best kept")
    names = ["queue", "lookup", "create"]
    parser.add_argument("--scenarios", nargs="+", default=names, choices=names)
    parser.add_argument("--profile", choices=names, help="cProfile one scenario")
    parser.add_argument("--top", type=int, default=40, help="functions to print with --profile")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("--database-url (or DATABASE_URL) must name a seeded PostgreSQL database")

    os.environ.update(
        DATABASE_URL=args.database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="aduan.config.settings",
        # One connection (one backend to read) for the whole run.
        CONN_MAX_AGE="3600",
    )
    from django.db import connection

    from aduan.config.wsgi import application

    ids, phones, sizes = sample_inputs(args.database_url)
    # Tickets for customers drawn afresh on each run: with the same 1,000 customers every
    # run, repeated runs on one database turn more and more of the new tickets into hard
    # complaints (aduan.care's repeat rule: 3 reports of one problem in 30 days).
    with psycopg.connect(admin_conninfo(args.database_url)) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM customers_customer ORDER BY random()")]
    client = Client(application)
    code, body = client.request(
        "POST", "/api/v1/auth/token", json.dumps({"username": "agent", "password": "demo"}).encode()
    )
    if code >= 300:
        raise SystemExit(f"no token for the demo agent ({code}): {body[:200]!r}")
    client.token = json.loads(body)["token"]
    runs = scenarios(ids, phones)
    print(f"{sizes['tickets']} tickets, {sizes['open_helpdesk_tickets']} open at the helpdesk")

    if args.profile:
        run = runs[args.profile]
        for i in range(args.warmup):
            run(client, i)
        # CPU time, not elapsed time: waits for PostgreSQL are not what is being looked for.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for i in range(args.requests):
            run(client, i)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
        return

    print(f"{'scenario':<8} {'python ms':>9} {'pg ms':>7} {'total ms':>8} {'wall ms':>8}")
    counter = 0
    for name in args.scenarios:
        run = runs[name]
        for _ in range(args.warmup):
            counter += 1
            code = run(client, counter)
            if code >= 300:
                raise SystemExit(f"{name} answered {code}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = int(cursor.fetchone()[0])  # type: ignore[index]
        best: tuple[float, float, float] | None = None
        for _ in range(args.repeat):
            cpu0, pg0, wall0 = time.process_time(), backend_cpu(backend), time.perf_counter()
            for _ in range(args.requests):
                counter += 1
                code = run(client, counter)
                if code >= 300:
                    raise SystemExit(f"{name} answered {code}")
            n = args.requests
            figures = (
                (time.process_time() - cpu0) * 1000 / n,
                (backend_cpu(backend) - pg0) * 1000 / n,
                (time.perf_counter() - wall0) * 1000 / n,
            )
            if best is None or figures[0] + figures[1] < best[0] + best[1]:
                best = figures
        assert best is not None
        python_ms, pg_ms, wall_ms = best
        total_ms = python_ms + pg_ms
        print(f"{name:<8} {python_ms:>9.2f} {pg_ms:>7.2f} {total_ms:>8.2f} {wall_ms:>8.2f}")


if __name__ == "__main__":
    main()
