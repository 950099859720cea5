"""Full-text search over subject and description on PostgreSQL.

The expression must stay identical to the one in tickets/selectors.py (_text_filter) for the
planner to use the index. Other databases search with LIKE.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE INDEX IF NOT EXISTS ticket_search_idx ON tickets_ticket USING gin (
    to_tsvector('simple'::regconfig, COALESCE(subject, '') || ' ' || COALESCE(description, ''))
)
"""


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_search_idx")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
