"""Measures computed from live data, named by code in a plan file (``metrics: [code]``).

A plan's measures are words ("Number of victims certified", seed 003 item 13). Where Tiaki
holds the data, an app registers a metric under a stable code (in its own ``metrics``
module) and a plan file names it on the item it measures; the dashboard and the annual
report then show the figure for any period. Codes, not functions, live in the data file, so a
second country's plan picks its measures from the same registry without code changes; the
plan loader refuses a code nobody registered.

Every metric takes a half-open :class:`Period` (``start <= t < end``, local midnight to local
midnight) so that a datetime column is compared against two instants and keeps its index
(no ``__date`` cast), and answers with one aggregate query where it can. A metric marked
``per_item`` also receives the action item, for records filed against an item (policy
decisions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """A half-open reporting period of local calendar days: ``[start, end)``."""

    start: dt.date
    end: dt.date  # exclusive

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"a period ends after it starts ({self.start} to {self.end})")

    @property
    def start_at(self) -> dt.datetime:
        return _local_midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        return _local_midnight(self.end)

    def during(self, field_name: str) -> Q:
        """Rows whose datetime ``field_name`` falls in the period."""
        return Q(**{f"{field_name}__gte": self.start_at, f"{field_name}__lt": self.end_at})

    def on_days(self, field_name: str) -> Q:
        """Rows whose date ``field_name`` falls in the period."""
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lt": self.end})

    def previous(self) -> Period:
        """The period of the same length just before this one (for comparisons)."""
        length = self.end - self.start
        return Period(self.start - length, self.start)


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


Number = int | float
MetricResult = Number | tuple[Number, dict[str, Any]]


@dataclass(frozen=True)
class MetricValue:
    code: str
    label: str
    value: Number
    unit: str = ""
    breakdown: dict[str, Number] = field(default_factory=dict)
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "value": self.value, "unit": self.unit,
                "breakdown": dict(self.breakdown), "source": self.source}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MetricValue:
        return cls(code=data["code"], label=data["label"], value=data["value"],
                   unit=data.get("unit", ""), breakdown=dict(data.get("breakdown", {})),
                   source=data.get("source", ""))


MetricFunction = Callable[..., MetricResult]


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    unit: str
    compute: MetricFunction
    source: str = ""  # where the figure comes from, in words, shown beside it
    per_item: bool = False


_METRICS: dict[str, Metric] = {}


def metric(code: str, label: str, unit: str = "", *, source: str = "",
           per_item: bool = False) -> Callable[[MetricFunction], MetricFunction]:
    """Register ``compute(period)`` (or ``compute(period, item)``) as the metric ``code``."""

    def register(function: MetricFunction) -> MetricFunction:
        if code in _METRICS and _METRICS[code].compute is not function:
            raise ValueError(f"metric {code!r} is registered twice")
        _METRICS[code] = Metric(code, label, unit, function, source, per_item)
        return function

    return register


def known_metrics() -> dict[str, Metric]:
    return dict(_METRICS)


def compute_metric(code: str, period: Period, item: Any = None) -> MetricValue | None:
    found = _METRICS.get(code)
    if found is None:
        return None
    result = found.compute(period, item) if found.per_item else found.compute(period)
    value, breakdown = result if isinstance(result, tuple) else (result, {})
    return MetricValue(code, found.label, value, found.unit, dict(breakdown), found.source)


def counted_by(rows: Any, key: str) -> tuple[int, dict[str, int]]:
    """(total, {key value: n}) from ``.values(key).annotate(n=Count(...))`` rows."""
    breakdown = {str(row[key] or "unknown"): int(row["n"]) for row in rows}
    return sum(breakdown.values()), dict(sorted(breakdown.items()))
