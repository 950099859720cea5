"""The fingerprint of every message stored before it existed, computed from its raw bytes the
way ``fingerprint.identify`` does for new mail, so that a later delivery of the same message
is still recognised as a duplicate (not the cheaper SHA-256 of the raw bytes, which would miss
a repeated delivery with other Received headers). Reads the messages in batches of at most
500 rows and 32 MB."""

from typing import Any

from django.db import migrations

ROWS = 500
BYTES = 32 * 1024 * 1024


def _batches(sizes: list[tuple[int, int]]) -> list[list[int]]:
    batches: list[list[int]] = [[]]
    total = 0
    for pk, size in sizes:
        if batches[-1] and (len(batches[-1]) >= ROWS or total + size > BYTES):
            batches.append([])
            total = 0
        batches[-1].append(pk)
        total += size
    return [batch for batch in batches if batch]


def fill(apps: Any, schema_editor: Any) -> None:
    from aduan.channels.email.fingerprint import NO_MESSAGE_ID, fingerprint

    InboundMessage = apps.get_model("mail", "InboundMessage")
    rows = InboundMessage.objects.using(schema_editor.connection.alias)
    sizes = list(rows.filter(fingerprint="").order_by("pk").values_list("pk", "size"))
    table = schema_editor.quote_name(InboundMessage._meta.db_table)
    for batch in _batches(sizes):
        values = []
        for row in rows.filter(pk__in=batch).only("pk", "message_id", "raw", "size", "status"):
            # Message-IDs made up for mail without one were <sha256 of the bytes@...>.
            header_id = "" if row.message_id.endswith(NO_MESSAGE_ID) else row.message_id
            # A refused message kept only its headers (as inbound.refuse_oversized notes).
            note = f"too big: {row.size}" if row.status == "refused" else ""
            values.append((fingerprint(bytes(row.raw), header_id, note=note), row.pk))
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET fingerprint = %s WHERE id = %s", values)


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0002_inbound_fingerprint"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
