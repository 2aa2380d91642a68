from django.db import migrations

import gridmgmt.text_bigrams


class Migration(migrations.Migration):
    """gridmgmt_bigrams as a PL/pgSQL loop, about 3 times faster than 0007's SQL body (the search re-checks it on
    every row the index finds). Same set of bigrams for every text, so the GIN indexes built on it stay valid."""

    dependencies = [
        ('events', '0007_bigram_search_indexes'),
    ]

    operations = [
        migrations.RunSQL(gridmgmt.text_bigrams.FUNCTION, migrations.RunSQL.noop),
    ]
