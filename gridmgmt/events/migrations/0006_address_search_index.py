import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations


class Migration(migrations.Migration):
    """Trigrams of UPPER(address) (what ``icontains`` compares): the console finds cases by their reports' address."""

    dependencies = [
        ('events', '0005_publication_and_key_areas'),
        ('geocoding', '0001_places_trigram'),  # creates the pg_trgm extension (gin_trgm_ops)
    ]

    operations = [
        migrations.AddIndex(
            model_name='event',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('address'), name='gin_trgm_ops'), name='event_address_trgm'),
        ),
    ]
