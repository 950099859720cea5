"""The default business calendar (Monday to Friday 08:00-16:00, closed on Indonesian public
holidays and collective leave days) and the default escalation ladder. Administrators change
both in the administration or through the API."""

import datetime

from django.db import migrations

# (trigger, minutes after, action)
LADDER = [
    ("first_response_near", 0, "notify_assignee"),
    ("first_response_breached", 0, "notify_leader"),
    ("resolution_near", 0, "notify_assignee"),
    ("resolution_breached", 0, "notify_leader"),
    ("resolution_breached", 4 * 60, "escalate"),
    ("resolution_breached", 16 * 60, "escalate"),
    ("pending", 3 * 8 * 60, "notify_assignee"),
    ("pending", 5 * 8 * 60, "notify_leader"),
]


def create(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    WorkingPeriod = apps.get_model("sla", "WorkingPeriod")
    EscalationStep = apps.get_model("sla", "EscalationStep")
    if not BusinessCalendar.objects.exists():
        calendar = BusinessCalendar.objects.create(
            code="office",
            name="Jam kerja kantor",
            national_holidays=True,
            collective_leave=True,
            is_default=True,
        )
        WorkingPeriod.objects.bulk_create(
            WorkingPeriod(
                calendar=calendar,
                weekday=day,
                start=datetime.time(8, 0),
                end=datetime.time(16, 0),
            )
            for day in range(5)
        )
    if not EscalationStep.objects.filter(policy__isnull=True).exists():
        EscalationStep.objects.bulk_create(
            EscalationStep(trigger=trigger, offset_minutes=minutes, action=action)
            for trigger, minutes, action in LADDER
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
