"""Soak: many people using Tiaki at once for minutes, on the production setup (issue 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaki_soak \\
        python -m bench soak [--setup] [--users 50] [--minutes 10] [--web 4] [--workers 1]

``--setup`` migrates the (scratch) database and loads the demo data and personas into it.
The run then starts the production setup the README's "Production" section describes, in
production mode (``TIAKI_ENV=production``, demo off, secure cookies, behind a TLS proxy):
gunicorn with ``--web`` sync workers, ``--workers`` task workers (``tiaki worker``) and the
audit sealer (``tiaki audit seal --follow``), all against one PostgreSQL and Redis.

``--users`` simulated people, each a thread with its own keep-alive connection, act for
``--minutes`` with a think time of about a second between actions, seeded so two runs ask
for the same things:

- members of the public open the reporting form and, now and then, solve the proof of work
  and submit a report through the public API;
- investigators open the triage queue, the case list, a case (an audited read of victim
  data) and the API's case list, and open new cases through the API (with an
  ``Idempotency-Key``);
- border officers open the alert queue and the API's alerts; analysts the intelligence
  list; a senior officer the case measures and the plan dashboard; auditors the audit trail.

It counts every answer that is not the expected one (a 4xx or 5xx, a refused connection, a
timeout) as an error. Afterwards it reconciles: the cases and reports the database gained
equal the 201s the clients received; each gained a "create" audit row; every case page
served left a "read" row; the sealer seals every row within a minute and ``tiaki audit
verify`` passes; no task failed. The exit status is 1 when anything does not reconcile or
any request failed.

The database is a scratch one: the run uses fixed, published keys (never use them for real
data) so ``--setup`` and later runs can read the same encrypted identities.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Scratch keys for a benchmark database (public; never for real data).
BENCH_ENV = {
    "SECRET_KEY": "soak-benchmark-secret-key-not-for-real-data-0123456789abcdef",
    "TIAKI_FIELD_KEYS": "c29hay1iZW5jaC1maWVsZC1rZXktMzJieXRlcy0wMDA=",
    "TIAKI_AUDIT_KEY": "soak-benchmark-audit-key-not-for-real-data-000",
    "TIAKI_RECEIPT_KEY": "soak-benchmark-receipt-key-not-for-real-data-0",
}


def production_env(port: int) -> dict[str, str]:
    env = os.environ.copy()
    env.update(BENCH_ENV)
    env.update({
        "TIAKI_ENV": "production", "TIAKI_DEMO": "0", "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "TIAKI_BEHIND_PROXY": "1",
        "REDIS_URL": env.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    })
    return env


def tiaki(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tiaki", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def setup_database(env: dict[str, str]) -> None:
    demo_env = dict(env, TIAKI_ENV="development", TIAKI_DEMO="1")
    for args in (("migrate", "--noinput"), ("demo",)):
        done = tiaki(*args, env=demo_env)
        if done.returncode:
            raise SystemExit(f"tiaki {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        print(f"tiaki {' '.join(args)}: ok", file=sys.stderr)


# --------------------------------------------------------------------------- the clients

@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, action: str, status: int, elapsed: float, ok: bool) -> None:
        with self.lock:
            self.statuses[action][status] += 1
            if ok:
                self.latencies[action].append(elapsed)
            else:
                self.errors[action] += 1


class Client:
    """One person's browser or system: a keep-alive connection and their credentials."""

    def __init__(self, port: int, tally: Tally, *, cookie: str = "", token: str = "") -> None:
        self.port, self.tally = port, tally
        self.headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        if cookie:
            self.headers["Cookie"] = cookie
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, action: str, method: str, path: str, body: Any = None,
             expect: int = 200, extra: dict[str, str] | None = None) -> Any:
        headers = dict(self.headers, **(extra or {}))
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        began = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.tally.record(action, 0, time.perf_counter() - began, ok=False)
            return None
        ok = status == expect
        self.tally.record(action, status, time.perf_counter() - began, ok=ok)
        if ok and payload and response.getheader("Content-Type", "").startswith(
                "application/json"):
            return json.loads(payload)
        return ok or None


Action = Callable[[Client, random.Random], None]


def public_actions() -> list[tuple[float, Action]]:
    from tiaki.intake import pow as proof

    def open_form(c: Client, rng: random.Random) -> None:
        c.call("public: report form", "GET", "/report/")

    def submit(c: Client, rng: random.Random) -> None:
        challenge = c.call("public: challenge", "GET", "/api/public/challenge")
        if not challenge:
            return
        nonce = proof.solve(challenge["token"], challenge["bits"])
        receipt = c.call("public: submit report", "POST", "/api/public/reports", body={
            "what_seen": f"Workers at a packhouse say their passports were taken ({rng.random()})",
            "region": "unknown", "pow_token": challenge["token"], "pow_nonce": nonce,
        }, expect=201)
        if receipt:
            with c.tally.lock:
                c.tally.created["reports"] += 1

    return [(0.8, open_form), (0.2, submit)]


def investigator_actions(case_refs: list[str]) -> list[tuple[float, Action]]:
    def triage(c: Client, rng: random.Random) -> None:
        c.call("investigator: triage queue", "GET", "/intake/triage/")

    def cases(c: Client, rng: random.Random) -> None:
        c.call("investigator: /cases/", "GET", "/cases/")

    def detail(c: Client, rng: random.Random) -> None:
        if c.call("investigator: case detail", "GET", f"/cases/{rng.choice(case_refs)}/"):
            with c.tally.lock:
                c.tally.created["case pages"] += 1

    def api_cases(c: Client, rng: random.Random) -> None:
        c.call("investigator: GET /api/cases/", "GET", "/api/cases/")

    def open_case(c: Client, rng: random.Random) -> None:
        # A fresh key per request (not from the seeded generator): a repeated key would
        # rightly replay an earlier run's answer and create nothing.
        made = c.call("investigator: POST /api/cases/", "POST", "/api/cases/", body={
            "identity": {"family_name": f"Soak{rng.randrange(10**6)}", "given_names": "Test"},
            "age": rng.randrange(18, 60), "nationality": rng.choice(["PHL", "IND", "CHN", "FJI"]),
            "exploitation_types": [],
        }, expect=201, extra={"Idempotency-Key": str(uuid.uuid4())})
        if made:
            with c.tally.lock:
                c.tally.created["cases"] += 1

    return [(0.15, triage), (0.25, cases), (0.3, detail), (0.15, api_cases), (0.15, open_case)]


def border_actions() -> list[tuple[float, Action]]:
    def queue(c: Client, rng: random.Random) -> None:
        c.call("border: /screening/", "GET", "/screening/")

    def api_alerts(c: Client, rng: random.Random) -> None:
        c.call("border: GET /api/screening/alerts", "GET", "/api/screening/alerts")

    return [(0.6, queue), (0.4, api_alerts)]


def analyst_actions() -> list[tuple[float, Action]]:
    def reports(c: Client, rng: random.Random) -> None:
        c.call("analyst: /intelligence/", "GET", "/intelligence/")

    return [(1.0, reports)]


def senior_actions() -> list[tuple[float, Action]]:
    def measures(c: Client, rng: random.Random) -> None:
        c.call("senior: /cases/measures/", "GET", "/cases/measures/")

    def dashboard(c: Client, rng: random.Random) -> None:
        c.call("senior: /plan/", "GET", "/plan/")

    return [(0.5, measures), (0.5, dashboard)]


def auditor_actions() -> list[tuple[float, Action]]:
    def trail(c: Client, rng: random.Random) -> None:
        c.call("auditor: /audit/", "GET", "/audit/")

    return [(1.0, trail)]


def person(client: Client, actions: list[tuple[float, Action]], seed: int, stop_at: float,
           think: float) -> None:
    rng = random.Random(seed)
    weights = [w for w, _ in actions]
    while time.monotonic() < stop_at:
        rng.choices(actions, weights)[0][1](client, rng)
        time.sleep(rng.uniform(0.5 * think, 1.5 * think))
    client.conn.close()


# --------------------------------------------------------------------------- the servers

def start(command: list[str], env: dict[str, str], *, log: str = "") -> subprocess.Popen[bytes]:
    # The worker says "no more tasks" on every poll: its output goes to a log file in var/.
    out = None
    if log:
        (ROOT / "var").mkdir(exist_ok=True)
        out = (ROOT / "var" / log).open("ab")
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                            stdout=out, stderr=out)


def wait_ready(port: int, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/readyz", headers={"X-Forwarded-Proto": "https",
                                                    "Host": "127.0.0.1"})
            response = conn.getresponse()
            if response.status == 200:
                return
            last = f"{response.status} {response.read()[:300]!r}"
        except OSError as exc:
            last = str(exc)
        time.sleep(1)
    raise SystemExit(f"the web processes did not answer /readyz on port {port}: {last}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --------------------------------------------------------------------------- reconciling

def counts() -> dict[str, int]:
    from django.db.models import Max

    from tiaki.audit.models import AuditEvent
    from tiaki.cases.models import VictimCase
    from tiaki.intake.models import Report

    return {"cases": VictimCase.objects.count(), "reports": Report.objects.count(),
            "audit": AuditEvent.objects.count(),
            "last_audit_id": AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0}


def reconcile(before: dict[str, int], tally: Tally, env: dict[str, str],
              since: Any) -> list[str]:
    from tiaki.audit.models import AuditEvent
    from tiaki.cases.models import VictimCase
    from tiaki.intake.models import Report

    def unsealed_count() -> int:
        return AuditEvent.objects.filter(seal__isnull=True).count()

    problems: list[str] = []
    after = counts()
    new_rows = AuditEvent.objects.filter(id__gt=before["last_audit_id"])
    for what, model in (("cases", VictimCase), ("reports", Report)):
        gained = after[what] - before[what]
        label = model._meta.label_lower
        audited = new_rows.filter(action=AuditEvent.Action.CREATE, object_type=label).count()
        print(f"{what}: {gained} gained, {tally.created[what]} created answers, "
              f"{audited} create audit rows", file=sys.stderr)
        if not gained == tally.created[what] == audited:
            problems.append(f"{what}: gained {gained}, answered {tally.created[what]}, "
                            f"audited {audited}")
    reads = new_rows.filter(action=AuditEvent.Action.READ,
                            object_type=VictimCase._meta.label_lower).count()
    print(f"case pages served {tally.created['case pages']}, case read audit rows {reads}",
          file=sys.stderr)
    if reads < tally.created["case pages"]:
        problems.append(f"{tally.created['case pages']} case pages but {reads} read rows")
    deadline = time.monotonic() + 60
    while unsealed_count() and time.monotonic() < deadline:
        time.sleep(1)
    if unsealed_count():
        problems.append(f"{unsealed_count()} audit rows still unsealed a minute after the run")
    verify = tiaki("audit", "verify", env=env)
    print(f"tiaki audit verify: exit {verify.returncode}: {verify.stdout.strip()[-300:]}",
          file=sys.stderr)
    if verify.returncode:
        problems.append(f"tiaki audit verify failed: {verify.stdout[-500:]}{verify.stderr[-500:]}")
    failed = failed_tasks(since)
    if failed:
        problems.append(f"{failed} task(s) failed")
    return problems


def failed_tasks(since: Any) -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.failed().filter(enqueued_at__gte=since).count()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench soak", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--setup", action="store_true", help="migrate and load the demo first")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--web", type=int, default=4, help="gunicorn sync workers")
    ap.add_argument("--workers", type=int, default=1, help="task workers")
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between actions")
    ap.add_argument("--port", type=int, default=8300)
    ap.add_argument("--seed", type=int, default=20261202)
    args = ap.parse_args(argv)
    env = production_env(args.port)
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        print("the soak runs on PostgreSQL: set DATABASE_URL", file=sys.stderr)
        return 2
    if args.setup:
        setup_database(env)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.settings")
    import django

    django.setup()
    from bench.pages import session_cookie
    from tiaki.accounts.models import ApiToken, User
    from tiaki.cases.models import VictimCase

    case_refs = list(VictimCase.objects.filter(agency__code="POLICE")
                     .values_list("reference", flat=True)[:50])
    if not case_refs:
        print("no Police cases: run with --setup first", file=sys.stderr)
        return 2
    _, investigator_token = ApiToken.issue(user=User.objects.get(username="investigator"),
                                           name=f"soak {uuid.uuid4().hex[:6]}")
    roster: list[tuple[str, list[tuple[float, Action]], bool]] = [
        ("", public_actions(), False),
        ("investigator", investigator_actions(case_refs), True),
        ("border", border_actions(), False),
        ("analyst", analyst_actions(), False),
        ("investigator", investigator_actions(case_refs), True),
        ("senior", senior_actions(), False),
        ("auditor", auditor_actions(), False),
    ]
    cookies = {who: session_cookie(who) for who, _, _ in roster if who}
    before = counts()
    from django.utils import timezone

    since = timezone.now()

    servers = [
        start([sys.executable, "-m", "gunicorn", "tiaki.wsgi:application", "--bind",
               f"127.0.0.1:{args.port}", "--workers", str(args.web), "--timeout", "120",
               "--keep-alive", "30", "--log-level", "warning"], env),
        start([sys.executable, "-m", "tiaki", "audit", "seal", "--follow"], env,
              log="soak-sealer.log"),
        *[start([sys.executable, "-m", "tiaki", "worker", "--interval", "2"], env,
                log="soak-worker.log")
          for _ in range(args.workers)],
    ]
    tally = Tally()
    try:
        wait_ready(args.port)
        stop_at = time.monotonic() + args.minutes * 60
        threads = []
        for n in range(args.users):
            who, actions, api = roster[n % len(roster)]
            client = Client(args.port, tally, cookie=cookies.get(who, ""),
                            token=investigator_token if api else "")
            threads.append(threading.Thread(
                target=person, args=(client, actions, args.seed + n, stop_at, args.think)))
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        problems = reconcile(before, tally, env, since)
    finally:
        for server in servers:
            stop(server)

    total = sum(len(v) for v in tally.latencies.values())
    errors = sum(tally.errors.values())
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{args.users} users, {args.minutes:g} min, think {args.think:g} s; gunicorn "
          f"{args.web} sync workers, {args.workers} task worker(s), audit sealer; "
          f"load average after {load}")
    print(f"{total} requests answered as expected, {errors} errors, "
          f"{total / elapsed:.1f} requests/s overall")
    print("| action | requests | errors | p50 (ms) | p95 (ms) |")
    print("|---|---|---|---|---|")
    for action in sorted(set(tally.latencies) | set(tally.errors)):
        lat = sorted(tally.latencies.get(action, []))
        p50 = statistics.median(lat) * 1000 if lat else float("nan")
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))] * 1000 if lat else float("nan")
        print(f"| {action} | {len(lat)} | {tally.errors.get(action, 0)} | {p50:.0f} | "
              f"{p95:.0f} |")
    bad = {a: dict(s) for a, s in tally.statuses.items() if tally.errors.get(a)}
    if bad:
        print(f"answers where errors happened: {bad}")
    print("reconciled: " + ("yes" if not problems else "NO — " + "; ".join(problems)))
    return 1 if problems or errors else 0


if __name__ == "__main__":
    sys.exit(main())
