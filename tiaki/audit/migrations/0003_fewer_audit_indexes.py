"""Six indexes on the audit trail instead of ten (issue 16: every audited call updates each).

Dropped: ``object_type``'s own index (the ``(object_type, object_id)`` index serves it) and the
three ``varchar_pattern_ops`` copies PostgreSQL gets for ``db_index`` CharFields, used only by
``LIKE 'x%'``, which no query of the trail makes. ``action`` and ``object_id`` keep one plain
index each; ``at``, ``actor_id`` and the primary key are unchanged.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_keyed_sealed_trail'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('create', 'Create'), ('update', 'Update'), ('delete', 'Delete'), ('read', 'Read'), ('login', 'Log in'), ('login_failed', 'Failed log-in'), ('logout', 'Log out'), ('export', 'Export'), ('purge', 'Purge'), ('refused', 'Refused')], max_length=20),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='object_id',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='object_type',
            field=models.CharField(max_length=100),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['action'], name='audit_event_action_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['object_id'], name='audit_event_object_id_idx'),
        ),
    ]
