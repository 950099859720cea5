"""``aduan serve``: run Aduan with gunicorn (the production server), or Django's
auto-reloading development server with ``--reload``."""

from __future__ import annotations

import multiprocessing
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


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
        parser.add_argument("--reload", action="store_true", help="development server")
        parser.add_argument("--no-migrate", action="store_true", help="skip migrations")
        parser.add_argument("--quiet", action="store_true", help="no access log")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if options["reload"]:
            call_command("runserver", options["bind"])
            return
        from gunicorn.app.base import BaseApplication

        from aduan.config.wsgi import application

        bind: str = options["bind"]
        workers: int = options["workers"]
        access_log = None if options["quiet"] else "-"

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                self.cfg.set("bind", bind)
                self.cfg.set("workers", workers)
                self.cfg.set("accesslog", access_log)
                self.cfg.set("timeout", 60)

            def load(self) -> Any:
                return application

        self.stdout.write(f"Aduan at http://{bind}/ (API: http://{bind}/api/v1/docs)")
        Server().run()
