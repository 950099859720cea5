"""The ``aduan`` command: Django's management commands with Aduan's settings.

``aduan migrate``, ``aduan demo``, ``aduan serve``, ``aduan seed``, ``aduan createsuperuser``...
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["aduan", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
