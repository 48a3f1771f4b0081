"""Routing reasons in plain words: the rules file's path moves to the page's "about" line."""

from typing import Any

from django.db import migrations

SUFFIX = " (data/intake/routing.yaml)"


def forwards(apps: Any, schema_editor: Any) -> None:
    route = apps.get_model("intake", "ReportRoute")
    for reason in ("receives reports", "children involved"):
        route.objects.filter(reason=reason + SUFFIX).update(reason=reason)


def backwards(apps: Any, schema_editor: Any) -> None:
    route = apps.get_model("intake", "ReportRoute")
    for reason in ("receives reports", "children involved"):
        route.objects.filter(reason=reason).update(reason=reason + SUFFIX)


class Migration(migrations.Migration):
    dependencies = [("intake", "0004_attachment_encrypted")]
    operations = [migrations.RunPython(forwards, backwards)]
