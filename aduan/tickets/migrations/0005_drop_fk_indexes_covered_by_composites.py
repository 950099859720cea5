"""Drop the single-column indexes of three foreign keys that a composite index already starts
with: every index is one more write for each new ticket and timeline entry, and one more path
for the planner to weigh (docs/performance.md).

- tickets_ticket.customer_id: ticket_customer_status_idx (customer_id, status)
- tickets_ticket.team_id: ticket_team_status_id_idx (team_id, status, id)
- tickets_ticketevent.ticket_id: event_ticket_idx (ticket_id, id)

Only the indexes go. Django's own AlterField would also drop and re-add each foreign key,
which re-checks every row (seconds at a million tickets, with writes blocked); the model
state changes the same way.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    ("tickets_ticket_customer_id_f2d9135a", "tickets_ticket", "customer_id"),
    ("tickets_ticket_team_id_5a4e7469", "tickets_ticket", "team_id"),
    ("tickets_ticketevent_ticket_id_b572d14b", "tickets_ticketevent", "ticket_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("organisation", "0001_initial"),
        ("tickets", "0004_start_sla_timers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")',
                )
                for name, table, column in INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="customer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tickets",
                        to="customers.customer",
                        verbose_name="customer",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="team",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tickets",
                        to="organisation.team",
                        verbose_name="team",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticketevent",
                    name="ticket",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="tickets.ticket",
                    ),
                ),
            ],
        ),
    ]
