"""Tables of the bulk import that are plumbing, not models (see gridmgmt.events.import_store/import_parallel).

``events_import_row`` is UNLOGGED: its rows live only inside the importing
transaction, so a crash that empties it loses nothing.
"""

from django.db import migrations

CREATE = """
CREATE UNLOGGED TABLE events_import_row (
    batch uuid NOT NULL, line integer NOT NULL, small_class_id bigint NOT NULL, lng float8 NOT NULL,
    lat float8 NOT NULL, description text, address text, ticket text NOT NULL, attributes jsonb NOT NULL);
CREATE INDEX events_import_row_batch_line ON events_import_row (batch, line);
CREATE TABLE events_import_decision (batch text PRIMARY KEY, decided_at timestamptz NOT NULL DEFAULT now());
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0002_intake_indexes")]

    operations = [
        migrations.RunSQL(CREATE, "DROP TABLE events_import_row; DROP TABLE events_import_decision;"),
    ]
