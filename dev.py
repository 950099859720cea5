#!/usr/bin/env python3
"""Set up and run Aduan from a checkout, needing only Python 3.11 and pip.

    python3 dev.py start   # virtualenv, install, migrate, demo data, serve on :8000
    python3 dev.py test    # lint, types, tests on SQLite and PostgreSQL, API fuzzing

Everything lives in .venv/ and data/ inside the checkout.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
PYTHON = BIN / "python"
STAMP = VENV / ".aduan-installed"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/aduan"
NO_TESTS = 5  # pytest's exit code when it collected no tests


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


def run(*args: str | Path, env: dict[str, str] | None = None, check: bool = True) -> int:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if check and result.returncode != 0:
        sys.exit(result.returncode)
    return result.returncode


def ensure_venv(dev: bool) -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Aduan needs Python 3.11; this is {sys.version.split()[0]}.")
    lock = ROOT / "requirements" / ("dev.lock" if dev else "base.lock")
    wanted = hashlib.sha256(lock.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    installed = STAMP.read_text().split() if STAMP.exists() else []
    if wanted in installed:
        return
    if not PYTHON.exists():
        say("Creating the virtual environment in .venv")
        venv.create(VENV, with_pip=True)
    say(f"Installing dependencies from {lock.relative_to(ROOT)}")
    run(PYTHON, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", lock)
    run(
        PYTHON, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps", "-e", ROOT
    )
    # A dev install also satisfies a plain one.
    stamps = [wanted]
    if dev:
        base = ROOT / "requirements" / "base.lock"
        stamps.append(
            hashlib.sha256(base.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
        )
    STAMP.write_text("\n".join(stamps))


def start(args: argparse.Namespace) -> None:
    ensure_venv(dev=False)
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "true")}
    say("Preparing the database and demo data (data/aduan.sqlite3)")
    run(BIN / "aduan", "demo", "--password", args.password, env=env)
    say(f"Serving Aduan at http://{args.bind}/  (log in with the users above; Ctrl-C stops)")
    os.execve(
        str(BIN / "aduan"), [str(BIN / "aduan"), "serve", "--bind", args.bind, "--no-migrate"], env
    )


def postgres_reachable(url: str) -> bool:
    code = (
        "import sys, psycopg, dj_database_url as d\n"
        "c = d.parse(sys.argv[1])\n"
        "psycopg.connect(host=c['HOST'] or 'localhost', port=c['PORT'] or 5432,"
        " user=c['USER'], password=c['PASSWORD'] or None, dbname='postgres',"
        " connect_timeout=3).close()\n"
    )
    return (
        subprocess.run(
            [str(PYTHON), "-c", code, url], cwd=ROOT, capture_output=True, check=False
        ).returncode
        == 0
    )


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def schemathesis(env: dict[str, str], label: str, usernames: tuple[str, ...]) -> None:
    """Fuzz the live API from its OpenAPI document; any 5xx fails the run."""
    data_dir = Path(tempfile.mkdtemp(prefix="aduan-fuzz-"))
    server_env = {
        **env,
        "ADUAN_DATA_DIR": str(data_dir),
        "DEBUG": "false",
        "SECRET_KEY": "fuzz-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
    }
    if "DATABASE_URL" in server_env:
        # A database of its own, so the fuzzer's data never mixes with anything else.
        server_env["DATABASE_URL"] = server_env["DATABASE_URL"].rsplit("/", 1)[0] + "/aduan_fuzz"
        run(PYTHON, ROOT / "tools" / "resetdb.py", server_env["DATABASE_URL"], env=server_env)
    run(
        BIN / "aduan",
        "demo",
        "--tickets",
        "60",
        "--customers",
        "20",
        "--password",
        "fuzz-pass-1",
        env=server_env,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "aduan"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-migrate",
            "--quiet",
        ],
        cwd=ROOT,
        env=server_env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        failures = 0
        for username in usernames:
            token = subprocess.run(
                [str(PYTHON), str(ROOT / "tools" / "fetchtoken.py"), base, username, "fuzz-pass-1"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            say(f"schemathesis ({label}) as {username}")
            failures += run(
                BIN / "schemathesis",
                "run",
                f"{base}/api/v1/openapi.json",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                # The other roles are mostly there for the permission checks, which need
                # fewer examples and no boundary-value (coverage) phase.
                *(
                    [os.environ.get("FUZZ_EXAMPLES", "30")]
                    if username == "admin"
                    else [
                        os.environ.get("FUZZ_EXAMPLES_ROLES", "10"),
                        "--phases",
                        "fuzzing,stateful",
                    ]
                ),
                "--header",
                f"Authorization: Bearer {token}",
                "--seed",
                "2026",
                "--no-color",
                "--suppress-health-check",
                "all",
                "--request-timeout",
                "20",
                env=server_env,
                check=False,
            )
        if failures:
            sys.exit("schemathesis found server errors")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


def suite(args: argparse.Namespace) -> None:
    """One database's part of ``test``: pytest, then (unless --quick) the API fuzzing."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    label = "SQLite"
    # Each database gets the administrator, who reaches every operation; the other roles
    # are shared out so that the two suites, side by side, take about as long. PostgreSQL
    # is stricter (NUL bytes, integer ranges), so it gets the agent, who writes the most.
    roles: tuple[str, ...] = ("admin", "customer", "division")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        label = f"PostgreSQL ({args.database_url})"
        roles = ("admin", "agent")
    say(f"pytest on {label}")
    junit = [f"--junitxml={args.junitxml}"] if args.junitxml else []
    code = run(
        BIN / "pytest", "-q", "-p", "no:cacheprovider", *args.pytest_args, *junit, env=env,
        check=False,
    )  # fmt: skip
    if code == NO_TESTS:
        say(f"pytest collected no tests on {label}: check the selection")
    if code != 0:
        sys.exit(code)
    if not args.quick:
        schemathesis(env, label.split(" ")[0], roles)


def run_suites(suites: list[list[str]], serial: bool) -> int:
    """``dev.py suite`` once per database; the first failing exit code, or 0. Side by side
    unless ``serial``: a test run is mostly one Python process waiting on its database, so
    two of them share two cores well. Each one's output is shown when it ends."""
    commands = [[str(PYTHON), str(ROOT / "dev.py"), "suite", *suite_args] for suite_args in suites]
    if serial or len(commands) == 1:
        failed = 0
        for command in commands:
            code = run(*command, check=False)
            failed = failed or code
        return failed
    logs = Path(tempfile.mkdtemp(prefix="aduan-suites-"))
    running: list[tuple[subprocess.Popen[bytes], Path]] = []
    for n, command in enumerate(commands):
        log = logs / f"{n}.log"
        with log.open("wb") as out:
            running.append(
                (
                    subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT),
                    log,
                )
            )
    say(f"{len(commands)} suites side by side (SQLite, PostgreSQL); output follows as each ends")
    failed = 0
    for process, log in running:
        code = process.wait()
        sys.stdout.write(log.read_text(errors="replace"))
        say("that suite " + ("passed" if code == 0 else f"FAILED (exit {code})"))
        sys.stdout.flush()
        failed = failed or code
    return failed


def pytest_counts(junit: Path) -> tuple[int, int, int] | None:
    """``(passed, failed, skipped)`` from a pytest JUnit XML file, None without one (pytest
    never started, or was killed). A test that failed and also errored in its teardown is
    one test case, counted once as failed; an error while collecting counts as failed."""
    try:
        root = ElementTree.parse(junit).getroot()
    except (OSError, ElementTree.ParseError):
        return None
    passed = failed = skipped = 0
    for case in root.iter("testcase"):
        outcomes = {child.tag for child in case}
        if outcomes & {"failure", "error"}:
            failed += 1
        elif "skipped" in outcomes:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def summary(junits: list[Path]) -> tuple[str, bool]:
    """The closing line summing every database's pytest run, and whether it is complete
    (every run left its results and at least one test ran)."""
    counts = [pytest_counts(junit) for junit in junits]
    passed, failed, skipped = (sum(c[i] for c in counts if c is not None) for i in range(3))
    complete = None not in counts and passed + failed + skipped > 0
    return f"Summary: {passed} passed, {failed} failed, {skipped} skipped", complete


def test(args: argparse.Namespace) -> None:
    ensure_venv(dev=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    pytest_args = list(args.pytest_args)
    if not args.quick:
        say("ruff (lint and format)")
        run(BIN / "ruff", "check", ".")
        run(BIN / "ruff", "format", "--check", ".")
        say("mypy (strict)")
        run(BIN / "mypy", "aduan", env={**env, "DEBUG": "true"})
        say("import layers (docs/architecture.md)")
        run(BIN / "lint-imports", "--no-cache")
        say("migrations are up to date")
        run(
            BIN / "aduan",
            "makemigrations",
            "--check",
            "--dry-run",
            env={**env, "DEBUG": "true", "ADUAN_DATA_DIR": tempfile.mkdtemp()},
        )
    pg_url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    require_pg = os.environ.get("CI", "").lower() == "true" or args.require_postgres
    ran_pg = postgres_reachable(pg_url)
    if not ran_pg and require_pg:
        sys.exit(f"PostgreSQL at {pg_url} is not reachable, and this run requires it.")
    results = Path(tempfile.mkdtemp(prefix="aduan-results-"))
    junits = [results / "sqlite.xml"]
    options = [*(["--quick"] if args.quick else []), "--", *pytest_args]
    suites = [["--junitxml", str(junits[0]), *options]]
    if ran_pg:
        junits.append(results / "postgresql.xml")
        suites.append(["--database-url", pg_url, "--junitxml", str(junits[1]), *options])
    else:
        say(f"PostgreSQL at {pg_url} not reachable: skipped the PostgreSQL run")
    failed = run_suites(suites, serial=args.serial)
    line, complete = summary(junits)
    shutil.rmtree(results, ignore_errors=True)
    if not complete:
        say("Some pytest run left no results, or no test ran: see above")
        failed = failed or 1
    if not failed:
        (ROOT / "data").mkdir(exist_ok=True)
        (ROOT / "data" / "last-test-run").write_text(
            f"sqlite=ok postgresql={'ok' if ran_pg else 'skipped'}\n"
        )
        say("All checks passed" + ("" if ran_pg else " (PostgreSQL run skipped)"))
    # The last line of the run (and of CI's log): how many tests ran, both databases
    # together, after the fuzzing's own output.
    print(line, flush=True)
    if failed:
        sys.exit(failed)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    p_start = commands.add_parser("start", help="set up, load demo data and serve")
    p_start.add_argument("--bind", default="127.0.0.1:8000")
    p_start.add_argument("--password", default="demo")
    p_start.set_defaults(func=start)
    p_test = commands.add_parser("test", help="run the whole test suite")
    p_test.add_argument("--quick", action="store_true", help="only pytest, no lint or fuzzing")
    p_test.add_argument("--require-postgres", action="store_true")
    p_test.add_argument(
        "--serial", action="store_true", help="run the SQLite and PostgreSQL suites one by one"
    )
    p_test.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    p_test.set_defaults(func=test)
    p_suite = commands.add_parser("suite", help="one database's tests (called by test)")
    p_suite.add_argument("--database-url", default="")
    p_suite.add_argument("--quick", action="store_true")
    p_suite.add_argument("--junitxml", default="", help="where pytest writes its results")
    p_suite.add_argument("pytest_args", nargs="*")
    p_suite.set_defaults(func=suite)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
