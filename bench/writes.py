"""Write-path benchmark on the configured database (``DATABASE_URL``; PostgreSQL is the target).

    DATABASE_URL=postgres://… python -m bench.writes [--writers 16] [--rows 500] [--cases 300]

Measures, in one run: audit rows/s from N writer processes making bare audited calls, each in
its own transaction, with the sealer running alongside (and how long the last row waited for
its seal); ``tiaki audit verify`` rows/s over everything in the trail; case opening through the
service per second; and the 100,000-entry watchlist import. It writes into the database it is
given (migrating it first), so point it at a scratch database.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import time
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.settings")
    import django

    django.setup()


def _audit_writer(rows: int, start: Any, done: Any) -> None:
    _setup()
    from django.db import connection, transaction

    from tiaki.audit.services import Action, audit_record

    connection.ensure_connection()
    start.wait()
    cpu, began = time.process_time(), time.perf_counter()
    for n in range(rows):
        with transaction.atomic():
            audit_record(actor=None, action=Action.READ, object_type="bench.thing",
                         object_id=str(n), summary="bench read")
    done.put((time.process_time() - cpu, began, time.perf_counter()))


BARE_TABLE = "bench_bare_commit"


def _bare_writer(rows: int, start: Any, done: Any) -> None:
    """The floor under any audited write: one small INSERT and its COMMIT, on a raw
    connection, so what is left is the server's work and the flush of the commit record."""
    _setup()
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    start.wait()
    cpu, began = time.process_time(), time.perf_counter()
    for n in range(rows):
        with raw.cursor() as cursor:
            cursor.execute(f"INSERT INTO {BARE_TABLE} (note) VALUES (%s)", [f"bare {n}"])
        raw.commit()
    done.put((time.process_time() - cpu, began, time.perf_counter()))


def _run_writers(target: Any, writers: int, rows: int,
                 sealer: bool) -> tuple[float, float, float]:
    """Run ``writers`` spawned processes together; returns wall seconds, their CPU seconds
    per row (the client side only) and the sealer's CPU seconds per row (0 without one).

    The wall time runs from the first writer's first write to the last writer's last
    commit, as each writer reports it (``perf_counter`` is the system's monotonic clock, the
    same in every process). Timing ``join()`` instead counted sixteen interpreters shutting
    down, about 5 s on two cores, and reported a fifth of the real rate."""
    ctx = mp.get_context("spawn")
    start, stop, done, lags = ctx.Barrier(writers + 1), ctx.Event(), ctx.Queue(), ctx.Queue()
    seal_proc = ctx.Process(target=_sealer, args=(stop, lags)) if sealer else None
    if seal_proc is not None:
        seal_proc.start()
    procs = [ctx.Process(target=target, args=(rows, start, done)) for _ in range(writers)]
    for p in procs:
        p.start()
    start.wait()
    reports = [done.get() for _ in procs]
    for p in procs:
        p.join()
    seconds = max(r[2] for r in reports) - min(r[1] for r in reports)
    cpu = sum(r[0] for r in reports)
    seal_cpu = 0.0
    if seal_proc is not None:
        _wait_sealed()
        stop.set()
        seal_cpu = lags.get()
        seal_proc.join()
    return seconds, cpu / (writers * rows), seal_cpu / (writers * rows)


def bench_bare(writers: int, rows: int) -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} "
                       f"(id bigserial PRIMARY KEY, note text NOT NULL)")
    seconds, cpu, _ = _run_writers(_bare_writer, writers, rows, sealer=False)
    return {"writers": writers, "commits": writers * rows, "seconds": round(seconds, 2),
            "commits_per_s": round(writers * rows / seconds),
            "client_cpu_us_per_commit": round(cpu * 1e6)}


def _sealer(stop: Any, lags: Any) -> None:
    _setup()
    from tiaki.audit.sealing import audit_seal

    cpu = time.process_time()
    while not stop.is_set():
        audit_seal()
        time.sleep(0.5)
    audit_seal()
    lags.put(time.process_time() - cpu)  # its CPU, competing with the writers


_SEAL_LAG: list[float] = []


def _wait_sealed() -> None:
    # How long after the last commit until every row is sealed.
    from tiaki.audit.models import AuditEvent, AuditSeal

    waited = time.perf_counter()
    while AuditSeal.objects.count() < AuditEvent.objects.count():
        time.sleep(0.1)
    _SEAL_LAG.append(time.perf_counter() - waited)


def bench_audit(writers: int, rows: int) -> dict[str, float]:
    from tiaki.audit.models import AuditEvent

    before = AuditEvent.objects.count()
    seconds, cpu, seal_cpu = _run_writers(_audit_writer, writers, rows, sealer=True)
    written = AuditEvent.objects.count() - before
    return {"writers": writers, "rows": written, "seconds": round(seconds, 2),
            "rows_per_s": round(written / seconds), "client_cpu_us_per_row": round(cpu * 1e6),
            "sealer_cpu_us_per_row": round(seal_cpu * 1e6, 1),
            "seal_lag_s": round(_SEAL_LAG[-1], 2)}


def fill_audit(n: int) -> dict[str, float]:
    """Add ``n`` valid audit rows through the bulk path (``COPY`` on PostgreSQL), then seal
    them, timing the sealer."""
    from django.db import transaction
    from django.utils import timezone

    from tiaki.audit.models import AuditEvent
    from tiaki.audit.sealing import audit_seal
    from tiaki.audit.services import MAC_FIELDS, row_mac
    from tiaki.core.bulk import bulk_insert

    at = timezone.now()
    for start in range(0, n, 50_000):
        rows = []
        for i in range(start, min(n, start + 50_000)):
            row = {"at": at, "actor_id": None, "actor_username": "", "actor_agency": "",
                   "actor_roles": "", "action": "read", "object_type": "bench.thing",
                   "object_id": str(i), "summary": f"bench row {i}", "changes": {"i": i},
                   "reason": ""}
            row["mac"] = row_mac(*(row[f] for f in MAC_FIELDS))
            rows.append(row)
        with transaction.atomic():
            bulk_insert(AuditEvent, rows)
    began = time.perf_counter()
    sealed = audit_seal()
    seconds = time.perf_counter() - began
    return {"sealed": sealed, "seconds": seconds, "rows_per_s": sealed / seconds}


def bench_verify() -> dict[str, float]:
    from tiaki.audit.verify import audit_verify

    began = time.perf_counter()
    result = audit_verify()
    seconds = time.perf_counter() - began
    assert result.ok, result.first_break
    return {"rows": result.checked, "seconds": seconds, "rows_per_s": result.checked / seconds}


def bench_cases(n: int) -> dict[str, float]:
    from tiaki.accounts.models import Agency, User
    from tiaki.accounts.roles import Role
    from tiaki.cases import services

    user, _ = User.objects.get_or_create(username="bench-investigator",
                                         defaults={"agency": Agency.objects.get(code="POLICE")})
    user.set_roles([Role.INVESTIGATOR])
    began = time.perf_counter()
    for i in range(n):
        services.case_open(actor=user, identity={"given_names": f"Bench {i}",
                                                 "family_name": "Example"},
                           gender="Feminine", nationality="Philippines",
                           exploitation_types=["ForcedLabour"])
    seconds = time.perf_counter() - began
    return {"cases": n, "seconds": seconds, "per_s": n / seconds}


def bench_watchlist(n: int) -> dict[str, float]:
    import random

    from tiaki.screening import services

    analyst = _analyst()
    rng = random.Random(16)
    lines = ["id,given_name,family_name,date_of_birth,nationality,document_number"]
    stamp = time.time_ns()
    for i in range(n):
        lines.append(f"B{stamp}-{i},Given{rng.randrange(10**6)},Family{rng.randrange(10**6)},"
                     f"19{rng.randrange(40, 99)}-0{rng.randrange(1, 9)}-1{rng.randrange(9)},"
                     f"NZL,D{i:09d}")
    data = ("\n".join(lines) + "\n").encode()
    began = time.perf_counter()
    outcome = services.watchlist_import(actor=analyst, data=data, file_name="bench.csv",
                                        list_name=f"Bench {stamp}", reason="benchmark")
    seconds = time.perf_counter() - began
    return {"entries": outcome.added, "seconds": seconds}


def _analyst() -> Any:
    from tiaki.accounts.models import Agency, User
    from tiaki.accounts.roles import Role

    analyst, _ = User.objects.get_or_create(username="bench-analyst",
                                            defaults={"agency": Agency.objects.get(code="CUSTOMS")})
    analyst.set_roles([Role.INTELLIGENCE_ANALYST])
    return analyst


def travellers_csv(n: int, seed: int = 17) -> bytes:
    """An n-traveller CSV, every row new to the database."""
    import random

    rng, stamp = random.Random(seed), time.time_ns()
    lines = ["family_name,given_name,date_of_birth,nationality,passport_number,arrival_port"]
    lines += [f"Family{rng.randrange(10**6)},Given{rng.randrange(10**6)},19{rng.randrange(40, 99)}"
              f"-0{rng.randrange(1, 9)}-1{rng.randrange(9)},AUS,T{stamp % 10**6}{i:07d},AKL"
              for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def _letters(i: int) -> str:
    out = ""
    while True:
        i, r = divmod(i, 26)
        out += "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[r]
        if i == 0:
            return out


def travellers_paxlst(n: int) -> bytes:
    """A PAXLST message of n passengers made from the real GTAS message ``Test3.txt``
    (shared/data/paxlst): its 260 passenger groups repeated, each copy's family name and
    document number made unique, with its counts (CNT, UNT) set to match."""
    import re
    from pathlib import Path

    shared = Path(os.environ.get("TIAKI_SHARED_DATA",
                                 Path(__file__).resolve().parents[2] / "shared" / "data"))
    # Latin-1 keeps every byte as it is (the file is not all UTF-8).
    text = (shared / "paxlst" / "Test3.txt").read_bytes().decode("latin-1")
    segments = [seg for seg in text.replace("\r", "").replace("\n", "").split("'") if seg]
    first = next(i for i, seg in enumerate(segments) if seg.startswith("NAD+FL"))
    last = next(i for i, seg in enumerate(segments) if seg.startswith("CNT+"))
    head, body, tail = segments[:first], segments[first:last], segments[last:]
    groups: list[list[str]] = []
    for seg in body:
        if seg.startswith("NAD+FL"):
            groups.append([])
        groups[-1].append(seg)
    stamp = time.time_ns() % 10**6
    out = list(head)
    for i in range(n):
        for seg in groups[i % len(groups)]:
            if seg.startswith("NAD+FL"):
                # Letters, not digits: a name with digits in it is not a name.
                seg = re.sub(r"^(NAD\+FL\+\+\+[^:]+)", rf"\g<1>{_letters(i)}", seg)
            elif seg.startswith("DOC+"):
                seg = re.sub(r"\+[^+]*$", f"+X{stamp:06d}{i:07d}", seg)
            out.append(seg)
    unh = next(i for i, seg in enumerate(out) if seg.startswith("UNH+"))
    for seg in tail:
        if seg.startswith("CNT+41:"):
            seg = f"CNT+41:{n}"
        elif seg.startswith("UNT+"):
            seg = f"UNT+{len(out) - unh + 1}+" + seg.split("+", 2)[2]
        out.append(seg)
    return ("'".join(out) + "'").encode("latin-1")


def bench_ingest(n: int, fmt: str = "csv") -> dict[str, float]:
    """``ingest_file`` then ``batch_screen`` of an n-traveller file (CSV, or PAXLST made from
    a real message), against the watchlist the watchlist benchmark left, if it ran first.

    The watchlist's index (the matching engine's ``Reference``) is built once per list
    version per process and kept (``checks.watchlist_screener``); a worker screening many
    files builds it once. It is built first and timed on its own (``index_s``), so
    ``per_s`` is the rate of a worker that holds it; ``per_s_cold`` counts it too."""
    from tiaki.screening import checks, services

    analyst = _analyst()
    data = travellers_paxlst(n) if fmt == "paxlst" else travellers_csv(n)
    began = time.perf_counter()
    checks.watchlist_screener()
    index = time.perf_counter() - began
    began, cpu = time.perf_counter(), time.process_time()
    batch = services.ingest_file(actor=analyst, data=data, file_name=f"bench.{fmt}",
                                 screen=False).batch
    stored, stored_cpu = time.perf_counter() - began, time.process_time() - cpu
    alerts = services.batch_screen(batch=batch)
    seconds = time.perf_counter() - began
    return {"travellers": batch.added_count, "rejected": batch.rejected_count,
            "index_s": round(index, 3), "store_s": round(stored, 3),
            "screen_s": round(seconds - stored, 3), "total_s": round(seconds, 3),
            "cpu_s": round(time.process_time() - cpu, 3), "store_cpu_s": round(stored_cpu, 3),
            "per_s": round(batch.added_count / seconds),
            "per_s_cold": round(batch.added_count / (seconds + index)), "alerts": alerts}


def bench_ingest_stream(files: int, n: int,
                        worker_env: dict[str, str] | None = None) -> dict[str, float]:
    """``files`` CSV files of ``n`` travellers through the production path: each
    ``ingest_file`` stores its file and queues its screening, and a ``tiaki worker`` in its
    own process screens the batches as they come, while this process stores the next file.
    The rate runs from the first file's ingest to the last batch screened.

    The worker first screens one file of its own (not counted), so it holds the watchlist's
    index as a running worker does. It runs with this process's environment, or
    ``worker_env``."""
    import subprocess
    import sys

    from tiaki.screening import services
    from tiaki.screening.models import IngestBatch

    analyst = _analyst()
    data = [travellers_csv(n, seed=101 + i) for i in range(files + 1)]
    worker = subprocess.Popen([sys.executable, "-m", "tiaki", "worker", "--interval", "0.02",
                               "--no-startup-delay"], env=worker_env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def wait(batch_ids: list[int], limit: float = 600) -> None:
            deadline = time.monotonic() + limit
            while IngestBatch.objects.filter(pk__in=batch_ids).exclude(
                    status=IngestBatch.Status.DONE).exists():
                if worker.poll() is not None:
                    raise RuntimeError(f"the worker stopped (exit {worker.returncode})")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"batches {batch_ids} not screened within {limit} s")
                time.sleep(0.01)

        warm = services.ingest_file(actor=analyst, data=data[0], file_name="warm.csv").batch
        wait([warm.pk])
        began = time.perf_counter()
        stored = 0.0
        batches = []
        for i, payload in enumerate(data[1:], 1):
            start = time.perf_counter()
            batches.append(services.ingest_file(actor=analyst, data=payload,
                                                file_name=f"stream-{i}.csv").batch)
            stored += time.perf_counter() - start
        wait([b.pk for b in batches])
        seconds = time.perf_counter() - began
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    added = sum(b.added_count for b in batches)
    alerts = sum(IngestBatch.objects.filter(pk__in=[b.pk for b in batches])
                 .values_list("alert_count", flat=True))
    return {"files": files, "travellers": added, "store_s": round(stored, 3),
            "total_s": round(seconds, 3), "per_s": round(added / seconds), "alerts": alerts}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.writes", description=__doc__)
    ap.add_argument("--writers", type=int, default=16)
    ap.add_argument("--rows", type=int, default=500, help="audit rows per writer")
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--watchlist", type=int, default=100_000)
    ap.add_argument("--travellers", type=int, default=20_000)
    ap.add_argument("--fill-audit", type=int, default=0,
                    help="first add this many audit rows in bulk (to verify a larger trail)")
    ap.add_argument("--bare", action="store_true",
                    help="also time a bare INSERT + COMMIT loop from as many writers, before "
                         "and after the audit writers (the flush's ceiling, in the same run)")
    ap.add_argument("--stream", type=int, default=0, metavar="FILES",
                    help="also ingest this many CSV files of --travellers each with a worker "
                         "screening them alongside (the production path's sustained rate)")
    ap.add_argument("--skip", action="append", default=[],
                    choices=["audit", "verify", "cases", "watchlist", "ingest", "paxlst"])
    args = ap.parse_args(argv)
    _setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    # Every step's users belong to an agency: load them whichever steps are skipped.
    from django.conf import settings

    from tiaki.accounts.loader import agencies_load

    agencies_load(path=settings.TIAKI_DATA_DIR / "nz" / "agencies.yaml")
    print(f"database: {connection.vendor}; machine: {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    if args.bare:
        print("bare INSERT + COMMIT:", bench_bare(args.writers, args.rows), flush=True)
    if "audit" not in args.skip:
        print("audit writes:", bench_audit(args.writers, args.rows), flush=True)
    if args.bare:
        print("bare INSERT + COMMIT:", bench_bare(args.writers, args.rows), flush=True)
    if args.fill_audit:
        print("sealer:", fill_audit(args.fill_audit), flush=True)
    if "verify" not in args.skip:
        print("audit verify:", bench_verify(), flush=True)
    if "cases" not in args.skip:
        print("case opening:", bench_cases(args.cases), flush=True)
    if "watchlist" not in args.skip:
        print("watchlist import:", bench_watchlist(args.watchlist), flush=True)
    if "ingest" not in args.skip:
        print("ingest + screening (CSV):", bench_ingest(args.travellers), flush=True)
    if args.stream:
        print("ingest + screening (CSV stream, one worker):",
              bench_ingest_stream(args.stream, args.travellers), flush=True)
    if "paxlst" not in args.skip:
        print("ingest + screening (PAXLST):", bench_ingest(args.travellers, "paxlst"),
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
