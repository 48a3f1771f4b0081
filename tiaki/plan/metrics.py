"""Measures computed from live data, named by code in a plan file (``metrics: [code]``).

A plan's measures are words ("Number of victims certified", seed 003 item 13). Where Tiaki
holds the data, an app registers a metric under a stable code and a plan file names it on the
item it measures; the dashboard and the annual report then show the figure for any period.
Codes, not functions, live in the data file, so a second country's plan uses the same
metrics without code changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MetricValue:
    code: str
    label: str
    value: int | float
    unit: str = ""
    breakdown: dict[str, int | float] = field(default_factory=dict)


MetricFunction = Callable[[dt.date, dt.date], int | float | tuple[int | float, dict[str, Any]]]


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    unit: str
    compute: MetricFunction


_METRICS: dict[str, Metric] = {}


def metric(code: str, label: str, unit: str = "") -> Callable[[MetricFunction], MetricFunction]:
    """Register ``compute(start, end)`` (end exclusive) as the metric ``code``."""

    def register(function: MetricFunction) -> MetricFunction:
        _METRICS[code] = Metric(code, label, unit, function)
        return function

    return register


def known_metrics() -> dict[str, Metric]:
    return dict(_METRICS)


def compute_metric(code: str, start: dt.date, end: dt.date) -> MetricValue | None:
    found = _METRICS.get(code)
    if found is None:
        return None
    result = found.compute(start, end)
    value, breakdown = result if isinstance(result, tuple) else (result, {})
    return MetricValue(code, found.label, value, found.unit, dict(breakdown))
