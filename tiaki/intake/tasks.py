"""Background work for intake, run by ``tiaki worker`` (schedule it daily, e.g. from cron
with ``tiaki purge_reports``, or enqueue ``purge_reports_task``)."""

from __future__ import annotations

from django.tasks import task

from tiaki.intake.services import reports_purge


@task()
def purge_reports_task() -> list[str]:
    """Delete closed reports past the retention period (TIAKI_REPORT_RETENTION_DAYS)."""
    return reports_purge()
