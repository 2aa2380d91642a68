"""Patrol rules say where their values come from (PatrolRule.source).

The rule for bodies without warning is from《广州市河长湖长巡查河湖指导意见》
(2021); the yellow, orange and red defaults of 0003 have no source found and
stay marked as local settings (empty source) for the district to set.
"""

from django.db import migrations, models

GUANGZHOU_2021 = ("《广州市河长湖长巡查河湖指导意见》, 广州市河长制办公室, 2021 (广州日报 2021-07-06): "
                  "无预警河湖, 村居级河长每旬巡查不少于1天次, 每次不少于10分钟、1公里")


def cite_the_none_rule(apps, schema_editor):
    # Only the values 0003 installed: a rule the district has changed is its own setting.
    apps.get_model("water", "PatrolRule").objects.filter(
        warning_level="none", every_days=10, min_minutes=10, min_km=1.0).update(source=GUANGZHOU_2021)


class Migration(migrations.Migration):

    dependencies = [
        ('water', '0003_default_patrol_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='patrolrule',
            name='source',
            field=models.CharField(blank=True, help_text='the document the values come from; empty: a local setting, not from a standard, set by the district', max_length=300),
        ),
        migrations.RunPython(cite_the_none_rule, migrations.RunPython.noop),
    ]
