"""Background work for intake, run by ``tiaki worker`` (the scheduler runs the purge daily,
``tiaki.scheduling.registry``; by hand: ``tiaki purge_reports``)."""

from __future__ import annotations

from django.tasks import task

from tiaki.intake.services import reports_purge


@task()
def purge_reports_task() -> list[str]:
    """Delete closed reports past the retention period (TIAKI_REPORT_RETENTION_DAYS)."""
    return reports_purge()
