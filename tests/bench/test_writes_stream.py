"""The write benchmark's stream: files stored here, screened by a real worker alongside."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from bench.writes import bench_ingest_stream
from tests.core.test_worker import database_tasks  # noqa: F401  (a fixture)
from tests.crash import child_env
from tiaki.screening.models import Alert, IngestBatch, Traveller


# The worker is another process, so it sees only what this test commits.
@pytest.mark.django_db(transaction=True)
def test_every_streamed_file_is_stored_and_screened_by_the_worker(
    agencies: Any, database_tasks: Any  # noqa: F811
) -> None:
    env = {**child_env(), "TIAKI_TASK_BACKEND": "django_tasks_db.DatabaseBackend"}
    out = bench_ingest_stream(2, 40, worker_env=env)

    streamed = IngestBatch.objects.filter(file_name__startswith="stream-")
    assert streamed.count() == 2 and out["files"] == 2
    assert out["travellers"] == 80 == Traveller.objects.filter(batch__in=streamed).count()
    # Screened by the worker, not here: this process queued each screening in the database
    # (the warm-up file's too), and the worker ran them.
    assert all(b.status == IngestBatch.Status.DONE and b.screen_done == 40 for b in streamed)
    screenings = DBTaskResult.objects.filter(task_path="tiaki.screening.tasks.screen_batch")
    assert set(screenings.values_list("status", flat=True)) == {"SUCCESSFUL"}
    # (A worker that starts after a batch was queued also queues it again, as one whose
    # screener died; the second run finds it done.)
    assert {r["kwargs"]["batch_id"] for r in screenings.values_list("args_kwargs", flat=True)} \
        == set(IngestBatch.objects.values_list("pk", flat=True))
    assert out["alerts"] == Alert.objects.filter(batch__in=streamed).count()
    assert out["per_s"] > 0 and out["total_s"] >= out["store_s"] > 0
