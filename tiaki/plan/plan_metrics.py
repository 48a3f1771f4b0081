"""Metrics the plan app computes itself (registered when the app is ready)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count

from tiaki.plan.metrics import metric
from tiaki.plan.models import ProgressUpdate


@metric("plan.progress_updates", "Progress updates recorded by agencies", "updates")
def progress_updates(start: dt.date, end: dt.date) -> tuple[int, dict[str, Any]]:
    rows = (ProgressUpdate.objects.filter(reported_on__gte=start, reported_on__lt=end)
            .values("agency__code").annotate(n=Count("id")))
    breakdown = {row["agency__code"]: row["n"] for row in rows}
    return sum(breakdown.values()), breakdown
