"""``aduan mail-worker``: keep the IMAP mailboxes drained (IDLE where the server offers it)
and work off the outboxes, for installations without a Celery worker, or beside one.

    aduan mail-worker            # until SIGTERM / Ctrl-C
    aduan mail-worker --once     # one round (cron, tests): poll, process, send
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from aduan.channels.email import imap
from aduan.runners.channels import send_due


class Command(BaseCommand):
    help = "Poll IMAP mailboxes and send queued mail and webhook replies."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One round, then exit.")
        parser.add_argument(
            "--interval", type=float, default=None, help="Seconds between rounds (default 60)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            for result in imap.poll_all():
                self.stdout.write(
                    f"{result.mailbox}: stored {result.stored}, duplicates {result.duplicates}, "
                    f"refused {result.refused}, left {result.not_stored}"
                    + (f", error: {result.error}" if result.error else "")
                )
            self.stdout.write(" ".join(f"{k}={v}" for k, v in send_due().items()))
            return
        from django.conf import settings

        interval = float(options["interval"] or settings.ADUAN_IMAP_POLL_SECONDS)
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        watchers = [
            threading.Thread(target=imap.watch, args=(config, stop, interval), daemon=True)
            for config in imap.configured()
        ]
        for watcher in watchers:
            watcher.start()
        self.stdout.write(f"Watching {len(watchers)} mailbox(es); Ctrl-C stops.")
        while not stop.is_set():
            close_old_connections()
            try:
                send_due()
            except Exception as exc:  # the next round tries again
                self.stderr.write(f"sweep failed: {exc}")
            stop.wait(interval)
        for watcher in watchers:
            watcher.join(timeout=interval + 5)
