"""The periodic jobs each app registers (name, task, schedule).

An app adds its job here or calls ``register`` from its ``AppConfig.ready``; the first
``tiaki migrate`` (and every later one) creates the missing rows with these schedules.
Administrators may then disable a job or run it now; a schedule changed in the database is
kept, not reset by the registry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class JobSpec:
    name: str  # an identifier, the same in every language
    task_path: str
    description: str
    every_minutes: int | None = None
    daily_at: dt.time | None = None


JOBS: dict[str, JobSpec] = {}

# Descriptions are stored in English (the job's row) and marked for the catalogue here, so the
# administrators' page shows them in the reader's language (ScheduledJob.shown_description).


def register(spec: JobSpec) -> JobSpec:
    if (spec.every_minutes is None) == (spec.daily_at is None):
        raise ValueError(f"job {spec.name}: give every_minutes or daily_at, not both")
    JOBS[spec.name] = spec
    return spec


# The retention schedule (data/legal/nz/retention.yaml) includes the public reports' purge
# that used to be a job of its own ("purge_reports"; ``tiaki purge_reports`` still runs it).
register(JobSpec("retention_run", "tiaki.retention.tasks.retention_run_task",
                 gettext_noop("Disposes of records past their retention period under the "
                              "disposal schedule (public reports, cases, investigations, "
                              "intelligence, screenings, travellers); records under a legal "
                              "hold are kept."),
                 daily_at=dt.time(2, 30)))
register(JobSpec("remind_overdue_referrals", "tiaki.cases.tasks.remind_overdue_referrals",
                 gettext_noop("Reminds services of referrals they have not answered in time."),
                 daily_at=dt.time(7, 30)))
register(JobSpec("send_plan_reminders", "tiaki.plan.tasks.send_plan_reminders",
                 gettext_noop("Reminds agencies of due and overdue Plan items and working-group "
                              "actions."),
                 daily_at=dt.time(7, 45)))
register(JobSpec("remind_late_protocol_steps",
                 "tiaki.investigations.tasks.remind_late_protocol_steps",
                 gettext_noop("Reminds investigation teams of coordination-protocol steps past "
                              "due."),
                 every_minutes=60))
register(JobSpec("remind_overdue_privacy_requests",
                 "tiaki.privacy.tasks.remind_overdue_privacy_requests",
                 gettext_noop("Reminds privacy officers of access and correction requests past "
                              "their deadline."),
                 daily_at=dt.time(7, 35)))
# Intelligence nominations lapse (seed 003: stale intelligence must not keep stopping
# travellers); screening already ignores a lapsed entry, this takes it off the list.
register(JobSpec("expire_watchlist_entries", "tiaki.screening.tasks.expire_watchlist_entries",
                 gettext_noop("Takes watchlist entries past their expiry date off the "
                              "watchlists (intelligence nominations lapse); one audit row per "
                              "run with the counts."),
                 daily_at=dt.time(0, 15)))
register(JobSpec("purge_idempotency_keys", "tiaki.core.idempotency.idempotency_purge",
                 gettext_noop("Forgets API idempotency keys older than a day."),
                 daily_at=dt.time(2, 45)))
