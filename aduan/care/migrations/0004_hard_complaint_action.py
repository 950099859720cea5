"""The support desk's work on a hard complaint is a "hard-complaint action" (so "follow-up"
means only a ticket that follows a closed one): its columns and labels say so. The status
value "following_up" stays, for the API's clients."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0003_group_secret_required"),
    ]

    operations = [
        migrations.RenameField(
            model_name="hardcomplaint", old_name="last_follow_up_at", new_name="last_action_at"
        ),
        migrations.RenameField(
            model_name="hardcomplaint", old_name="last_follow_up_by", new_name="last_action_by"
        ),
        migrations.AlterField(
            model_name="hardcomplaint",
            name="last_action_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="last hard-complaint action"
            ),
        ),
        migrations.AlterField(
            model_name="hardcomplaint",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "Waiting for the support desk"),
                    ("following_up", "Support desk acting on it"),
                    ("done", "Hard-complaint action done"),
                ],
                default="open",
                max_length=16,
                verbose_name="status",
            ),
        ),
    ]
