# The network's edge indexes: (source, target, label, report) and (target, source, label,
# report) replace the single-column and (target, source) ones, so the graph reads a node's
# edges in neighbour order, with the report that decides visibility, from the index alone.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intelligence', '0004_watchlist_nomination'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='link',
            name='intelligenc_target_7f6c57_idx',
        ),
        migrations.AlterField(
            model_name='link',
            name='source',
            field=models.CharField(max_length=300),
        ),
        migrations.AlterField(
            model_name='link',
            name='target',
            field=models.CharField(max_length=300),
        ),
        migrations.AddIndex(
            model_name='link',
            index=models.Index(fields=['source', 'target', 'label', 'report'],
                               name='intel_link_out'),
        ),
        migrations.AddIndex(
            model_name='link',
            index=models.Index(fields=['target', 'source', 'label', 'report'],
                               name='intel_link_in'),
        ),
    ]
