"""Computing when jobs are due, running them in the worker, and administering them.

Time is always passed in (``now``), so tests never depend on the wall clock. Two workers
cannot run one job twice: a worker claims a due job with a conditional update on its
``next_run`` (compare-and-set), which only one of them can win, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused
from tiaki.scheduling.models import ScheduledJob
from tiaki.scheduling.registry import JOBS

logger = logging.getLogger(__name__)


def next_run_after(*, every_minutes: int | None, daily_at: dt.time | None,
                   after: dt.datetime) -> dt.datetime:
    """The first run strictly after ``after``: every N minutes from it, or the next local
    ``daily_at`` in the install's time zone (a DST gap moves the run, it never skips a day)."""
    if every_minutes is not None:
        return after + dt.timedelta(minutes=every_minutes)
    assert daily_at is not None
    zone = ZoneInfo(settings.TIME_ZONE)
    local = after.astimezone(zone)
    candidate = dt.datetime.combine(local.date(), daily_at, tzinfo=zone)
    if candidate <= local:
        candidate = dt.datetime.combine(local.date() + dt.timedelta(days=1), daily_at,
                                        tzinfo=zone)
    return candidate.astimezone(dt.UTC)


def _next(job: ScheduledJob, after: dt.datetime) -> dt.datetime:
    return next_run_after(every_minutes=job.every_minutes, daily_at=job.daily_at, after=after)


def schedule_sync(*, now: dt.datetime | None = None, using: str = "default") -> list[str]:
    """Create the registered jobs that have no row yet; returns their names."""
    now = now or timezone.now()
    existing = set(ScheduledJob.objects.using(using).values_list("name", flat=True))
    made = []
    for spec in JOBS.values():
        if spec.name in existing:
            continue
        ScheduledJob.objects.using(using).create(
            name=spec.name, task_path=spec.task_path, description=spec.description,
            every_minutes=spec.every_minutes, daily_at=spec.daily_at,
            next_run=next_run_after(every_minutes=spec.every_minutes, daily_at=spec.daily_at,
                                    after=now))
        made.append(spec.name)
    return made


def _claim(job: ScheduledJob, now: dt.datetime) -> bool:
    """Take a due job for this worker: only one worker's conditional update matches."""
    won = ScheduledJob.objects.filter(pk=job.pk, enabled=True, next_run=job.next_run).update(
        next_run=_next(job, now), last_run=now)
    return won == 1


def run_due_jobs(*, now: dt.datetime | None = None) -> list[str]:
    """Run every enabled job whose time has come (called by ``tiaki worker`` each loop).

    A job that fails records the error and is tried again at its next time; one failing job
    does not stop the others. A job missed while no worker ran is run once, not once per
    missed slot. Returns the names of the jobs this call ran."""
    now = now or timezone.now()
    ran = []
    for job in ScheduledJob.objects.filter(enabled=True, next_run__lte=now):
        if not _claim(job, now):
            continue
        ran.append(job.name)
        ok, result = _run(job)
        ScheduledJob.objects.filter(pk=job.pk).update(
            last_ok=ok, last_result=result[:2000], last_finished=timezone.now())
    return ran


def _run(job: ScheduledJob) -> tuple[bool, str]:
    try:
        target = import_string(job.task_path)
        value = target.call() if isinstance(target, Task) else target()
    except Exception:  # a job's failure is recorded on the job, the worker carries on
        logger.exception("scheduled job %s failed", job.name)
        return False, traceback.format_exc(limit=5)
    return True, _describe(value)


def _describe(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        return f"{len(value)} item(s)"
    return "" if value is None else str(value)


def _admin(acting_user: Any) -> None:
    from tiaki.administration.policies import is_platform_admin

    if not is_platform_admin(acting_user):
        raise Refused(_("Only a platform administrator manages scheduled jobs."))


def job_enable(*, acting_user: Any, job: ScheduledJob, enabled: bool, reason: str,
               now: dt.datetime | None = None) -> ScheduledJob:
    """Turn a job on or off. Turned back on, it next runs at its next time from now (the
    runs missed while it was off are not made up)."""
    _admin(acting_user)
    if not reason.strip():
        raise Refused(_("Say why (the reason is kept in the audit trail)."))
    if job.enabled == enabled:
        return job
    now = now or timezone.now()
    with transaction.atomic():
        job.enabled = enabled
        fields = ["enabled"]
        if enabled:
            job.next_run = _next(job, now)
            fields.append("next_run")
        job.save(update_fields=fields)
        audit_record(actor=acting_user, action=Action.UPDATE, obj=job,
                     summary=f"Scheduled job {job.name} {'enabled' if enabled else 'disabled'}",
                     changes={"enabled": enabled}, reason=reason.strip())
    return job


def job_run_now(*, acting_user: Any, job: ScheduledJob, reason: str,
                now: dt.datetime | None = None) -> ScheduledJob:
    """Make the job due now: the worker runs it on its next loop (seconds), not the web
    process, so a long job never holds a page."""
    _admin(acting_user)
    if not reason.strip():
        raise Refused(_("Say why (the reason is kept in the audit trail)."))
    if not job.enabled:
        raise Refused(_("%(name)s is disabled; enable it first.") % {"name": job.name})
    now = now or timezone.now()
    with transaction.atomic():
        ScheduledJob.objects.filter(pk=job.pk).update(next_run=now)
        job.next_run = now
        audit_record(actor=acting_user, action=Action.UPDATE, obj=job,
                     summary=f"Scheduled job {job.name} asked to run now", reason=reason.strip())
    return job
