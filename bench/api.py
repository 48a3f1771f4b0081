"""Single-record screening through the HTTP API, end to end (issue: p95 <= 50 ms with
100,000 watchlist entries).

Runs Django in this process on a throw-away SQLite database: migrate, load the NZ agencies,
import a synthetic 100,000-person watchlist through the screening service (as an analyst
would), then POST travellers one by one to ``/api/screening/screen`` with a bearer token and
time each request (authentication, validation, screening against the watchlist, the
lost/stolen register and the published risk profiles, storing the record, alerts and audit
row). Call it from ``python -m bench``; it must run before anything else sets up Django.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import synthetic


@dataclass(frozen=True)
class EndToEndResult:
    watchlist: int
    queries: int
    import_seconds: float
    first_call_seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def run(n_watchlist: int, queries: int = 500, seed: int = 21) -> EndToEndResult:
    folder = Path(tempfile.mkdtemp(prefix="tiaki-bench-api-"))
    os.environ["TIAKI_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.settings")
    os.environ.setdefault("TIAKI_ENV", "test")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from tiaki.accounts.loader import agencies_load
    from tiaki.accounts.models import Agency, ApiToken, User
    from tiaki.accounts.roles import Role
    from tiaki.screening.services import watchlist_import

    call_command("migrate", verbosity=0)
    agencies_load(path=settings.TIAKI_DATA_DIR / "nz" / "agencies.yaml")
    analyst = User.objects.create_user("bench-analyst", agency=Agency.objects.get(code="MBIE"))
    analyst.set_roles([Role.INTELLIGENCE_ANALYST])
    _, token = ApiToken.issue(user=analyst, name="bench")

    data = synthetic.generate(n_watchlist, queries + 20, planted=min(100, queries // 5),
                              seed=seed)
    csv_path = folder / "watchlist.csv"
    data.watchlist.write_csv(csv_path)
    started = time.perf_counter()
    watchlist_import(actor=analyst, data=csv_path.read_bytes(), file_name="watchlist.csv",
                     list_name="bench", reason="benchmark")
    import_seconds = time.perf_counter() - started

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    records = [{k: v for k, v in r.items() if v not in (None, "") and k != "id"}
               for r in data.travellers.to_dicts()]

    def post(record: dict[str, object]) -> None:
        body = json.dumps({"kind": "traveller", "record": record})
        response = client.post("/api/screening/screen", body, content_type="application/json")
        if response.status_code != 200:
            raise RuntimeError(f"screen API answered {response.status_code}: "
                               f"{response.content[:300]!r}")

    started = time.perf_counter()
    post(records[0])  # builds the watchlist index, once per process and watchlist version
    first = time.perf_counter() - started
    for record in records[1:20]:
        post(record)
    latencies = []
    for record in records[20:20 + queries]:
        t = time.perf_counter()
        post(record)
        latencies.append((time.perf_counter() - t) * 1000)
    a = np.asarray(latencies)
    return EndToEndResult(n_watchlist, len(latencies), import_seconds, first,
                          *(float(np.percentile(a, q)) for q in (50, 95, 99)))


if __name__ == "__main__":
    print(run(100_000))
