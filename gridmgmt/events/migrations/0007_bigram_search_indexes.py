import django.contrib.postgres.indexes
from django.db import migrations

import gridmgmt.text_bigrams


class Migration(migrations.Migration):
    """The bigram function of 2-character search words (gridmgmt.text_bigrams; pg_bigm is not packaged for
    Debian's PostgreSQL 15) and the bigrams of UPPER(address): the console finds cases by their reports' address."""

    dependencies = [
        ('events', '0006_address_search_index'),
    ]

    operations = [
        migrations.RunSQL(gridmgmt.text_bigrams.FUNCTION, gridmgmt.text_bigrams.DROP_FUNCTION),
        migrations.AddIndex(
            model_name='event',
            index=django.contrib.postgres.indexes.GinIndex(gridmgmt.text_bigrams.Bigrams('address'), name='event_address_bigrams'),
        ),
    ]
