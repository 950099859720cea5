"""``aduan ingest-email``: one RFC 822 message on standard input, for a mail server's pipe
alias (like RT's and osTicket's mail gateways)::

    # /etc/aliases (Postfix, Exim, Sendmail)
    helpdesk: "|/srv/aduan/.venv/bin/aduan ingest-email"

Exit status, as mail servers read it (sysexits.h):

- 0: stored (the ticket reference, if it made one, is printed);
- 75 EX_TEMPFAIL: not stored, the database is unavailable; the mail server keeps the
  message and tries again later;
- 69 EX_UNAVAILABLE: refused for good, too big; the first line of standard error is the
  bounce reason, starting with its enhanced status code (5.3.4);
- 65 EX_DATAERR: nothing on standard input.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from aduan.channels.email import inbound
from aduan.channels.email.models import Source

EX_DATAERR = getattr(os, "EX_DATAERR", 65)
EX_UNAVAILABLE = getattr(os, "EX_UNAVAILABLE", 69)
EX_TEMPFAIL = getattr(os, "EX_TEMPFAIL", 75)
_CHUNK = 1024 * 1024


class Command(BaseCommand):
    help = "Store one mail message read from standard input (for a mail server's pipe alias)."
    # Start fast and never touch the database before the message is read.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mailbox", default="", help="Label for the address it came to.")
        parser.add_argument("--sender", default="", help="Envelope sender (Postfix: ${sender}).")
        parser.add_argument(
            "--recipient", default="", help="Envelope recipient (Postfix: ${recipient})."
        )
        parser.add_argument(
            "--accept-auto-generated",
            action="store_true",
            help="Open tickets (never acknowledged) for mail marked "
            "'Auto-Submitted: auto-generated', such as monitoring alerts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = sys.stdin.buffer
        limit = settings.ADUAN_MAIL_MAX_BYTES
        raw = stdin.read(limit + 1)
        if len(raw) > limit:
            size = len(raw)
            # Read the rest, so the mail server sees our answer and not a broken pipe.
            while chunk := stdin.read(_CHUNK):
                size += len(chunk)
            self.stderr.write(str(inbound.TooBig(size)))
            sys.exit(EX_UNAVAILABLE)
        if not raw.strip():
            self.stderr.write("5.6.0 No message on standard input.")
            sys.exit(EX_DATAERR)
        try:
            result = inbound.ingest(
                raw,
                source=Source.PIPE,
                mailbox=options["mailbox"],
                envelope_from=options["sender"],
                envelope_to=options["recipient"],
                accept_auto_generated=options["accept_auto_generated"],
            )
        except Exception as exc:
            # Not stored: the database is down, full or locked. The mail server keeps the
            # message and delivers it again later.
            self.stderr.write(
                f"4.3.0 Aduan cannot store the message now, try again later "
                f"({type(exc).__name__}: {str(exc)[:200]})"
            )
            sys.exit(EX_TEMPFAIL)
        message = result.message
        if result.reference:
            self.stdout.write(result.reference)
        else:
            state = message.status + (f": {message.reason}" if message.reason else "")
            self.stdout.write(f"stored {message.message_id} ({state})")
