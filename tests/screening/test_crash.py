"""``kill -9`` mid-screening, of ``tiaki ingest`` and of the worker: the batch resumes where it
stopped, the rest is screened, and every alert is raised once (issue 15)."""

from __future__ import annotations

import random
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.crash import kill9, start, wait_for_line
from tiaki.audit.models import AuditEvent
from tiaki.screening import services
from tiaki.screening.models import Alert, IngestBatch, Traveller
from tiaki.screening.services import ingest

pytestmark = pytest.mark.django_db(transaction=True)

# Chunks smaller than production's, here and in the children, so that a file of a few
# seconds spans several of them; the crash points are chunk boundaries all the same.
SCREEN_CHUNK = 5000
TRAVELLERS = SCREEN_CHUNK * 3 + 500
SMALL_CHUNKS = f"""
from tiaki.screening.services import ingest
ingest.SCREEN_CHUNK = {SCREEN_CHUNK}
"""
SUSPECTS = [("Roe", "Richard", "1980-01-01", "GBR"), ("Lima", "Ana", "1990-02-03", "BRA"),
            ("Tavita", "Sione", "1975-07-30", "WSM"), ("Nguyen", "Thi Mai", "1988-11-11", "VNM"),
            ("Okafor", "Chidi", "1969-04-22", "NGA"), ("Petrov", "Ivan", "1983-09-09", "RUS")]


def _stop_on_second_call(name: str, label: str) -> str:
    """Code for the child: ``ingest.<name>`` prints ``label`` and sleeps on its second call,
    so the parent can kill the child at that point."""
    return SMALL_CHUNKS + f"""
real = ingest.{name}
calls = []
def slow(*args):
    calls.append(1)
    if len(calls) == 2:
        print("{label}", flush=True)
        time.sleep(600)
    return real(*args)
ingest.{name} = slow
"""


# After the first chunk is committed, the child stops inside the next chunk's transaction.
SLOW_SECOND_CHUNK = _stop_on_second_call("_create_alerts", "mid-screening")
# The child stops while storing the second chunk of travellers (the first is already written
# in the batch's transaction).
SLOW_SECOND_STORE = _stop_on_second_call("bulk_insert", "mid-store")


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "SCREEN_CHUNK", SCREEN_CHUNK)


def _files(tmp_path: Path, analyst: Any) -> Path:
    services.watchlist_import(
        actor=analyst, list_name="Suspects", reason="Named in an investigation",
        file_name="w.csv", data=("id,given_name,family_name,date_of_birth,nationality\n" + "".join(
            f"W{i},{g},{f},{d},{n}\n" for i, (f, g, d, n) in enumerate(SUSPECTS))).encode())
    rng = random.Random(15)
    rows = [f"Traveller{i:05d},Person{rng.randrange(10**6):06d},19{rng.randrange(50, 99)}-0"
            f"{rng.randrange(1, 9)}-1{rng.randrange(0, 9)},AUS,P{i:08d},AKL"
            for i in range(TRAVELLERS)]
    # The suspects travel in every chunk, the last ones after the crash point.
    for n, (f, g, d, nat) in enumerate(SUSPECTS):
        rows[(n * TRAVELLERS) // len(SUSPECTS) + 7] = f"{f},{g},{d},{nat},S{n:08d},AKL"
    path = tmp_path / "arrivals.csv"
    path.write_text("family_name,given_name,date_of_birth,nationality,passport_number,"
                    "arrival_port\n" + "\n".join(rows) + "\n")
    return path


def _assert_screened_once(batch: IngestBatch) -> None:
    batch.refresh_from_db()
    assert batch.status == IngestBatch.Status.DONE
    assert batch.screen_done == TRAVELLERS == Traveller.objects.count()
    hits = list(Alert.objects.filter(source=Alert.Source.WATCHLIST)
                .values_list("traveller__family_name", flat=True))
    assert sorted(hits) == sorted(f for f, *_ in SUSPECTS)  # each raised, and once
    assert batch.alert_count == Alert.objects.count()


def test_ingest_killed_mid_screening_resumes_on_rerun(tmp_path: Path, analyst: Any,
                                                      posts: Any) -> None:
    path = _files(tmp_path, analyst)
    child = start(SLOW_SECOND_CHUNK + "from django.core.management import call_command\n"
                  "call_command('ingest', sys.argv[1])\n", str(path))
    wait_for_line(child, "mid-screening")
    kill9(child)
    batch = IngestBatch.objects.get()
    assert batch.status == IngestBatch.Status.SCREENING
    assert batch.screen_done == SCREEN_CHUNK  # the first chunk's work is kept
    kept = Alert.objects.count()
    assert kept >= 1

    out = StringIO()
    call_command("ingest", str(path), stdout=out)
    text = out.getvalue()
    assert f"0 added, {TRAVELLERS} already present" in text
    assert f"stopped at {SCREEN_CHUNK} of {TRAVELLERS}: resuming" in text
    _assert_screened_once(batch)


def test_worker_killed_mid_screening_is_followed_by_one_that_finishes(
    tmp_path: Path, analyst: Any, posts: Any
) -> None:
    path = _files(tmp_path, analyst)
    batch = services.ingest_file(actor=analyst, data=path.read_bytes(), file_name=path.name,
                                 screen=False).batch
    # The children queue in the database, as production does (the tests run tasks inline).
    db_tasks = {"TIAKI_TASK_BACKEND": "django_tasks_db.DatabaseBackend"}
    queue = start("from tiaki.screening.tasks import screen_batch\n"
                  "screen_batch.enqueue(batch_id=int(sys.argv[1])); print('queued', flush=True)",
                  str(batch.pk), env=db_tasks)
    wait_for_line(queue, "queued")
    queue.wait(timeout=60)
    child = start(SLOW_SECOND_CHUNK + "from django.core.management import call_command\n"
                  "call_command('db_worker', '--batch', '--no-startup-delay')\n", env=db_tasks)
    wait_for_line(child, "mid-screening")
    kill9(child)
    batch.refresh_from_db()
    assert batch.status == IngestBatch.Status.SCREENING and batch.screen_done == SCREEN_CHUNK

    # A new worker starting up finds the stalled batch and finishes it.
    second = start("from tiaki.cli import main\n"
                   "main(['worker', '--batch', '--no-startup-delay'])\n", env=db_tasks)
    wait_for_line(second, f"resuming screening of stalled batch {batch.pk}")
    second.wait(timeout=300)
    assert second.returncode == 0, second.stderr.read() if second.stderr else ""
    _assert_screened_once(batch)


def test_ingest_killed_mid_store_keeps_nothing_and_the_rerun_stores_each_record_once(
    tmp_path: Path, analyst: Any, posts: Any
) -> None:
    path = _files(tmp_path, analyst)
    child = start(SLOW_SECOND_STORE + "from django.core.management import call_command\n"
                  "call_command('ingest', sys.argv[1])\n", str(path))
    wait_for_line(child, "mid-store")
    kill9(child)
    # The batch, its travellers and its audit row commit together, so none of them is left.
    assert not IngestBatch.objects.exists()
    assert not Traveller.objects.exists()
    assert not AuditEvent.objects.filter(object_type="screening.ingestbatch").exists()

    out = StringIO()
    call_command("ingest", str(path), stdout=out)
    assert f"{TRAVELLERS} added, 0 already present" in out.getvalue()
    batch = IngestBatch.objects.get()
    audit = AuditEvent.objects.filter(object_type="screening.ingestbatch",
                                      object_id=str(batch.pk), action=AuditEvent.Action.CREATE)
    assert [row.changes["added"] for row in audit] == [TRAVELLERS]
    _assert_screened_once(batch)
