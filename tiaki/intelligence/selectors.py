"""Reads for the intelligence pages and API, always through the caveat policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet

from tiaki.core.policy import visible
from tiaki.intelligence.ftm import ShownProperty, shown_properties
from tiaki.intelligence.models import Entity, Report, Requirement
from tiaki.intelligence.policies import visible_reports


def reports_for(user: Any, query: str = "") -> QuerySet[Report]:
    """Search: the same policy as every other read, so a report the user may not see is
    never found (nor are its entities)."""
    found = visible_reports(user).select_related("scheme", "agency")
    return report_search(found, query, user)


def report_search(found: QuerySet[Report], query: str, user: Any) -> QuerySet[Report]:
    """Words of a report's title or text, its reference, or an entity's name in it."""
    query = query.strip()
    if query:
        hits = visible(user, Entity).filter(caption__icontains=query).values("report_id")
        found = found.filter(Q(title__icontains=query) | Q(text__icontains=query)
                             | Q(reference__iexact=query) | Q(pk__in=hits))
    return found


def entities_for(user: Any, query: str = "", schema: str = "") -> QuerySet[Entity]:
    found = visible(user, Entity).select_related("report")
    if query.strip():
        found = found.filter(caption__icontains=query.strip())
    if schema:
        found = found.filter(schema=schema)
    return found


@dataclass(frozen=True)
class RequirementStatus:
    requirement: Requirement
    last_report_at: dt.datetime | None
    reports: int
    stale: bool
    review_due: bool


def collection_plan(user: Any, *, now: dt.datetime) -> list[RequirementStatus]:
    """Each active requirement with its latest reporting; ``stale`` when nothing tagged to
    it was recorded within its ``recent_days`` before ``now`` (item 5: "Collect information
    related to people trafficking activity on an ongoing basis", seed 003). Counts use
    every report (the requirement owner must know a gap exists), but list none of them."""
    rows = []
    requirements = visible(user, Requirement).filter(active=True).select_related(
        "owner", "owner_agency").annotate(last=Max("reports__created_at"))
    for requirement in requirements:
        last = requirement.last
        stale = last is None or last < now - dt.timedelta(days=requirement.recent_days)
        rows.append(RequirementStatus(
            requirement=requirement, last_report_at=last,
            reports=requirement.reports.count(), stale=stale,
            review_due=requirement.review_on <= now.date()))
    return rows


def reports_recorded(start: dt.datetime, end: dt.datetime) -> tuple[int, dict[str, Any]]:
    """Item 5 "Use of intelligence": reports recorded in [start, end), and how many were
    tagged to a requirement or drawn on by an investigation."""
    found = Report.objects.filter(created_at__gte=start, created_at__lt=end)
    return found.count(), {
        "tagged_to_requirement": found.filter(requirements__isnull=False).distinct().count(),
        "used_by_investigation": found.filter(investigation__isnull=False).count()}


def shown_properties_for(user: Any, entities: list[Entity]) -> dict[int, list[ShownProperty]]:
    """Each entity's properties as its viewer reads them (``ftm.shown_properties``): the
    entities they reference are looked up in one query, through the same policy, so a
    reference to an entity in a report the viewer may not see reads as such."""
    from followthemoney import model as ftm_model
    from followthemoney import registry

    referenced: set[str] = set()
    for entity in entities:
        schema = ftm_model.get(entity.schema)
        for name, values in entity.properties.items():
            prop = schema.get(name) if schema is not None else None
            if prop is not None and prop.type == registry.entity:
                referenced.update(str(v) for v in values)
    captions = dict(visible(user, Entity).filter(ftm_id__in=referenced)
                    .values_list("ftm_id", "caption")) if referenced else {}
    return {e.pk: shown_properties(schema=e.schema, properties=e.properties, captions=captions)
            for e in entities}
