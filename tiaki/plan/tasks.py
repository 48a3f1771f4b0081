"""Background work for the Plan, run by ``tiaki worker``."""

from __future__ import annotations

from django.tasks import task

from tiaki.plan.report_publish import report_build_run


@task()
def build_annual_report(*, build_id: int) -> int:
    """Build one annual report (progress is kept on the build for its page)."""
    return report_build_run(build_id=build_id).pk


@task()
def send_plan_reminders() -> int:
    """Remind agencies of due and overdue Plan items and working-group actions. The
    scheduler runs it daily; an agency is reminded at most once a day."""
    from tiaki.plan.working_group_services import reminders_send

    return reminders_send()
