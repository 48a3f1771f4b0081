"""Scheduled jobs: due times in the install's zone, one run per claim, the worker runs them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import MakeUser, login
from tests.core.test_worker import database_tasks  # noqa: F401 - fixture re-used
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.core.policy import Refused
from tiaki.scheduling import services
from tiaki.scheduling.models import ScheduledJob
from tiaki.scheduling.registry import JOBS

NZ = ZoneInfo("Pacific/Auckland")
# A fixed instant: 2026-03-10 09:00 in Auckland (NZDT, UTC+13).
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=NZ).astimezone(dt.UTC)

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


def counting_job() -> int:
    CALLS.append("ran")
    return len(CALLS)


def failing_job() -> None:
    raise RuntimeError("the mail server is down")


def _job(name: str, path: str, **schedule: Any) -> ScheduledJob:
    return ScheduledJob.objects.create(name=name, task_path=path, next_run=NOW, **schedule)


def test_daily_times_are_local_and_cross_dst() -> None:
    daily = dt.time(2, 30)
    assert services.next_run_after(every_minutes=None, daily_at=daily, after=NOW) == \
        dt.datetime(2026, 3, 11, 2, 30, tzinfo=NZ).astimezone(dt.UTC)
    before = dt.datetime(2026, 3, 10, 1, 0, tzinfo=NZ).astimezone(dt.UTC)
    assert services.next_run_after(every_minutes=None, daily_at=daily, after=before) == \
        dt.datetime(2026, 3, 10, 2, 30, tzinfo=NZ).astimezone(dt.UTC)
    # NZ daylight time ends on 2026-04-05: the local 02:30 stays 02:30 (UTC shifts an hour).
    sat = dt.datetime(2026, 4, 4, 12, 0, tzinfo=NZ).astimezone(dt.UTC)
    sun = services.next_run_after(every_minutes=None, daily_at=dt.time(7, 30), after=sat)
    mon = services.next_run_after(every_minutes=None, daily_at=dt.time(7, 30), after=sun)
    assert sun.astimezone(NZ).time() == mon.astimezone(NZ).time() == dt.time(7, 30)
    assert mon - sun == dt.timedelta(hours=24)
    assert services.next_run_after(every_minutes=15, daily_at=None, after=NOW) == \
        NOW + dt.timedelta(minutes=15)


def test_registered_jobs_exist_after_migrate() -> None:
    names = set(ScheduledJob.objects.values_list("name", flat=True))
    assert {"retention_run", "remind_overdue_referrals", "send_plan_reminders",
            "remind_late_protocol_steps"} <= names == set(JOBS) | names
    assert services.schedule_sync(now=NOW) == []  # idempotent


def test_due_jobs_run_once_and_failures_are_recorded() -> None:
    CALLS.clear()
    ok = _job("count", f"{__name__}.counting_job", every_minutes=10)
    bad = _job("fail", f"{__name__}.failing_job", daily_at=dt.time(3, 0))
    later = _job("later", f"{__name__}.counting_job", every_minutes=10)
    ScheduledJob.objects.filter(pk=later.pk).update(next_run=NOW + dt.timedelta(minutes=5))
    ScheduledJob.objects.exclude(pk__in=[ok.pk, bad.pk, later.pk]).update(enabled=False)
    assert sorted(services.run_due_jobs(now=NOW)) == ["count", "fail"]
    assert CALLS == ["ran"]
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert ok.last_ok is True and ok.last_result == "1" and ok.last_run == NOW
    assert ok.next_run == NOW + dt.timedelta(minutes=10)
    assert bad.last_ok is False and "the mail server is down" in bad.last_result
    assert bad.next_run == dt.datetime(2026, 3, 11, 3, 0, tzinfo=NZ).astimezone(dt.UTC)
    # Nothing is due a minute later: nothing runs again.
    assert services.run_due_jobs(now=NOW + dt.timedelta(minutes=1)) == []


def test_a_job_claimed_by_one_worker_is_not_run_by_another() -> None:
    job = _job("count", f"{__name__}.counting_job", every_minutes=10)
    stale = ScheduledJob.objects.get(pk=job.pk)  # what a second worker read
    assert services._claim(job, NOW) is True
    assert services._claim(stale, NOW) is False


# The worker closes its connection when done: only a test outside a wrapping transaction
# survives that on PostgreSQL (as in tests/core/test_worker.py).
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_tasks")
def test_registered_job_runs_through_the_worker_without_cron(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`tiaki worker --batch` runs the due registered job (the real retention run task)."""
    ScheduledJob.objects.exclude(name="retention_run").update(enabled=False)
    ScheduledJob.objects.filter(name="retention_run").update(next_run=NOW)
    monkeypatch.setattr("tiaki.scheduling.services.timezone.now", lambda: NOW)
    call_command("worker", "--batch", "--no-startup-delay")
    job = ScheduledJob.objects.get(name="retention_run")
    assert job.last_run == NOW and job.last_ok is True, job.last_result
    assert job.next_run == dt.datetime(2026, 3, 11, 2, 30, tzinfo=NZ).astimezone(dt.UTC)


def test_jobs_page_run_now_and_disable(client: Client, make_user: MakeUser) -> None:
    platform = make_user("plat", "DIA", [Role.PLATFORM_ADMINISTRATOR])
    agency_admin = make_user("adm", "MBIE", [Role.ADMINISTRATOR])
    assert login(Client(), agency_admin).get("/administration/jobs/").status_code == 403
    page = login(client, platform)
    listing = page.get("/administration/jobs/")
    assert listing.status_code == 200 and "retention_run" in listing.content.decode()
    job = ScheduledJob.objects.get(name="retention_run")
    assert page.post(f"/administration/jobs/{job.pk}/",
                     {"action": "run", "reason": "Check after upgrade"}).status_code == 302
    job.refresh_from_db()
    assert job.next_run <= dt.datetime.now(dt.UTC)
    assert page.post(f"/administration/jobs/{job.pk}/",
                     {"action": "disable", "reason": "Legal hold"}).status_code == 302
    job.refresh_from_db()
    assert not job.enabled
    assert services.run_due_jobs(now=job.next_run + dt.timedelta(days=1)).count(
        "retention_run") == 0
    assert AuditEvent.objects.filter(object_type="scheduling.scheduledjob",
                                     reason="Legal hold").exists()
    with pytest.raises(Refused, match="disabled"):
        services.job_run_now(acting_user=platform, job=job, reason="x")
    with pytest.raises(Refused, match="platform administrator"):
        services.job_enable(acting_user=agency_admin, job=job, enabled=True, reason="x")
