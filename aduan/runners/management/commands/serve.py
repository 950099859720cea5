"""``aduan serve``: run Aduan with gunicorn (the production server), or Django's
auto-reloading development server with ``--reload``."""

from __future__ import annotations

import atexit
import multiprocessing
import os
import subprocess
import sys
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

# Requests each worker serves at once. The work is CPU-bound Python (one thread at a time per
# process); a few threads are enough to fill the waits for the database.
THREADS = 4
KEEPALIVE_SECONDS = 5


class Command(BaseCommand):
    help = "Serve Aduan over HTTP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port to listen on")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, multiprocessing.cpu_count()),
            help="worker processes",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=THREADS,
            help="threads per worker: requests each worker serves at once (default %(default)s)",
        )
        parser.add_argument(
            "--keepalive",
            type=int,
            default=KEEPALIVE_SECONDS,
            help="seconds an idle client connection stays open (0: close after each response)",
        )
        parser.add_argument("--reload", action="store_true", help="development server")
        parser.add_argument("--no-migrate", action="store_true", help="skip migrations")
        parser.add_argument("--quiet", action="store_true", help="no access log")
        parser.add_argument(
            "--no-sweeper",
            action="store_true",
            help="do not run the periodic sweeps here (embedded mode only; see docs/sla.md)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        # The autoreloader runs this command again in a child (RUN_MAIN): one sweeper only.
        if (
            settings.ADUAN_EMBEDDED_TASKS
            and not options["no_sweeper"]
            and os.environ.get("RUN_MAIN") != "true"
        ):
            _start_sweeper()
        if options["reload"]:
            call_command("runserver", options["bind"])
            return
        from gunicorn.app.base import BaseApplication

        from aduan.config.wsgi import application

        bind: str = options["bind"]
        workers: int = options["workers"]
        threads: int = max(1, options["threads"])
        keepalive: int = max(0, options["keepalive"])
        access_log = None if options["quiet"] else "-"

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                self.cfg.set("bind", bind)
                self.cfg.set("workers", workers)
                # gthread: each worker keeps its clients' connections open between requests
                # and serves up to ``threads`` requests at once, so a request's waits for
                # PostgreSQL (and for the WAL flush at commit) overlap with another's work.
                # gunicorn's sync worker closes the connection after every response and
                # waits for the client to close its end first (docs/performance.md).
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("threads", threads)
                self.cfg.set("keepalive", keepalive)
                self.cfg.set("accesslog", access_log)
                self.cfg.set("timeout", 60)

            def load(self) -> Any:
                return application

        # The workers are forked from this process: none may inherit the connection that
        # ``migrate`` opened here (each opens its own, one per thread).
        connections.close_all()
        self.stdout.write(f"Aduan at http://{bind}/ (API: http://{bind}/api/v1/docs)")
        Server().run()


def _start_sweeper() -> None:
    """Embedded mode: the periodic sweeps run in a child process (``aduan sweep --loop``),
    restarted if it dies and stopped when the server stops. A process of its own rather than a
    thread here, because gunicorn forks its workers from this process."""
    command = [sys.executable, "-m", "aduan.cli", "sweep", "--loop", "--exit-with-parent"]
    state: dict[str, subprocess.Popen[bytes] | None] = {"child": None}
    stopping = threading.Event()

    def supervise() -> None:
        while not stopping.is_set():
            child = subprocess.Popen(command)  # noqa: S603
            state["child"] = child
            child.wait()
            stopping.wait(5)

    def stop() -> None:
        stopping.set()
        child = state["child"]
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    atexit.register(stop)
    threading.Thread(target=supervise, name="aduan-sweeper", daemon=True).start()
