import django.contrib.postgres.indexes
from django.db import migrations

import gridmgmt.text_bigrams


class Migration(migrations.Migration):
    """Bigrams of UPPER(description): the console's search finds 2-character words (垃圾, 路灯) by index."""

    dependencies = [
        ('cases', '0007_search_indexes'),
        ('events', '0007_bigram_search_indexes'),  # creates the function gridmgmt_bigrams
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=django.contrib.postgres.indexes.GinIndex(gridmgmt.text_bigrams.Bigrams('description'), name='case_description_bigrams'),
        ),
    ]
