"""The ``aduan`` command: Django's management commands with Aduan's settings.

``aduan migrate``, ``aduan demo``, ``aduan serve``, ``aduan seed``, ``aduan createsuperuser``...
"""

from __future__ import annotations

import os
import sys

# Commands spelled as mail servers' alias files and cron lines have them.
ALIASES = {"ingest-email": "ingest_email", "mail-worker": "mail_worker"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.config.settings")
    from django.core.management import execute_from_command_line

    args = list(argv if argv is not None else sys.argv[1:])
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["aduan", *args])


if __name__ == "__main__":
    main()
