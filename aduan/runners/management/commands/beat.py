"""``aduan beat``: the Celery scheduler that queues the periodic sweeps. Run one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the Celery beat scheduler (periodic sweeps) against CELERY_BROKER_URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.ADUAN_EMBEDDED_TASKS:
            raise CommandError("CELERY_BROKER_URL is not set: 'aduan serve' runs the sweeps.")
        from aduan.config.celery import app

        app.start(
            [
                "beat",
                f"--loglevel={options['loglevel']}",
                f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
            ]
        )
