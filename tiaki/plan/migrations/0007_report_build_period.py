from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plan", "0006_statistics_releases")]

    operations = [
        migrations.AlterField(
            model_name="reportbuild", name="year",
            field=models.PositiveIntegerField(blank=True, null=True)),
        migrations.AddField(
            model_name="reportbuild", name="start",
            field=models.DateField(blank=True, null=True)),
        migrations.AddField(
            model_name="reportbuild", name="end",
            field=models.DateField(blank=True, null=True, help_text="exclusive")),
    ]
