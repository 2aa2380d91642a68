"""Default patrol rules (editable data, PatrolRule in the admin).

none: Guangzhou's published rule for a river without warning — at least once
every 10 days, each patrol ≥ 10 minutes and ≥ 1 km (its source: 0004).
yellow/orange/red: the rule only says a warning raises the frequency; every
5, 3 and 1 days are local settings, not from a standard, until the district
sets its own.
"""

from django.db import migrations

DEFAULTS = [("none", 10), ("yellow", 5), ("orange", 3), ("red", 1)]


def add_rules(apps, schema_editor):
    PatrolRule = apps.get_model("water", "PatrolRule")
    for level, every_days in DEFAULTS:
        PatrolRule.objects.get_or_create(warning_level=level,
                                         defaults={"every_days": every_days, "min_minutes": 10, "min_km": 1.0})


class Migration(migrations.Migration):
    dependencies = [("water", "0002_river_chiefs_patrols")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
