"""Reads for the investigations pages and API, and the law-enforcement figures.

The figures answer the law-enforcement questions the US State Department's Trafficking in
Persons (TIP) report and UNODC's Global Report questionnaire ask every year: investigations,
suspects, persons prosecuted, convicted and acquitted, and sentences imposed, each broken
down by form of exploitation (the HTCDS codes of ``data/cases/exploitation-types.yaml``;
an investigation with two forms counts under both, and once in the total). Counts only:
nothing in them identifies a person.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from tiaki.cases import catalogue as case_catalogue
from tiaki.cases.models import VictimCase
from tiaki.cases.policies import on_case_team
from tiaki.core.policy import visible
from tiaki.investigations.models import (
    Charge,
    Interview,
    Investigation,
    Link,
    Member,
    ProtocolStep,
    ReparationOrder,
    Sentence,
    Suspect,
)

UNSPECIFIED = "Unspecified"


def investigations_for(user: Any, query: str = "", status: str = "open"
                       ) -> QuerySet[Investigation]:
    found = visible(user, Investigation).select_related("lead_agency", "senior_officer")
    if query.strip():
        found = found.filter(title__icontains=query.strip()) | found.filter(
            reference__iexact=query.strip())
    if status in Investigation.Status.values:
        found = found.filter(status=status)
    return found


@dataclass(frozen=True)
class LinkView:
    link: Link
    visible: bool
    label: str
    url: str


def links_for(user: Any, investigation: Investigation) -> list[LinkView]:
    """Each linked record, shown only if the user may see it under its own policy."""
    from tiaki.investigations.services import LINKABLE

    views = []
    urls = {"report": ("intake:triage_detail", "pk"),
            "screening": ("intake:screening_detail", "pk"),
            "alert": ("screening:alert", "pk"), "case": ("cases:detail", "reference")}
    for link in investigation.links.select_related("report", "screening", "alert", "case"):
        model = LINKABLE[link.kind]
        target = link.target
        seen = visible(user, model).filter(pk=target.pk).exists()
        url = ""
        if seen:
            from django.urls import NoReverseMatch, reverse

            name, key = urls[link.kind]
            try:
                url = reverse(name, kwargs={key: getattr(target, key)})
            except NoReverseMatch:
                url = ""
        label = str(getattr(target, "reference", target)) if seen else ""
        views.append(LinkView(link, seen, label, url))
    return views


def reparations_for_case(user: Any, case: VictimCase) -> QuerySet[ReparationOrder]:
    orders = ReparationOrder.objects.filter(case=case)
    # The case team sees every order made for its victim (the policy's second branch), so
    # the case page needs no policy sub-selects; anyone else sees what the policy shows.
    if not on_case_team(user, case):
        orders = visible(user, orders)
    return orders.select_related("sentence", "sentence__charge", "sentence__charge__suspect")


# ---------------------------------------------------------------- figures


@dataclass
class FormFigures:
    investigations: int = 0
    suspects_persons: int = 0
    suspects_organisations: int = 0
    prosecuted: int = 0
    convicted: int = 0
    acquitted: int = 0
    sentenced: int = 0
    imprisoned: int = 0
    imprisonment_months: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        months = sorted(self.imprisonment_months)
        return {
            "investigations": self.investigations,
            "suspects_persons": self.suspects_persons,
            "suspects_organisations": self.suspects_organisations,
            "prosecuted": self.prosecuted, "convicted": self.convicted,
            "acquitted": self.acquitted, "sentenced": self.sentenced,
            "imprisoned": self.imprisoned,
            "longest_imprisonment_months": months[-1] if months else None,
            "shortest_imprisonment_months": months[0] if months else None,
        }


@dataclass(frozen=True)
class Figures:
    start: dt.date
    end: dt.date  # inclusive
    total: dict[str, Any]
    by_form: dict[str, dict[str, Any]]
    prosecuted_by_sex: dict[str, int]
    convicted_by_sex: dict[str, int]
    sentences: dict[str, int]
    reparation_ordered_nzd: Decimal


def _forms(investigation: Investigation, labels: dict[str, str]) -> list[str]:
    return [labels.get(c, c) for c in investigation.exploitation_types] or [UNSPECIFIED]


def law_enforcement_figures(start: dt.date, end: dt.date) -> Figures:
    """TIP/UNODC figures for ``start``..``end`` (both inclusive).

    A suspect counts as prosecuted in the period if a charge against them was laid in it;
    as convicted (or acquitted) if a charge against them was decided so in it; as sentenced
    if a sentence was imposed in it. Each person counts once per figure, by their most
    serious outcome in the period (convicted before acquitted).
    """
    labels = dict(case_catalogue.choices("exploitation_types"))
    figures: dict[str, FormFigures] = {}
    total = FormFigures()

    def bump(investigation: Investigation, attribute: str, value: Any = 1) -> None:
        for form in [*_forms(investigation, labels), None]:
            bucket = total if form is None else figures.setdefault(form, FormFigures())
            if attribute == "imprisonment_months":
                bucket.imprisonment_months.append(value)
            else:
                setattr(bucket, attribute, getattr(bucket, attribute) + value)

    for investigation in Investigation.objects.filter(opened_at__date__gte=start,
                                                      opened_at__date__lte=end):
        bump(investigation, "investigations")
    for suspect in Suspect.objects.filter(added_at__date__gte=start, added_at__date__lte=end
                                          ).select_related("investigation"):
        bump(suspect.investigation, "suspects_persons" if suspect.kind == Suspect.Kind.PERSON
             else "suspects_organisations")

    charges = Charge.objects.select_related("suspect", "suspect__investigation")
    prosecuted = {c.suspect for c in charges.filter(laid_on__gte=start, laid_on__lte=end)}
    decided = charges.filter(decided_on__gte=start, decided_on__lte=end)
    convicted = {c.suspect for c in decided.filter(status=Charge.Status.CONVICTED)}
    acquitted = {c.suspect for c in decided.filter(status=Charge.Status.ACQUITTED)} - convicted
    for suspect in prosecuted:
        bump(suspect.investigation, "prosecuted")
    for suspect in convicted:
        bump(suspect.investigation, "convicted")
    for suspect in acquitted:
        bump(suspect.investigation, "acquitted")

    sentences = Sentence.objects.filter(imposed_on__gte=start, imposed_on__lte=end
                                        ).select_related("charge__suspect__investigation")
    longest: dict[int, Sentence] = {}
    for sentence in sentences:
        # One sentence per person: the longest (the others are usually concurrent).
        pk = sentence.charge.suspect_id
        if pk not in longest or (sentence.months or 0) > (longest[pk].months or 0):
            longest[pk] = sentence
    kinds: Counter[str] = Counter()
    for sentence in longest.values():
        investigation = sentence.charge.suspect.investigation
        bump(investigation, "sentenced")
        kinds[sentence.get_kind_display()] += 1
        if sentence.kind == Sentence.Kind.IMPRISONMENT and sentence.months:
            bump(investigation, "imprisoned")
            bump(investigation, "imprisonment_months", sentence.months)
    reparation = ReparationOrder.objects.filter(
        ordered_on__gte=start, ordered_on__lte=end).aggregate(total=Sum("amount_nzd"))["total"]
    return Figures(
        start=start, end=end, total=total.as_dict(),
        by_form={form: f.as_dict() for form, f in sorted(figures.items())},
        prosecuted_by_sex=dict(Counter(s.get_sex_display() for s in prosecuted
                                       if s.kind == Suspect.Kind.PERSON)),
        convicted_by_sex=dict(Counter(s.get_sex_display() for s in convicted
                                      if s.kind == Suspect.Kind.PERSON)),
        sentences=dict(kinds), reparation_ordered_nzd=reparation or Decimal("0"))


# ---------------------------------------------------------------- measures (items 23, 24)

def protocol_on_time(start: dt.date, end_exclusive: dt.date) -> tuple[float, dict[str, int]]:
    """Item 23: share of the protocol's steps due in the period that were done in time."""
    due = ProtocolStep.objects.filter(due_at__date__gte=start, due_at__date__lt=end_exclusive)
    on_time = late = missed = 0
    for step in due:
        if step.was_on_time:
            on_time += 1
        elif step.done_at is not None:
            late += 1
        else:
            missed += 1
    counted = on_time + late + missed
    share = round(100 * on_time / counted, 1) if counted else 0.0
    return share, {"on time": on_time, "late": late, "not done": missed}


def joint_investigations(start: dt.date, end_exclusive: dt.date) -> tuple[int, dict[str, int]]:
    """Item 23: investigations opened in the period whose team spans two or more agencies."""
    opened = Investigation.objects.filter(opened_at__date__gte=start,
                                          opened_at__date__lt=end_exclusive)
    joint = 0
    by_lead: Counter[str] = Counter()
    for investigation in opened.select_related("lead_agency"):
        agencies = set(Member.objects.filter(investigation=investigation)
                       .values_list("user__agency_id", flat=True))
        if len(agencies) >= 2:
            joint += 1
            by_lead[investigation.lead_agency.code] += 1
    return joint, {"opened": opened.count(), **{f"led by {k}": v for k, v in by_lead.items()}}


def victim_friendly_interviews(start: dt.date, end_exclusive: dt.date
                               ) -> tuple[float, dict[str, int]]:
    """Item 24: share of victim interviews held in the period with every victim-friendly
    arrangement the plan promised (interpreter, support person, breaks)."""
    held = list(Interview.objects.filter(held_at__date__gte=start,
                                         held_at__date__lt=end_exclusive)
                .select_related("plan"))
    friendly = sum(1 for i in held if i.victim_friendly)
    breakdown = {
        "held": len(held), "victim-friendly": friendly,
        "with interpreter": sum(1 for i in held if i.interpreter_present),
        "with support person": sum(1 for i in held if i.support_person_present),
        "video recorded": sum(1 for i in held if i.video_recorded),
        "statement taken or signed": sum(1 for i in held if i.statement in {"taken", "signed"}),
    }
    return (round(100 * friendly / len(held), 1) if held else 0.0), breakdown
