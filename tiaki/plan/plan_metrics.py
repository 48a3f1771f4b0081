"""Metrics the plan app computes itself (registered when the app is ready)."""

from __future__ import annotations

from django.db.models import Count

from tiaki.plan import record_metrics  # noqa: F401  (registers the structured records' metrics)
from tiaki.plan.metrics import MetricResult, Period, counted_by, metric
from tiaki.plan.models import ProgressUpdate


@metric("plan.progress_updates", "Progress updates recorded by agencies", "updates",
        source="Progress updates on the Plan's items reported in the period")
def progress_updates(period: Period) -> MetricResult:
    return counted_by(ProgressUpdate.objects.filter(period.on_days("reported_on"))
                      .values("agency__code").annotate(n=Count("id")), "agency__code")
