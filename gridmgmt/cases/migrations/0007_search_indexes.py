import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes of the console's case search: trigrams of UPPER(description) (what ``icontains`` compares)
    and the class, whose names the search also matches."""

    dependencies = [
        ('cases', '0006_notification_template'),
        ('geocoding', '0001_places_trigram'),  # creates the pg_trgm extension (gin_trgm_ops)
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('description'), name='gin_trgm_ops'), name='case_description_trgm'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['small_class'], name='case_small_class'),
        ),
    ]
