"""A message is unique by its fingerprint, no longer by its Message-ID (which different
messages may share); the Message-ID keeps an index for threading."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0003_fill_fingerprints"),
    ]

    operations = [
        migrations.AlterField(
            model_name="inboundmessage",
            name="message_id",
            field=models.CharField(max_length=255, verbose_name="Message-ID"),
        ),
        migrations.AddIndex(
            model_name="inboundmessage",
            index=models.Index(fields=["message_id"], name="mail_inbound_msgid_idx"),
        ),
        migrations.AddConstraint(
            model_name="inboundmessage",
            constraint=models.UniqueConstraint(
                fields=("fingerprint",), name="mail_inbound_fingerprint_unique"
            ),
        ),
    ]
