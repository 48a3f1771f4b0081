"""Page and API speed on the configured database, served by gunicorn (issue 16).

    DATABASE_URL=postgres://…/scratch python -m bench pages [--workers 4] [--clients 20]
        [--seconds 20] [--port 8000] [--only LABEL,…] [--think 1]

Run it on a database the generator filled (``python -m bench generate``). It starts gunicorn
with ``--workers`` sync workers on ``--port``, signs the personas in (a session per persona
with both factors passed, made in the database as a sign-in would), then drives each page
in turn with ``--clients`` threads, each on its own keep-alive connection with no think time
(``--think`` makes each client wait that long after every response: latency at an offered
load rather than throughput), for ``--seconds`` seconds: the trivial view (``/healthz``)
first and last, and between them ``/cases/``, a case detail, ``/cases/measures/``,
``/audit/``, ``/api/cases/`` and ``/screening/``. For each it reports p50/p95 latency and
throughput, and throughput as a ratio of the trivial view's (the mean of its two runs),
which is what stays comparable on a machine shared with other work.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.settings")
    import django

    django.setup()


def session_cookie(username: str) -> str:
    """A signed-in session for ``username`` with the second factor passed."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tiaki.accounts.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def targets() -> list[tuple[str, str, str | None]]:
    """(label, path, persona) in the order they are driven."""
    from tiaki.cases.models import VictimCase

    newest = (VictimCase.objects.filter(agency__code="POLICE").order_by("-created_at")
              .values_list("reference", flat=True).first())
    return [
        ("trivial view (/healthz)", "/healthz", None),
        ("/cases/", "/cases/", "investigator"),
        ("case detail", f"/cases/{newest}/", "investigator"),
        ("/cases/measures/", "/cases/measures/", "senior"),
        ("/audit/", "/audit/", "auditor"),
        ("/api/cases/", "/api/cases/", "investigator"),
        ("/screening/", "/screening/", "border"),
        ("trivial view again", "/healthz", None),
    ]


@dataclass
class Run:
    label: str
    latencies: list[float]
    errors: int
    seconds: float
    status: dict[int, int]

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def drive(port: int, path: str, cookie: str | None, clients: int, seconds: float,
          label: str, think: float = 0.0) -> Run:
    latencies: list[float] = []
    errors = [0]
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine: list[float] = []
        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                with lock:
                    errors[0] += 1
                continue
            elapsed = time.perf_counter() - began
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                mine.append(elapsed)
            else:
                with lock:
                    errors[0] += 1
            if think:
                # A person reading the page before the next click: with N clients the
                # offered load is about N / think requests a second.
                time.sleep(min(think, max(0.0, stop_at - time.perf_counter())))
        conn.close()
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run(label, latencies, errors[0], time.perf_counter() - began, statuses)


def profile(plan: list[tuple[str, str, str | None]], repeat: int) -> list[str]:
    """One request at a time through Django's test client, in this process: for each page
    the median wall time, the median CPU time of this process (what load on a shared
    machine distorts least), the number of queries and the slowest query of the median
    request, over ``repeat`` requests after one warm-up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    lines = ["| page | wall (ms) | py CPU (ms) | queries | slowest query (ms) |",
             "|---|---|---|---|---|"]
    for label, path, persona in plan:
        client = Client(HTTP_HOST="127.0.0.1")
        if persona:
            name, value = session_cookie(persona).split("=", 1)
            client.cookies[name] = value
        client.get(path)  # warm: imports, templates, connection
        walls, cpus, counts, slowest = [], [], [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
            walls.append(wall)
            cpus.append(cpu)
            counts.append(len(queries))
            slowest.append(max((float(q["time"]) for q in queries.captured_queries),
                               default=0.0))
        lines.append(f"| {label} | {statistics.median(walls) * 1000:.1f} | "
                     f"{statistics.median(cpus) * 1000:.1f} | {statistics.median(counts):.0f} | "
                     f"{statistics.median(slowest) * 1000:.1f} |")
    return lines


def serve(port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "tiaki.wsgi:application", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "300",
               "--keep-alive", "30", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench pages", description=__doc__)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--only", default="", help="comma-separated labels to run (and the trivial)")
    ap.add_argument("--think", type=float, default=0.0,
                    help="seconds each client waits after a response (20 clients, 1 s: the "
                         "issue's offered load of about 20 requests/s)")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="no server: N requests a page one at a time through the test "
                         "client (wall and CPU time, queries)")
    args = ap.parse_args(argv)
    _setup()
    plan = targets()
    if args.only:
        wanted = set(args.only.split(","))
        plan = [t for t in plan if t[0] in wanted or t[1] == "/healthz"]
    if args.profile:
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        lines = profile(plan, args.profile)
        print(f"one request at a time, median of {args.profile}; load average {load}")
        print("\n".join(lines))
        return 0
    cookies = {persona: session_cookie(persona) for _, _, persona in plan if persona}
    server = serve(args.port, args.workers)
    runs: list[Run] = []
    try:
        for label, path, persona in plan:
            # A few requests first, so every worker has its imports and connections warm.
            drive(args.port, path, cookies.get(persona or ""), args.clients, 1.0, label)
            run = drive(args.port, path, cookies.get(persona or ""), args.clients,
                        args.seconds, label, args.think)
            runs.append(run)
            print(f"{label}: {len(run.latencies)} ok, {run.errors} not ok {run.status}",
                  file=sys.stderr)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    trivial = [r.throughput for r in runs if r.label.startswith("trivial")]
    base = statistics.mean(trivial) if trivial else float("nan")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    pace = f", {args.think:g} s think time" if args.think else ", no think time"
    print(f"gunicorn {args.workers} sync workers, {args.clients} clients{pace}, "
          f"{args.seconds:.0f} s per page; load average after the run {load}")
    print("| page | requests | p50 (ms) | p95 (ms) | throughput (req/s) | vs trivial view |")
    print("|---|---|---|---|---|---|")
    for run in runs:
        print(f"| {run.label} | {len(run.latencies)} | {run.pct(0.5) * 1000:.0f} | "
              f"{run.pct(0.95) * 1000:.0f} | {run.throughput:.1f} | "
              f"{run.throughput / base:.3f} |" + (f" ({run.errors} failed)" if run.errors
                                                  else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
