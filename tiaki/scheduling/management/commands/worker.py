"""``tiaki worker``: django_tasks_db's database worker, which also runs the scheduled jobs.

Each loop first runs the jobs that are due (``tiaki.scheduling.services.run_due_jobs``),
then every queued task, then sleeps for ``--interval``; so an install needs no host cron.
All of ``db_worker``'s options apply.
"""

from __future__ import annotations

import time
from typing import Any

from django_tasks_db.management.commands import db_worker

from tiaki.scheduling.services import run_due_jobs, schedule_sync


class SchedulingWorker(db_worker.Worker):
    def run(self) -> None:
        batch = self.batch
        # The parent's loop in batch mode drains the queue and returns; this loop wraps it
        # with the scheduled jobs and the sleep, so both share one process and one interval.
        self.batch = True
        self.startup_delay = False
        while self.running:
            run_due_jobs()
            super().run()
            if batch or (self.max_tasks is not None and self._run_tasks >= self.max_tasks):
                return
            if self.running:
                time.sleep(self.interval)


class Command(db_worker.Command):
    help = "Run queued tasks and the scheduled jobs (see Administration → Scheduled jobs)."

    def handle(self, *args: Any, **options: Any) -> None:
        schedule_sync()
        # db_worker builds its Worker by module name; point that name at ours for this run.
        original = db_worker.Worker
        db_worker.Worker = SchedulingWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
