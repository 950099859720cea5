"""The link from a ticket opened because the customer wrote to a closed or cancelled one,
as a real foreign key (``Ticket.follows``) instead of only a reference in the creation
entry's JSON; and the support desk's hard-complaint entries get a kind of their own name,
``hard_complaint_action``, so "follow-up" means one thing.

Existing links are read back from the creation entries' ``data["follows"]``; the JSON stays.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

KINDS = [
    ("created", "Ticket created"),
    ("customer_message", "Message from the customer"),
    ("reply", "Reply to the customer"),
    ("note", "Internal note"),
    ("forwarded", "Forwarded to a division"),
    ("division_response", "Response from the division"),
    ("solution_report", "Solution report to the customer"),
    ("status_change", "Status changed"),
    ("escalation", "Escalated"),
    ("assignment", "Assignment or classification changed"),
    ("attachment", "Attachment added"),
    ("sla_breach", "Service-level target missed"),
    ("sla_alert", "Service-level alert"),
    ("hard_complaint", "Hard complaint"),
    ("hard_complaint_action", "Hard-complaint action by the support desk"),
    ("super_emergency", "Super emergency"),
    ("progress", "Progress update"),
    ("promise", "Promise to the customer"),
    ("callback", "Callback to the customer"),
    ("special_action", "Special action by the director"),
]


def link_existing(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    TicketEvent.objects.filter(kind="follow_up").update(kind="hard_complaint_action")
    created = TicketEvent.objects.filter(kind="created", data__has_key="follows").values_list(
        "ticket_id", "data"
    )
    for ticket_id, data in created.iterator():
        followed = Ticket.objects.filter(reference=data["follows"]).values_list("pk", flat=True)
        Ticket.objects.filter(pk=ticket_id).update(follows_id=followed.first())


def unlink(apps, schema_editor):
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    TicketEvent.objects.filter(kind="hard_complaint_action").update(kind="follow_up")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_drop_fk_indexes_covered_by_composites"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="follows",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="followed_by",
                to="tickets.ticket",
                verbose_name="follows",
            ),
        ),
        migrations.AlterField(
            model_name="ticketevent",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=24, verbose_name="kind"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=Q(follows__isnull=False), fields=["follows"], name="ticket_follows_idx"
            ),
        ),
        migrations.RunPython(link_existing, unlink, elidable=True),
    ]
