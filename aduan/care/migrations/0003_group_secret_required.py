"""Every post to an external group is signed: groups configured without a secret get one
(an administrator reads it in the administration and gives it to the receiver)."""

import secrets

from django.db import migrations, models

import aduan.channels.webhooks.signing


def give_every_group_a_secret(apps, schema_editor):
    ExternalGroup = apps.get_model("care", "ExternalGroup")
    for group in ExternalGroup.objects.filter(secret=""):
        group.secret = secrets.token_urlsafe(32)
        group.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0002_defaults"),
    ]

    operations = [
        migrations.RunPython(give_every_group_a_secret, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="externalgroup",
            name="secret",
            field=models.CharField(
                default=aduan.channels.webhooks.signing.new_secret,
                help_text=(
                    "Signs each post with a timestamp (X-Aduan-Signature, docs/webhooks.md); "
                    "the receiver checks it with this secret."
                ),
                max_length=200,
                verbose_name="signing secret",
            ),
        ),
    ]
