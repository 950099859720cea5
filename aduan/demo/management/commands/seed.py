"""``aduan seed``: bulk rows for benchmarks (see aduan/demo/bulk.py and docs/performance.md)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.demo import bulk


class Command(BaseCommand):
    help = (
        "Bulk-load the demo organisation with N tickets and M customers (totals: rows already "
        "there count). Uses COPY on PostgreSQL. For benchmarks, not for trying Aduan out: "
        "use 'aduan demo' for tickets with full timelines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, required=True, help="tickets wanted in total")
        parser.add_argument(
            "--customers", type=int, required=True, help="customers wanted in total"
        )
        parser.add_argument(
            "--batch", type=int, default=50_000, help="rows generated and written per step"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument("--password", default="demo", help="password of the demo logins")
        parser.add_argument(
            "--rebuild-indexes",
            choices=["auto", "yes", "no"],
            default="auto",
            help="PostgreSQL: drop secondary indexes during the load and rebuild them "
            "(auto: when adding 100,000 tickets or more to a smaller table)",
        )
        parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM ANALYZE")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["tickets"] < 0 or options["customers"] < 0:
            raise CommandError("--tickets and --customers must not be negative")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        started = time.monotonic()
        counts = bulk.seed(
            bulk.SeedOptions(
                tickets=options["tickets"],
                customers=options["customers"],
                batch=options["batch"],
                seed=options["seed"],
                password=options["password"],
                rebuild_indexes={"auto": None, "yes": True, "no": False}[
                    options["rebuild_indexes"]
                ],
                vacuum=not options["no_vacuum"],
            ),
            say=self.stdout.write,
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {counts.customers} customers, {counts.tickets} tickets, "
                f"{counts.events} timeline entries and {counts.forwardings} forwarding forms "
                f"in {elapsed:.1f} s."
            )
        )
