from django.conf import settings
from django.db import migrations, models


def number_existing_cases(apps, schema_editor):
    # As CASE_NUMBER_SQL in cases/models.py at the time of writing (a migration keeps its own copy).
    schema_editor.execute(
        "UPDATE cases_case SET number = to_char(received_at AT TIME ZONE %s, 'YYYY') || '-' || "
        "CASE WHEN id < 1000000 THEN lpad(id::text, 6, '0') ELSE id::text END WHERE number IS NULL",
        [settings.TIME_ZONE])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_case_source_keyed_by_report'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='number',
            field=models.CharField(blank=True, help_text='The case number people see and search (year of receipt, local time, + sequence), e.g. 2026-000123; set once when the case is made, never changed', max_length=20, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='case',
            name='self_handled',
            field=models.BooleanField(db_default=False, default=False, help_text='即报即处: fixed on the spot by the reporting grid worker and closed at once'),
        ),
        migrations.RunPython(number_existing_cases, migrations.RunPython.noop),
    ]
