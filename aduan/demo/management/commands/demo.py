"""``aduan demo``: a realistic Indonesian organisation to try Aduan with."""

from __future__ import annotations

import random
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from aduan.accounts.models import User
from aduan.channels.email.models import OutboundMessage
from aduan.demo import data, setup
from aduan.tickets.models import Ticket


class Command(BaseCommand):
    help = "Load the demo organisation: teams, one login per role, customers and tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="demo", help="password of every demo login")
        parser.add_argument("--customers", type=int, default=200)
        parser.add_argument("--tickets", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        rng = random.Random(options["seed"])
        setup.create_structure()
        users = setup.create_people(options["password"])
        existing = Ticket.objects.count()
        if existing >= options["tickets"]:
            self.stdout.write(_("Demo data already present (%(n)d tickets).") % {"n": existing})
        else:
            customers = setup.create_customers(options["customers"], rng)
            self.stdout.write(_("Creating %(n)d tickets...") % {"n": options["tickets"] - existing})
            after = OutboundMessage.objects.order_by("-id").values_list("id", flat=True).first()
            # The demo's history answers made-up customers: nothing of it may be sent (with
            # SMTP configured it would go out), so the mail it queues is left to the sweep
            # and then dropped.
            with override_settings(ADUAN_DELIVERY="worker"):
                setup.create_tickets(
                    options["tickets"] - existing,
                    users,
                    customers,
                    rng,
                    progress=lambda n: self.stdout.write(f"  {n}", ending="\r"),
                )
            OutboundMessage.objects.filter(id__gt=after or 0).delete()
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(_("Demo logins (password: %(pw)s):") % {"pw": options["password"]})
        )
        for username, _first, _last, _role, _teams in data.PEOPLE:
            user = User.objects.get(username=username)
            self.stdout.write(f"  {username:<12} {user.get_role_display()}")
