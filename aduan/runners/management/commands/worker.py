"""``aduan worker``: a Celery worker for background work (needs CELERY_BROKER_URL).

``aduan worker --beat`` also schedules the periodic sweeps: run that on exactly one machine
(or ``aduan beat`` once), and plain ``aduan worker`` on as many as you like.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run a Celery worker (background work) against CELERY_BROKER_URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--beat", action="store_true", help="also run the scheduler")
        parser.add_argument("--concurrency", type=int, default=None, help="worker processes")
        parser.add_argument("--hostname", default=None, help="node name, e.g. w1@%%h")
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument("--pool", default=None, help="prefork (default), solo, threads")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.ADUAN_EMBEDDED_TASKS:
            raise CommandError(
                "CELERY_BROKER_URL is not set: Aduan runs background work embedded in "
                "'aduan serve'. Set it (e.g. redis://127.0.0.1:6379/0) to use workers."
            )
        from aduan.config.celery import app

        argv = ["worker", f"--loglevel={options['loglevel']}"]
        if options["beat"]:
            argv += ["--beat", f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}"]
        if options["concurrency"]:
            argv.append(f"--concurrency={options['concurrency']}")
        if options["hostname"]:
            argv.append(f"--hostname={options['hostname']}")
        if options["pool"]:
            argv.append(f"--pool={options['pool']}")
        app.worker_main(argv)
