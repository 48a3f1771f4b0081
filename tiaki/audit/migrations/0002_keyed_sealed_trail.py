"""The audit trail becomes keyed rows sealed by a separate sealer (decision 0002).

Rows written before this migration are given their MAC under the installation's audit key and
sealed in id order, so the trail verifies as one chain from the first row.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def key_existing_rows(apps, schema_editor):
    from tiaki.audit.sealing import audit_seal
    from tiaki.audit.services import MAC_FIELDS, row_mac

    event_model = apps.get_model("audit", "AuditEvent")
    # The old head held an unkeyed hash; the new chain starts from the genesis value.
    apps.get_model("audit", "ChainHead").objects.all().delete()
    for row in event_model.objects.order_by("id").iterator(chunk_size=2000):
        mac = row_mac(*(getattr(row, name) for name in MAC_FIELDS))
        event_model.objects.filter(pk=row.pk).update(mac=mac)
    if event_model.objects.exists():
        audit_seal(sweep=True)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="auditevent", name="prev_hash"),
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.AddField(model_name="auditevent", name="mac",
                            field=models.CharField(default="", max_length=64),
                            preserve_default=False),
        migrations.AddField(model_name="chainhead", name="last_seq",
                            field=models.BigIntegerField(default=0)),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("seq", models.BigIntegerField(primary_key=True, serialize=False)),
                ("chain", models.CharField(max_length=64)),
                ("sealed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("event", models.OneToOneField(db_constraint=False, null=True,
                                               on_delete=django.db.models.deletion.DO_NOTHING,
                                               related_name="seal", to="audit.auditevent")),
            ],
            options={"ordering": ["seq"]},
        ),
        migrations.RunPython(key_existing_rows, migrations.RunPython.noop),
    ]
