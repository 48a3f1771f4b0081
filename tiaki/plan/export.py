"""The loaded Plan as plain data, for partners and tools (``tiaki plan export``, the API)."""

from __future__ import annotations

from typing import Any

from tiaki.plan.models import ActionItem, Plan


def item_as_dict(item: ActionItem) -> dict[str, Any]:
    return {
        "number": item.number,
        "section": item.section.code,
        "objective": item.objective,
        "action": item.action,
        "timetable": [{"kind": p.kind, "text": p.text} for p in item.timetable.all()],
        "timetable_kinds": [p.kind for p in item.timetable.all()],
        "agencies": item.agency_codes(),
        "measure": item.measure,
        "related_principles": [p.code for p in item.related_principles.all()],
        "related_goals": [g.number for g in item.related_goals.all()],
        "due_date": (due.isoformat() if (due := item.due_date()) else None),
    }


def plan_as_dict(plan: Plan) -> dict[str, Any]:
    items = plan.items.select_related("section", "plan").prefetch_related(
        "timetable", "agency_links__agency", "related_principles", "related_goals"
    )
    return {
        "code": plan.code,
        "country": plan.country,
        "title": plan.title,
        "publisher": plan.publisher,
        "published": plan.published,
        "start_date": plan.start_date.isoformat(),
        "source": plan.source,
        "sections": [{"code": s.code, "title": s.title} for s in plan.sections.all()],
        "principles": [{"code": p.code, "title": p.title} for p in plan.principles.all()],
        "goals": [{"number": g.number, "section": g.section.code, "text": g.text}
                  for g in plan.goals.select_related("section")],
        "agencies": sorted({code for item in items for code in item.agency_codes()}),
        "items": [item_as_dict(item) for item in items],
    }
