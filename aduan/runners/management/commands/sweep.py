"""``aduan sweep``: the periodic background work once, or every N seconds with ``--loop``
(what ``aduan serve`` runs when no broker is configured; see docs/sla.md)."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from aduan.runners import periodic

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Record missed service-level targets, escalate, and retry webhooks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="repeat until stopped")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="seconds between passes (default: ADUAN_SWEEP_SECONDS)",
        )
        parser.add_argument(
            "--exit-with-parent",
            action="store_true",
            help="stop when the process that started this one is gone (aduan serve)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["interval"] or float(settings.ADUAN_SWEEP_SECONDS)
        if not options["loop"]:
            self._pass(verbose=True)
            return
        stop = threading.Event()
        parent = os.getppid() if options["exit_with_parent"] else None
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.is_set():
            if parent is not None and os.getppid() != parent:
                return
            started = time.monotonic()
            try:
                self._pass(verbose=False)
            except Exception:  # the loop outlives a bad pass; the next one retries
                logger.exception("periodic pass failed")
            stop.wait(max(0.0, interval - (time.monotonic() - started)))

    def _pass(self, *, verbose: bool) -> None:
        result = periodic.run_once()
        if verbose or result.tickets or result.promises or result.webhooks:
            self.stdout.write(
                f"sweep: {result.tickets} tickets, {result.breaches} breaches, "
                f"{result.alerts} alerts, {result.escalations} escalations, "
                f"{result.promises} overdue promises, {result.webhooks} webhooks"
            )
