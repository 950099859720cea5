"""``aduan hard_complaint_eval``: precision and recall of the hard-complaint phrase list on
the labelled sentences (docs/hard-complaints.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from aduan.care import evaluation, matching


class Command(BaseCommand):
    help = "Measure the hard-complaint phrase list on the labelled sentences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database",
            action="store_true",
            help="the active phrases in the database instead of the shipped list",
        )
        parser.add_argument("--mistakes", action="store_true", help="list every mistake")

    def handle(self, *args: Any, **options: Any) -> None:
        matcher = (
            matching.current_matcher() if options["database"] else evaluation.shipped_matcher()
        )
        rows = evaluation.load()
        for split in ("dev", "test", "challenge", "all"):
            chosen = [r for r in rows if split == "all" or r.split == split]
            scores = evaluation.evaluate(matcher, chosen)
            self.stdout.write(f"\n{split}: {scores.sentences} sentences")
            for line in evaluation.table(scores):
                self.stdout.write("  " + line)
            if options["mistakes"] and split != "all":
                for row, found in scores.mistakes:
                    self.stdout.write(
                        f"    labelled {sorted(row.labels) or '-'} found {sorted(found) or '-'}: "
                        f"{row.text}"
                    )
