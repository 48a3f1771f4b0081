"""Load a Plan of Action from its versioned data file.

File schema ``tiaki.plan/1`` (see ``plans/nz-2009.yaml``)::

    schema, code, country, title, publisher, published, start_date, source, licence
    sections:   [{code, title}]
    agencies:   [{code, name}]           # agencies the plan names; created if unknown
    principles: [{code, title, text}]
    goals:      [{number, section, text}]
    items:      [{number, section, objective, action, measure, agencies: [code],
                  timetable: [{kind, text}], related_principles: [code],
                  related_goals: [number], business_as_usual,
                  metrics: [code]}]           # live measures, see tiaki.plan.metrics

The whole file is validated before anything is written, and the load runs in one
transaction: a bad file changes nothing and the error names the file, the item and the
field. Loading the same file again changes nothing; a new version of the file updates the
plan in place (progress updates are kept).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tiaki.accounts.models import Agency
from tiaki.audit.services import Action, audit_record
from tiaki.plan.metrics import known_metrics
from tiaki.plan.models import (
    ActionItem,
    Goal,
    ItemAgency,
    Plan,
    Principle,
    Section,
    TimetablePhase,
)


class PlanFileError(Exception):
    """The plan file is wrong; the message names the file, the item and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SectionSpec(_Strict):
    code: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_-]*$")
    title: str = Field(min_length=1)


class AgencySpec(_Strict):
    code: str = Field(min_length=1, pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str = Field(min_length=1)


class PrincipleSpec(_Strict):
    code: str = Field(min_length=1)
    title: str = Field(min_length=1)
    text: str = ""


class GoalSpec(_Strict):
    number: int = Field(ge=1)
    section: str
    text: str = Field(min_length=1)


class PhaseSpec(_Strict):
    kind: Literal["short", "medium", "long", "ongoing", "event"]
    text: str = ""


class ItemSpec(_Strict):
    number: int = Field(ge=1)
    section: str
    objective: str = Field(min_length=1)
    action: str = Field(min_length=1)
    measure: str = Field(min_length=1)
    timetable: list[PhaseSpec] = Field(min_length=1)
    agencies: list[str] = Field(min_length=1)
    related_principles: list[str] = []
    related_goals: list[int] = []
    business_as_usual: bool | None = None
    metrics: list[str] = []


class PlanSpec(_Strict):
    schema_: Literal["tiaki.plan/1"] = Field(alias="schema")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    country: str = Field(pattern=r"^[A-Z]{2}$")
    title: str = Field(min_length=1)
    publisher: str = ""
    published: str = ""
    start_date: dt.date
    source: str = ""
    licence: str = ""
    sections: list[SectionSpec] = Field(min_length=1)
    agencies: list[AgencySpec] = []
    principles: list[PrincipleSpec] = []
    goals: list[GoalSpec] = []
    items: list[ItemSpec] = Field(min_length=1)

    @field_validator("published", mode="before")
    @classmethod
    def _published_as_text(cls, value: Any) -> Any:
        # YAML reads 2009-07 as a string but 2009-07-01 as a date; keep either as text.
        return value.isoformat() if isinstance(value, dt.date) else value


def _where(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic location into words: "item 5, field 'timetable[0].kind'"."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] in {"items", "goals", "principles", "sections", "agencies"}:
        collection, index = parts[0], parts[1]
        entry: Any = None
        if isinstance(index, int) and isinstance(raw.get(collection), list):
            entries = raw[collection]
            entry = entries[index] if index < len(entries) else None
        key = {"items": "number", "goals": "number"}.get(str(collection), "code")
        ident = entry.get(key) if isinstance(entry, dict) else None
        label = {"items": "item", "goals": "goal", "principles": "principle",
                 "sections": "section", "agencies": "agency"}[str(collection)]
        position = index + 1 if isinstance(index, int) else index
        who = f"{label} {ident}" if ident is not None else f"{label} #{position}"
        field = _join(parts[2:])
        return f"{who}, field '{field}'" if field else who
    return f"field '{_join(parts)}'"


def _join(parts: list[int | str]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + ("schema" if part == "schema_" else part)
    return text


def _check_references(spec: PlanSpec, known_agencies: set[str]) -> list[str]:
    errors: list[str] = []
    sections = {s.code for s in spec.sections}
    goals = {g.number for g in spec.goals}
    principles = {p.code for p in spec.principles}
    agencies = known_agencies | {a.code for a in spec.agencies}
    metrics = known_metrics()
    for kind, values in (
        ("section", [s.code for s in spec.sections]),
        ("goal", [str(g.number) for g in spec.goals]),
        ("principle", [p.code for p in spec.principles]),
        ("item", [str(i.number) for i in spec.items]),
    ):
        seen: set[str] = set()
        for value in values:
            if value in seen:
                errors.append(f"{kind} {value} is defined twice")
            seen.add(value)
    for goal in spec.goals:
        if goal.section not in sections:
            errors.append(f"goal {goal.number}, field 'section': unknown section {goal.section!r}")
    for item in spec.items:
        where = f"item {item.number}"
        if item.section not in sections:
            errors.append(f"{where}, field 'section': unknown section {item.section!r}")
        for code in item.agencies:
            if code not in agencies:
                errors.append(f"{where}, field 'agencies': unknown agency {code!r}")
        for code in item.related_principles:
            if code not in principles:
                errors.append(f"{where}, field 'related_principles': unknown principle {code!r}")
        for number in item.related_goals:
            if number not in goals:
                errors.append(f"{where}, field 'related_goals': unknown goal {number}")
        for code in item.metrics:
            if code not in metrics:
                errors.append(f"{where}, field 'metrics': unknown metric {code!r}")
    return errors


def parse_plan_file(path: Path) -> tuple[PlanSpec, str]:
    """Read and validate a plan file; return the spec and the file's content hash."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot read the file ({exc.strerror})") from exc
    try:
        raw = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise PlanFileError(f"{path}:{line} is not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise PlanFileError(f"{path}: a plan file is a mapping with schema, code, items, …")
    try:
        spec = PlanSpec.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{path}: {_where(raw, tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise PlanFileError("\n".join(problems)) from exc
    known = set(Agency.objects.values_list("code", flat=True))
    problems = _check_references(spec, known)
    if problems:
        raise PlanFileError("\n".join(f"{path}: {p}" for p in problems))
    return spec, hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class LoadResult:
    plan: Plan
    created: bool
    changed: bool
    items: int


def plan_load(*, path: Path, actor: Any = None) -> LoadResult:
    """Validate ``path`` fully, then create or update its plan in one transaction."""
    spec, content_hash = parse_plan_file(path)
    with transaction.atomic():
        existing = Plan.objects.filter(code=spec.code).first()
        if existing is not None and existing.content_hash == content_hash:
            return LoadResult(existing, created=False, changed=False, items=existing.items.count())
        plan, created = Plan.objects.update_or_create(
            code=spec.code,
            defaults={
                "country": spec.country,
                "title": spec.title,
                "publisher": spec.publisher,
                "published": spec.published,
                "start_date": spec.start_date,
                "source": spec.source,
                "licence": spec.licence,
                "content_hash": content_hash,
            },
        )
        _write_plan(plan, spec)
        audit_record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            obj=plan,
            summary=f"Loaded plan {spec.code} from {path.name}",
            changes={"content_hash": content_hash, "items": len(spec.items)},
        )
    return LoadResult(plan, created=created, changed=True, items=len(spec.items))


def _write_plan(plan: Plan, spec: PlanSpec) -> None:
    for agency_spec in spec.agencies:
        Agency.objects.get_or_create(
            code=agency_spec.code, defaults={"name": agency_spec.name, "country": spec.country}
        )
    agencies = {a.code: a for a in Agency.objects.all()}
    sections: dict[str, Section] = {}
    for order, section_spec in enumerate(spec.sections, start=1):
        sections[section_spec.code], _ = Section.objects.update_or_create(
            plan=plan, code=section_spec.code,
            defaults={"title": section_spec.title, "order": order},
        )
    plan.sections.exclude(code__in=sections).delete()
    principles: dict[str, Principle] = {}
    for p in spec.principles:
        principles[p.code], _ = Principle.objects.update_or_create(
            plan=plan, code=p.code, defaults={"title": p.title, "text": p.text}
        )
    plan.principles.exclude(code__in=principles).delete()
    goals: dict[int, Goal] = {}
    for g in spec.goals:
        goals[g.number], _ = Goal.objects.update_or_create(
            plan=plan, number=g.number, defaults={"section": sections[g.section], "text": g.text}
        )
    plan.goals.exclude(number__in=goals).delete()
    numbers = []
    for item_spec in spec.items:
        numbers.append(item_spec.number)
        item, _ = ActionItem.objects.update_or_create(
            plan=plan,
            number=item_spec.number,
            defaults={
                "section": sections[item_spec.section],
                "objective": item_spec.objective,
                "action": item_spec.action,
                "measure": item_spec.measure,
                "business_as_usual": item_spec.business_as_usual,
                "metrics": item_spec.metrics,
            },
        )
        item.agency_links.all().delete()
        ItemAgency.objects.bulk_create(
            ItemAgency(item=item, agency=agencies[code], order=order)
            for order, code in enumerate(item_spec.agencies, start=1)
        )
        item.timetable.all().delete()
        TimetablePhase.objects.bulk_create(
            TimetablePhase(item=item, order=order, kind=phase.kind, text=phase.text)
            for order, phase in enumerate(item_spec.timetable, start=1)
        )
        item.related_principles.set([principles[c] for c in item_spec.related_principles])
        item.related_goals.set([goals[n] for n in item_spec.related_goals])
    # An item dropped from a new version of the file goes only if nobody reported on it.
    plan.items.exclude(number__in=numbers).filter(updates__isnull=True).delete()
