"""Inbound messages get a content fingerprint (filled in by 0003, made unique by 0004) and the
"accept auto-generated mail" option, on mailboxes and on each message as it was stored."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="inboundmessage",
            name="fingerprint",
            field=models.CharField(
                default="", max_length=64, verbose_name="content fingerprint"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="inboundmessage",
            name="accept_auto_generated",
            field=models.BooleanField(default=False, verbose_name="auto-generated mail accepted"),
        ),
        migrations.AddField(
            model_name="mailbox",
            name="accept_auto_generated",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Mail marked 'Auto-Submitted: auto-generated' (monitoring, alerts) opens "
                    "tickets instead of being ignored. Such mail is never acknowledged; "
                    "auto-replies are still ignored."
                ),
                verbose_name="accept auto-generated mail",
            ),
        ),
    ]
