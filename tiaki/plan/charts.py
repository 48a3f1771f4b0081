"""Server-rendered SVG charts: readable without JavaScript, styled by the page's CSS."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tiaki.plan.models import ProgressStatus

STATUS_ORDER = [
    ProgressStatus.COMPLETE, ProgressStatus.ONGOING, ProgressStatus.IN_PROGRESS,
    ProgressStatus.AT_RISK, ProgressStatus.NOT_STARTED,
]


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    segments: list[tuple[str, str, int, int, int]]  # status, label, x, width, count
    total: int
    end: int


@dataclass(frozen=True)
class StackedBars:
    bars: list[Bar]
    width: int
    height: int
    label_width: int


def stacked_bars(rows: list[tuple[str, Counter[str]]], *, width: int = 640) -> StackedBars:
    label_width, bar_height, gap = 130, 22, 8
    largest = max((sum(c.values()) for _, c in rows), default=1) or 1
    scale = (width - label_width - 40) / largest
    bars = []
    for index, (label, counts) in enumerate(rows):
        x = label_width
        segments = []
        for status in STATUS_ORDER:
            count = counts.get(status, 0)
            if count:
                w = max(1, round(count * scale))
                segments.append((str(status), str(ProgressStatus(status).label), x, w, count))
                x += w
        bars.append(Bar(label, index * (bar_height + gap), segments, sum(counts.values()), x + 4))
    return StackedBars(bars, width, len(rows) * (bar_height + gap) + 4, label_width)


@dataclass(frozen=True)
class PairBar:
    label: str
    value: float
    width: int
    y: int


def comparison_bars(current: float, previous: float, *, width: int = 260) -> list[PairBar]:
    """Two labelled bars, this period above the previous one, on one scale."""
    largest = max(abs(current), abs(previous), 1e-9)
    usable = width - 120
    return [PairBar(label, value, max(1, round(abs(value) / largest * usable)) if value else 0, y)
            for label, value, y in ((_("This period"), current, 0), (_("Previous"), previous, 20))]
