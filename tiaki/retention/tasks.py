"""The retention run as a background task (the scheduler runs it daily,
``tiaki.scheduling.registry``; by hand: ``tiaki retention run``)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from tiaki.retention.services import retention_run


@task()
def retention_run_task() -> str:
    report = retention_run(now=timezone.now(), dry_run=False)
    return f"{report.disposed} record(s) disposed of (run {report.run.pk if report.run else '-'})"
