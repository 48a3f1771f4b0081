"""One index on a traveller's fingerprint instead of two (issue 16: every ingested record
updates each).

``unique=True`` on a CharField gave PostgreSQL a second, ``varchar_pattern_ops`` index for
``LIKE 'x%'``; no query makes one (the ingest and the single-record API look fingerprints up
by equality). The uniqueness that makes ingestion idempotent is kept, as a named constraint.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0005_watchlist_expiry'),
    ]

    operations = [
        migrations.AlterField(
            model_name='traveller',
            name='fingerprint',
            field=models.CharField(max_length=64),
        ),
        migrations.AddConstraint(
            model_name='traveller',
            constraint=models.UniqueConstraint(fields=('fingerprint',), name='screening_traveller_fingerprint_uniq'),
        ),
    ]
