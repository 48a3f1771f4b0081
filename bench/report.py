"""Annual progress report benchmark on the configured database (issue 14: ≤ 10 s at 100,000
cases with their referrals, alerts and audit rows, on PostgreSQL).

    DATABASE_URL=postgres://…/scratch python -m bench report [--year N] [--repeat 3]

Run it on a database the generator filled (``python -m bench generate``). It times the
background task the report page queues (``report_build_run``: every item's status and
measures for the period and the period before, then the HTML and the PDF), the report alone
(``annual_report``), and each metric named in the plan for both periods, slowest first, with
its query count: the profile to read when the total is over target.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.settings")
    import django

    django.setup()


def bench_report(year: int | None, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tiaki.accounts.models import User
    from tiaki.cases.models import Referral, VictimCase
    from tiaki.plan.metrics import Period, compute_metric
    from tiaki.plan.models import Plan
    from tiaki.plan.report import annual_report, plan_year_bounds, plan_year_of
    from tiaki.plan.report_models import ReportBuild
    from tiaki.plan.report_publish import report_build_run
    from tiaki.screening.models import Alert

    plan = Plan.objects.get()
    today = timezone.localdate()
    # The last plan year that has ended: a full year of data and the year before it.
    year = year or plan_year_of(plan, today) - 1
    period = Period(*plan_year_bounds(plan, year))
    secretariat = User.objects.filter(username="secretariat").first()
    builds, reports = [], []
    for _ in range(repeat):
        build = ReportBuild.objects.create(plan=plan, year=year, requested_by=secretariat)
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report_build_run(build_id=build.pk)
        builds.append((time.perf_counter() - began, len(queries)))
        began = time.perf_counter()
        annual_report(plan=plan, year=year, items=plan.items.all(), today=today)
        reports.append(time.perf_counter() - began)
    metrics = []
    codes = sorted({code for item in plan.items.all() for code in item.metrics})
    items = {code: item for item in plan.items.all() for code in item.metrics}
    for code in codes:
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            compute_metric(code, period, items[code])
            compute_metric(code, period.previous(), items[code])
        metrics.append((time.perf_counter() - began, code, len(queries)))
    metrics.sort(reverse=True)
    return {
        "year": year, "period": period, "build_s": [b[0] for b in builds],
        "build_queries": builds[-1][1], "report_s": reports, "metrics": metrics,
        "cases": VictimCase.objects.count(), "referrals": Referral.objects.count(),
        "alerts": Alert.objects.count(),
        "audit": _estimated_rows("audit_auditevent"),
    }


def _estimated_rows(table: str) -> int:
    from django.db import connection

    if connection.vendor != "postgresql":
        return -1
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cursor.fetchone()
    return int(row[0]) if row else -1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench report", description=__doc__)
    ap.add_argument("--year", type=int, default=None, help="plan year (default: the last ended)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--top", type=int, default=10, help="slowest metrics to list")
    args = ap.parse_args(argv)
    _setup()
    # The PDF's font subsetter reports every table it prunes at INFO.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    out = bench_report(args.year, args.repeat)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"data: {out['cases']:,} cases, {out['referrals']:,} referrals, "
          f"{out['alerts']:,} alerts, ~{out['audit']:,} audit rows; load average {load}")
    print(f"plan year {out['year']} ({out['period'].start} to {out['period'].end}, exclusive)")
    builds = out["build_s"]
    print(f"report_build_run (task, HTML and PDF): median {statistics.median(builds):.2f} s, "
          f"runs {', '.join(f'{b:.2f}' for b in builds)}; {out['build_queries']} queries")
    reports = out["report_s"]
    print(f"annual_report alone: median {statistics.median(reports):.2f} s, "
          f"runs {', '.join(f'{r:.2f}' for r in reports)}")
    print("slowest metrics (both periods):")
    for seconds, code, queries in out["metrics"][:args.top]:
        print(f"  {seconds * 1000:8.1f} ms  {queries:3d} queries  {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
