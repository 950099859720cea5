"""CPU time of one ``aduan ingest-email`` process per mail: what a mail server's pipe alias
costs, start-up included. Run by hand, not in CI.

    .venv/bin/python bench/pipe_startup.py                      # 20 mails, SQLite in a temp dir
    .venv/bin/python bench/pipe_startup.py --runs 50 --delivery celery

A temporary data directory is migrated and given the demo organisation's structure, then the
command runs ``--runs`` times, one plain 1.2 KB message each (a new Message-ID every time),
sequentially, exactly as a mail server runs the alias: ``python -m aduan.cli ingest-email``
with the message on standard input. For each run it reads:

- ``store``: the process's CPU time (user + system, interpreter start-up included) when the
  message's first transaction committed, that is when the raw message was safely stored and
  the mail server could have been told so;
- ``total``: the finished process's CPU time as the kernel accounts it (``wait4``), processing
  included: the ticket opened, the acknowledgement queued.

CPU time, not wall time: on a machine shared with other work the elapsed time says more about
the neighbours than about the command. Prints min, median and max of each (quote the median).
``--delivery`` is how the acknowledgement leaves (ADUAN_DELIVERY): ``worker`` (the default:
left in the outbox for ``aduan mail-worker``, so this measures intake) or ``celery`` (the
out-of-the-box setting: without a broker it is sent in the same process, to an SMTP server
that is not there). Python writes no bytecode caches (modules without a ``.pyc`` are compiled
in every run, as in a source checkout run with PYTHONDONTWRITEBYTECODE) unless
``--write-bytecode``: then every module is compiled once, as ``pip install`` leaves them.
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.mail_ingest import message  # noqa: E402

# Runs the command as `python -m aduan.cli ingest-email` does, after noting the process's CPU
# time at the first commit: the store's (nothing before it writes to the database).
DRIVER = """
import json, os, sys, time
from django.db.backends.base.base import BaseDatabaseWrapper

_commit = BaseDatabaseWrapper.commit
_seen = []

def commit(self):
    _commit(self)
    if not _seen:
        _seen.append(time.process_time())
        with open(os.environ["BENCH_STORE_FILE"], "w") as out:
            json.dump({"store": _seen[0]}, out)

BaseDatabaseWrapper.commit = commit
sys.argv = ["aduan", "ingest-email"]
from aduan.cli import main
main()
"""


def run_once(env: dict[str, str], raw: bytes, out: Path) -> tuple[float, float]:
    """One command; returns (CPU seconds when stored, CPU seconds in all)."""
    out.unlink(missing_ok=True)
    before = children_cpu()
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    stdout, stderr = process.communicate(raw, timeout=120)
    # The kernel's account of the reaped child: the difference in RUSAGE_CHILDREN.
    total = children_cpu() - before
    if process.returncode != 0:
        raise SystemExit(f"ingest-email exited {process.returncode}: {stderr.decode()}")
    if not stdout.strip().startswith(b"ADU-"):
        raise SystemExit(f"no ticket reference: {stdout.decode()} {stderr.decode()}")
    store: float = json.loads(out.read_text())["store"]
    return store, total


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def environment(data_dir: Path, delivery: str, write_bytecode: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "aduan.config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "ADUAN_DATA_DIR": str(data_dir),
            "MEDIA_ROOT": str(data_dir / "media"),
            "ADUAN_DELIVERY": delivery,
            "ADUAN_MAIL_FLOOD_LIMIT": "100000000",
            "LOG_LEVEL": "ERROR",
            "BENCH_STORE_FILE": str(data_dir / "store.json"),
        }
    )
    if write_bytecode:
        # As after `pip install` (which compiles every module): cached in the temporary
        # directory, so the working tree is left alone; the warm-up run fills it.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(data_dir / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def prepare(env: dict[str, str]) -> None:
    """Migrate the temporary database and create the organisation mail is filed under."""
    aduan = [sys.executable, "-m", "aduan.cli"]
    subprocess.run([*aduan, "migrate", "--verbosity", "0"], check=True, cwd=ROOT, env=env)
    setup = "import django; django.setup(); from aduan.demo.setup import create_structure; "
    subprocess.run(
        [sys.executable, "-c", setup + "create_structure()"], check=True, cwd=ROOT, env=env
    )


def spread(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"{ms[0]:7.0f} {statistics.median(ms):7.0f} {ms[-1]:7.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="mails, one process each")
    parser.add_argument("--delivery", default="worker", choices=["worker", "celery", "inline"])
    parser.add_argument("--write-bytecode", action="store_true", help="let Python cache .pyc")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="aduan-bench-pipe-"))
    env = environment(data_dir, args.delivery, args.write_bytecode)
    prepare(env)
    out = Path(env["BENCH_STORE_FILE"])
    tag = uuid.uuid4().hex[:8]
    run_once(env, message(0, f"warm{tag}"), out)  # the sender registered, files cached
    stores, totals = [], []
    for n in range(1, args.runs + 1):
        store, total = run_once(env, message(n, tag), out)
        stores.append(store)
        totals.append(total)

    bytecode = "cached bytecode" if args.write_bytecode else "no bytecode written"
    print(
        f"aduan ingest-email, {args.runs} mails, one process each, SQLite, "
        f"ADUAN_DELIVERY={args.delivery}, {bytecode}, Python {platform.python_version()}"
    )
    print(f"  CPU ms per mail        {'min':>7} {'median':>7} {'max':>7}")
    print(f"  read and stored        {spread(stores)}")
    print(f"  whole command          {spread(totals)}")


if __name__ == "__main__":
    main()
