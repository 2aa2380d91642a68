"""The decision log of parallel imports (gridmgmt.events.import_parallel): plumbing, not a model.

A row says "commit every prepared part of this batch"; it lives from the
decision until the parts are committed.
"""

from django.db import migrations

CREATE = "CREATE TABLE events_import_decision (batch text PRIMARY KEY, decided_at timestamptz NOT NULL DEFAULT now());"


class Migration(migrations.Migration):
    dependencies = [("events", "0002_intake_indexes")]

    operations = [migrations.RunSQL(CREATE, "DROP TABLE events_import_decision;")]
