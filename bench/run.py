"""Benchmark Aduan's hot paths against a seeded PostgreSQL database. Run by hand, not in CI.

    .venv/bin/python bench/run.py --tickets 10000 100000 1000000

For each ticket count: creates the database ``aduan_bench_<n>`` (dropping an old one), runs
``aduan migrate`` and ``aduan seed``, serves Aduan with ``aduan serve`` (gunicorn, 2 gthread
workers with keep-alive, DEBUG off, 127.0.0.1 only) and measures with wrk (8 connections, one
thread, fixed duration):

1. ticket creation      POST /api/v1/tickets
2. team queue           GET  /api/v1/tickets?team=helpdesk&ordering=due_at&limit=25
3. caller lookup        GET  /api/v1/customers?phone=0812-...
4. peak RSS of each gunicorn worker (VmHWM)

and, per request, the CPU time the server's workers and their PostgreSQL backends used.

Prints a table and writes bench/results/<date>-<n>.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
CONNECTIONS = 8
WORKERS = 2
TARGETS = {
    # scenario: (minimum requests/s or None, maximum p95 in ms)
    "create": (500.0, 40.0),
    "queue": (None, 30.0),
    "lookup": (None, 15.0),
}
RSS_TARGET_MIB = 120.0
QUEUE_PATH = "/api/v1/tickets?team=helpdesk&ordering=due_at&limit=25"
CATEGORIES = ["network", "email", "academic-system", "billing", "certificate", "service"]
CHANNELS = ["phone", "walk-in", "letter", "fax", "chat"]

LUA_DONE = r"""
done = function(summary, latency, requests)
  local f = assert(io.open("%(out)s", "w"))
  f:write(string.format(
    '{"requests": %%d, "duration_us": %%d, "bytes": %%d, "errors_status": %%d, ' ..
    '"errors_connect": %%d, "errors_read": %%d, "errors_write": %%d, "errors_timeout": %%d, ' ..
    '"p50_us": %%d, "p90_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, ' ..
    '"mean_us": %%.1f}',
    summary.requests, summary.duration, summary.bytes, summary.errors.status,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
  f:close()
end
"""

LUA_CREATE = r"""
local ids = {%(ids)s}
local categories = {%(categories)s}
local channels = {%(channels)s}
local headers = {["Content-Type"] = "application/json",
                 ["Authorization"] = "Bearer %(token)s"}
local i = 0
request = function()
  i = i + 1
  local body = string.format(
    '{"subject": "Internet mati di lab %%d", "description": "Koneksi internet di ' ..
    'laboratorium komputer putus sejak pagi, mohon segera dibantu.", "customer_id": %%d, ' ..
    '"channel": "%%s", "category": "%%s"}',
    i, ids[(i %% #ids) + 1], channels[(i %% #channels) + 1], categories[(i %% #categories) + 1])
  return wrk.format("POST", "/api/v1/tickets", headers, body)
end
"""

LUA_GET = r"""
local paths = {%(paths)s}
local headers = {["Authorization"] = "Bearer %(token)s"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], headers)
end
"""


def lua_list(values: list[Any]) -> str:
    return ", ".join(json.dumps(v) if isinstance(v, str) else str(v) for v in values)


def say(text: str) -> None:
    print(text, flush=True)


# --- database --------------------------------------------------------------------------------


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


def sample_inputs(db_url: str) -> tuple[list[int], list[str], dict[str, Any]]:
    """Customer ids to file tickets for, local spellings of known mobile numbers, and sizes."""
    with psycopg.connect(admin_conninfo(db_url)) as conn:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM customers_customer ORDER BY md5(id::text) LIMIT 1000"
            )
        ]
        phones = [
            r[0]
            for r in conn.execute(
                "SELECT phone FROM customers_customer WHERE phone LIKE '+628%' "
                "ORDER BY md5(id::text) LIMIT 1000"
            )
        ]
        sizes = {
            "tickets": conn.execute("SELECT count(*) FROM tickets_ticket").fetchone()[0],  # type: ignore[index]
            "open_helpdesk_tickets": conn.execute(
                "SELECT count(*) FROM tickets_ticket t "
                "JOIN organisation_team m ON m.id = t.team_id "
                "WHERE m.code = 'helpdesk' AND t.status IN "
                "('new', 'open', 'in_progress', 'forwarded', 'pending')"
            ).fetchone()[0],  # type: ignore[index]
            "customers": conn.execute("SELECT count(*) FROM customers_customer").fetchone()[0],  # type: ignore[index]
            "events": conn.execute("SELECT count(*) FROM tickets_ticketevent").fetchone()[0],  # type: ignore[index]
            "database_bytes": conn.execute(
                "SELECT pg_database_size(current_database())"
            ).fetchone()[0],  # type: ignore[index]
        }
    # +6281234567890 -> 0812-3456-7890, the way callers read their number out.
    local = [f"0{p[3:6]}-{p[6:10]}-{p[10:]}" for p in phones]
    return ids, local, sizes


# --- server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        # Persistent connections are renewed after CONN_MAX_AGE (60 s by default); here they
        # outlive the run, so that the CPU time of their PostgreSQL backends can be read at the
        # end of each scenario. Reconnecting once a minute costs nothing measurable.
        CONN_MAX_AGE="3600",
        DJANGO_SETTINGS_MODULE="aduan.config.settings",
        # The aduan package of this checkout, even if another one is installed in the venv.
        PYTHONPATH=str(ROOT),
    )
    return env


def start_server(
    kind: str, db_url: str, port: int, log: Path, threads: int | None = None
) -> subprocess.Popen[bytes]:
    if kind == "aduan":
        # Exactly what production runs (aduan/runners/management/commands/serve.py), without
        # the access log, the migrations and the periodic sweeps, which are not measured.
        command = [
            str(VENV_BIN / "aduan"),
            "serve",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            "--no-migrate",
            "--quiet",
            "--no-sweeper",
        ]
        if threads is not None:
            command.append(f"--threads={threads}")
    elif kind == "sync":
        # The earlier reference: gunicorn's sync workers close the connection after every
        # response.
        command = [
            str(VENV_BIN / "gunicorn"),
            "aduan.config.wsgi:application",
            f"--workers={WORKERS}",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ]
    elif kind == "uvicorn":
        command = [
            str(VENV_BIN / "uvicorn"),
            "bench.asgi:application",
            f"--workers={WORKERS}",
            "--host=127.0.0.1",
            f"--port={port}",
            "--log-level=warning",
            "--no-access-log",
        ]
    else:
        raise SystemExit(f"unknown server {kind}")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=server_env(db_url),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"server exited: see {log}") from None
            time.sleep(0.3)
    stop_server(process)
    raise SystemExit(f"server did not answer within 30 s: see {log}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def worker_pids(master: int) -> list[int]:
    """The server's workers: the children of the process we started."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # After the command name in parentheses: state, parent pid, ...
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return sorted(pids)


def peak_rss_mib(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def get_token(port: int, password: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/token",
        data=json.dumps({"username": "agent", "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.load(response)["token"])


def check(port: int, token: str, path: str) -> None:
    """Fail early when an endpoint answers an error rather than measuring error pages."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.load(response)
    if isinstance(body, dict) and not body.get("items"):
        raise SystemExit(f"{path} answered no items: {body}")
    if isinstance(body, list) and not body:
        raise SystemExit(f"{path} found nothing")


# --- load ------------------------------------------------------------------------------------


def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot."""
    values = [float(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return float(fields[11]) + float(fields[12])  # utime + stime, in clock ticks


def database_backends(database: str) -> list[int]:
    """The PostgreSQL backends connected to ``database`` (the server's connections)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cmdline.startswith("postgres:") and f" {database} " in cmdline:
            pids.append(int(entry.name))
    return pids


def foreign_processes(own: set[int], database: str) -> dict[int, float]:
    """CPU ticks of every process that is not part of this benchmark: other work on the
    machine competes for the two cores and makes the figures worse than they are."""
    result = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in own:
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if not cmdline or database in cmdline or cmdline.startswith("wrk "):
            continue
        result[int(entry.name)] = process_cpu(int(entry.name))
    return result


def wait_until_quiet(limit: float) -> float:
    """Wait (at most ``limit`` s) until the CPUs are at least 85% idle over a second; return
    the share of CPU time others used in the last sample."""
    deadline = time.monotonic() + limit
    while True:
        busy0, total0 = cpu_times()
        time.sleep(1.0)
        busy1, total1 = cpu_times()
        share = (busy1 - busy0) / max(total1 - total0, 1.0)
        if share < 0.15 or time.monotonic() > deadline:
            if share >= 0.15:
                say(f"  the machine is still {share:.0%} busy with other work; measuring anyway")
            return share


def wrk(
    port: int,
    script: str,
    duration: float,
    workdir: Path,
    name: str,
    own: set[int] | None = None,
    database: str = "",
) -> dict[str, Any]:
    out = workdir / f"{name}.json"
    lua = workdir / f"{name}.lua"
    lua.write_text(script + LUA_DONE % {"out": out})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    others_before = foreign_processes(own or set(), database) if own is not None else {}
    workers = sorted(own - {os.getpid()}) if own is not None else []
    backends = database_backends(database) if own is not None else []
    workers_before = {pid: process_cpu(pid) for pid in workers}
    backends_before = {pid: process_cpu(pid) for pid in backends}
    busy0, total0 = cpu_times()
    command = [
        "wrk",
        "--threads=1",
        f"--connections={CONNECTIONS}",
        f"--duration={int(duration)}s",
        "--timeout=10s",
        f"--script={lua}",
        f"http://127.0.0.1:{port}",
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=duration + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy1, total1 = cpu_times()
    result: dict[str, Any] = json.loads(out.read_text())
    seconds = result["duration_us"] / 1e6
    result["machine_cpu_share"] = (busy1 - busy0) / max(total1 - total0, 1.0)
    if own is not None:
        # CPU time per request, whatever else the machine did meanwhile: the server's
        # processes and the PostgreSQL backends of its connections (opened during warm-up).
        ms_per_tick = 1000 / os.sysconf("SC_CLK_TCK") / max(result["requests"], 1)
        result["server_cpu_ms_per_request"] = ms_per_tick * sum(
            process_cpu(pid) - cpu for pid, cpu in workers_before.items()
        )
        # A backend that appeared meanwhile counts from zero; one that ended would be lost.
        backends_after = database_backends(database)
        result["db_cpu_ms_per_request"] = ms_per_tick * sum(
            process_cpu(pid) - backends_before.get(pid, 0.0) for pid in backends_after
        )
        result["db_backends"] = len(backends_after)
        result["db_backends_ended"] = len(set(backends) - set(backends_after))
        others_after = foreign_processes(own, database)
        ticks = sum(
            others_after[pid] - others_before.get(pid, 0.0)
            for pid in others_after
            if pid in others_before
        )
        cores = os.cpu_count() or 1
        result["other_cpu_share"] = ticks / os.sysconf("SC_CLK_TCK") / seconds / cores
    result["rps"] = result["requests"] / seconds if seconds else 0.0
    result["loadgen_cpu_s"] = (after.ru_utime - before.ru_utime) + (
        after.ru_stime - before.ru_stime
    )
    result["loadgen_cpu_share"] = result["loadgen_cpu_s"] / seconds if seconds else 0.0
    errors = sum(result[k] for k in result if k.startswith("errors_"))
    result["errors"] = errors
    return result


def run_scenarios(
    port: int,
    token: str,
    ids: list[int],
    phones: list[str],
    args: argparse.Namespace,
    tmp: Path,
    server: int,
    database: str,
) -> dict[str, Any]:
    scripts = {
        "queue": LUA_GET % {"paths": lua_list([QUEUE_PATH]), "token": token},
        "lookup": LUA_GET
        % {"paths": lua_list([f"/api/v1/customers?phone={p}" for p in phones]), "token": token},
        "create": LUA_CREATE
        % {
            "ids": lua_list(ids),
            "categories": lua_list(CATEGORIES),
            "channels": lua_list(CHANNELS),
            "token": token,
        },
    }
    check(port, token, QUEUE_PATH)
    check(port, token, f"/api/v1/customers?phone={phones[0]}")
    results = {}
    for name in args.scenarios:
        say(f"  warming up {name} ({args.warmup:.0f} s)")
        wrk(port, scripts[name], args.warmup, tmp, f"{name}-warmup")
        busy = wait_until_quiet(args.quiet_wait)
        say(f"  measuring {name} ({args.duration:.0f} s, {CONNECTIONS} connections)")
        own = {os.getpid(), server, *worker_pids(server)}
        results[name] = wrk(port, scripts[name], args.duration, tmp, name, own, database)
        results[name]["busy_before"] = busy
    return results


# --- report ----------------------------------------------------------------------------------


def verdicts(result: dict[str, Any]) -> dict[str, str]:
    out = {}
    for name, figures in result["scenarios"].items():
        min_rps, max_p95 = TARGETS[name]
        ok = figures["p95_us"] / 1000 < max_p95 and figures["errors"] == 0
        if min_rps is not None:
            ok = ok and figures["rps"] >= min_rps
        out[name] = "met" if ok else "MISSED"
    rss = result.get("peak_rss_mib_max")
    out["rss"] = "met" if rss is not None and rss < RSS_TARGET_MIB else "MISSED"
    return out


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        f"{'tickets':>9} {'scenario':<8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6} {'cpu/req':>7} {'db/req':>6} {'wrk cpu':>7} "
        f"{'others':>6}  target            verdict"
    ]
    for result in results:
        verdict = verdicts(result)
        for name, f in result["scenarios"].items():
            min_rps, max_p95 = TARGETS[name]
            target = (f">={min_rps:.0f}/s, " if min_rps else "") + f"p95<{max_p95:.0f}ms"
            lines.append(
                f"{result['tickets']:>9} {name:<8} {f['rps']:>8.0f} {f['p50_us'] / 1000:>7.1f} "
                f"{f['p95_us'] / 1000:>7.1f} {f['p99_us'] / 1000:>7.1f} {f['errors']:>6} "
                f"{f.get('server_cpu_ms_per_request', 0):>7.2f} "
                f"{f.get('db_cpu_ms_per_request', 0):>6.2f} "
                f"{f['loadgen_cpu_share'] * 100:>6.0f}% "
                f"{f.get('other_cpu_share', 0) * 100:>5.0f}%  "
                f"{target:<17} {verdict[name]}"
            )
        rss = result.get("peak_rss_mib_max")
        lines.append(
            f"{result['tickets']:>9} {'rss':<8} {'':>8} {'':>7} {'':>7} {'':>7} {'':>6} {'':>7} "
            f"{'':>6} {'':>7} {'':>6}  {'<120 MiB':<17} {verdict['rss']} "
            f"(peak {rss:.0f} MiB per worker)"
            if rss
            else ""
        )
        if result.get("seed_seconds") is not None:
            lines.append(f"{result['tickets']:>9} seed     {result['seed_seconds']:.0f} s")
    return "\n".join(line for line in lines if line)


def hardware() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(re.findall(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[0])
    except (OSError, IndexError):
        mem_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def run_aduan(args: list[str], db_url: str, log: Path) -> float:
    started = time.monotonic()
    env = server_env(db_url)
    with log.open("ab") as out:
        subprocess.run(
            [str(VENV_BIN / "aduan"), *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=3600,
        )
    return time.monotonic() - started


def bench_one(n: int, args: argparse.Namespace) -> dict[str, Any]:
    name = f"aduan_bench_{n}"
    db_url = with_database(args.database_url, name)
    tmp = Path(tempfile.mkdtemp(prefix=f"aduan-bench-{n}-"))
    log = tmp / "aduan.log"
    result: dict[str, Any] = {
        "tickets": n,
        "customers": args.customers or max(100, n // 5),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "server": args.server,
        "workers": WORKERS,
        "threads": args.threads,
        "connections": CONNECTIONS,
        "duration_s": args.duration,
        "hardware": hardware(),
    }
    seed_seconds = None
    if not args.reuse:
        say(f"[{n}] creating database {name}")
        recreate_database(args.database_url, name)
        run_aduan(["migrate", "--verbosity=0"], db_url, log)
        say(f"[{n}] aduan seed --tickets {n} --customers {result['customers']}")
        seed_seconds = run_aduan(
            ["seed", f"--tickets={n}", f"--customers={result['customers']}", "--password=demo"],
            db_url,
            log,
        )
        say(f"[{n}] seeded in {seed_seconds:.1f} s")
    result["seed_seconds"] = seed_seconds
    with psycopg.connect(admin_conninfo(db_url)) as conn:
        result["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    ids, phones, sizes = sample_inputs(db_url)
    result["sizes_before"] = sizes
    port = free_port()
    say(f"[{n}] starting {args.server} ({WORKERS} workers) on 127.0.0.1:{port}")
    server = start_server(args.server, db_url, port, tmp / "server.log", args.threads)
    try:
        token = get_token(port, "demo")
        result["scenarios"] = run_scenarios(port, token, ids, phones, args, tmp, server.pid, name)
        rss = {pid: peak_rss_mib(pid) for pid in worker_pids(server.pid)}
        result["peak_rss_mib"] = {str(pid): value for pid, value in rss.items() if value}
        values = [v for v in rss.values() if v]
        result["peak_rss_mib_max"] = max(values) if values else None
    finally:
        stop_server(server)
    if args.drop:
        drop_database(args.database_url, name)
        say(f"[{n}] dropped {name}")
    shutil.rmtree(tmp, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server to use (its database is only used to create the bench ones)",
    )
    parser.add_argument("--tickets", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--customers", type=int, default=0, help="default: tickets / 5")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before each one")
    parser.add_argument(
        "--scenarios", nargs="+", default=["queue", "lookup", "create"], choices=list(TARGETS)
    )
    parser.add_argument(
        "--server",
        choices=["aduan", "sync", "uvicorn"],
        default="aduan",
        help="aduan: `aduan serve` (gunicorn, 2 gthread workers with keep-alive: the "
        "reference); sync: 2 gunicorn sync workers (the reference before 2026-11-23); "
        "uvicorn: 2 ASGI workers (bench/asgi.py, pip install uvicorn)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per worker for --server aduan (default: aduan serve's)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=120.0,
        help="wait up to this many seconds for other processes to leave the CPUs idle",
    )
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--drop", action="store_true", help="drop each database afterwards")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results")
    args = parser.parse_args()
    if not urlsplit(args.database_url).scheme.startswith("postgres"):
        raise SystemExit("--database-url must be a PostgreSQL URL")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    if not 1 <= args.duration <= 300 or not 0 <= args.warmup <= 60:
        raise SystemExit("--duration must be 1-300 s and --warmup 0-60 s")

    results = []
    for n in args.tickets:
        result = bench_one(n, args)
        results.append(result)
        if not args.no_save:
            RESULTS.mkdir(parents=True, exist_ok=True)
            suffix = "" if args.server == "aduan" else f"-{args.server}"
            if args.threads is not None:
                suffix += f"-t{args.threads}"
            path = RESULTS / f"{datetime.date.today().isoformat()}-{n}{suffix}.json"
            result["verdicts"] = verdicts(result)
            path.write_text(json.dumps(result, indent=2) + "\n")
            say(f"[{n}] wrote {path.relative_to(ROOT)}")
        say(table([result]))
    say("")
    say(table(results))


if __name__ == "__main__":
    main()
