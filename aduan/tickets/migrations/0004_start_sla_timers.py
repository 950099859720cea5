"""Tickets recorded before service levels existed get a timer: the sweep looks at each open
one at its first-response due time (if still unanswered) or its resolution due time."""

from django.db import migrations
from django.db.models import Case, F, When

OPEN = ["new", "open", "in_progress", "forwarded", "pending"]


def start(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Ticket.objects.filter(status__in=OPEN, sla_next_check_at__isnull=True).update(
        sla_next_check_at=Case(
            When(
                first_response_at__isnull=True,
                first_response_due_at__isnull=False,
                first_response_due_at__lt=F("due_at"),
                then=F("first_response_due_at"),
            ),
            default=F("due_at"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_service_levels")]

    operations = [migrations.RunPython(start, migrations.RunPython.noop)]
