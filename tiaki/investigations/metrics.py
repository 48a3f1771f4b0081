"""Live measures for Plan items 23 and 24 ("Evaluation of investigation process and
outcomes", seed 003), registered in the plan's metric registry and named on those items in
``plans/nz-2009.yaml``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tiaki.investigations import selectors
from tiaki.plan.metrics import metric


@metric("investigations.joint", "Joint investigations opened (team from two or more agencies)",
        "investigations")
def joint(start: dt.date, end: dt.date) -> tuple[int, dict[str, Any]]:
    return selectors.joint_investigations(start, end)


@metric("investigations.protocol_on_time",
        "Coordination-protocol steps done by their deadline", "%")
def protocol_on_time(start: dt.date, end: dt.date) -> tuple[float, dict[str, Any]]:
    return selectors.protocol_on_time(start, end)


@metric("investigations.victim_friendly_interviews",
        "Victim interviews held with every victim-friendly arrangement planned", "%")
def victim_friendly(start: dt.date, end: dt.date) -> tuple[float, dict[str, Any]]:
    return selectors.victim_friendly_interviews(start, end)


@metric("investigations.convictions", "Persons convicted of trafficking-related offences",
        "persons")
def convictions(start: dt.date, end: dt.date) -> tuple[int, dict[str, Any]]:
    figures = selectors.law_enforcement_figures(start, end - dt.timedelta(days=1))
    return figures.total["convicted"], {"prosecuted": figures.total["prosecuted"],
                                        "acquitted": figures.total["acquitted"],
                                        "sentenced": figures.total["sentenced"]}
