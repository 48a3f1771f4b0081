"""Live measures for Plan items 23 and 24 ("Evaluation of investigation process and
outcomes", seed 003), registered in the plan's metric registry and named on those items in
``plans/nz-2009.yaml``. Each takes the registry's half-open ``Period``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tiaki.investigations import selectors
from tiaki.plan.metrics import Period, metric


@metric("investigations.joint", "Joint investigations opened (team from two or more agencies)",
        "investigations")
def joint(period: Period) -> tuple[int, dict[str, Any]]:
    return selectors.joint_investigations(period.start, period.end)


@metric("investigations.protocol_on_time",
        "Coordination-protocol steps done by their deadline", "%")
def protocol_on_time(period: Period) -> tuple[float, dict[str, Any]]:
    return selectors.protocol_on_time(period.start, period.end)


@metric("investigations.victim_friendly_interviews",
        "Victim interviews held with every victim-friendly arrangement planned", "%")
def victim_friendly(period: Period) -> tuple[float, dict[str, Any]]:
    return selectors.victim_friendly_interviews(period.start, period.end)


@metric("investigations.convictions", "Persons convicted of trafficking-related offences",
        "persons")
def convictions(period: Period) -> tuple[int, dict[str, Any]]:
    figures = selectors.law_enforcement_figures(period.start,
                                                period.end - dt.timedelta(days=1))
    return figures.total["convicted"], {"prosecuted": figures.total["prosecuted"],
                                        "acquitted": figures.total["acquitted"],
                                        "sentenced": figures.total["sentenced"]}
