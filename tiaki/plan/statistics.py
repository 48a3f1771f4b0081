"""Safe statistics on victims for the UNODC Global Report and US TIP questionnaires, and a
record-level research file in CTDC/HTCDS terms (Plan item 4; seed 002: New Zealand "reports
periodically ... to both the United Nations and the United States' State Department").

Disclosure control, as the release log records it:

- Aggregate tables (victims by sex, age group, citizenship, form of exploitation) publish no
  cell between 1 and ``TIAKI_STATS_MIN_CELL - 1``. Each table publishes its total, so when only
  one cell of a table is suppressed the next smallest non-zero cell is suppressed too
  (complementary suppression): no suppressed cell can be recovered by subtraction.
- The record-level file keeps only the quasi-identifiers CTDC publishes (year, sex, age group,
  citizenship, form of exploitation), generalises citizenship to "Other" where fewer than k
  victims share it, and then drops every record whose combination is shared by fewer than k
  records (``TIAKI_STATS_K``, default 11 as CTDC uses), so no published record is unique.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from tiaki.cases.models import TraffickingStatus, VictimCase
from tiaki.plan.metrics import Period

SUPPRESSED = "<"  # shown in place of a suppressed cell


def _sex(gender: str) -> str:
    return {"Feminine": "Female", "TransgenderFeminine": "Female", "Masculine": "Male",
            "TransgenderMasculine": "Male"}.get(gender, "Other or unknown")


def _age_group(age: int | None, is_child: bool) -> str:
    if age is None:
        return "Child (under 18)" if is_child else "Unknown"
    return "Child (under 18)" if age < 18 else "Adult (18 and over)"


@dataclass(frozen=True)
class VictimRecord:
    year: int
    sex: str
    age_group: str
    citizenship: str
    exploitation: str


def victim_records(period: Period) -> list[VictimRecord]:
    """Victims identified (cases opened, not found to be other than trafficking) in the
    period, one row each, reduced to the published variables."""
    rows = (VictimCase.objects.filter(period.during("created_at"))
            .exclude(trafficking_status=TraffickingStatus.NOT_VICTIM)
            .values_list("created_at", "gender", "age", "is_child", "nationality",
                         "exploitation_types"))
    return [VictimRecord(created.year, _sex(gender), _age_group(age, child),
                         nationality or "Unknown",
                         sorted(types)[0] if types else "Unknown")
            for created, gender, age, child, nationality, types in rows]


def suppress(counts: dict[str, int], threshold: int) -> dict[str, int | str]:
    """Primary suppression of small cells, plus complementary suppression when only one
    cell of the table would be hidden."""
    small = {k for k, v in counts.items() if 0 < v < threshold}
    if len(small) == 1:
        others = sorted((v, k) for k, v in counts.items() if v > 0 and k not in small)
        if others:
            small.add(others[0][1])
    return {k: (SUPPRESSED if k in small else v) for k, v in sorted(counts.items())}


def aggregate_tables(period: Period, *, threshold: int | None = None) -> dict[str, Any]:
    threshold = threshold or settings.TIAKI_STATS_MIN_CELL
    records = victim_records(period)
    tables = {}
    for name in ("sex", "age_group", "citizenship", "exploitation"):
        counts = Counter(getattr(r, name) for r in records)
        tables[name] = suppress(dict(counts), threshold)
    return {"total": len(records) if len(records) >= threshold or not records else SUPPRESSED,
            "tables": tables}


QUASI = ("year", "sex", "age_group", "citizenship", "exploitation")


def research_file(period: Period, *, k: int | None = None) -> list[dict[str, Any]]:
    """Record-level research file where every combination of quasi-identifiers is shared by
    at least k records."""
    k = k or settings.TIAKI_STATS_K
    records = victim_records(period)
    common = Counter(r.citizenship for r in records)
    rows = [{"year": r.year, "sex": r.sex, "age_group": r.age_group,
             "citizenship": r.citizenship if common[r.citizenship] >= k else "Other",
             "exploitation": r.exploitation} for r in records]
    classes = Counter(tuple(row[q] for q in QUASI) for row in rows)
    return [row for row in rows if classes[tuple(row[q] for q in QUASI)] >= k]


def statistics_release(*, actor: Any, kind: str, period: Period) -> Any:
    """Publish one release and log its parameters (secretariat only)."""
    import hashlib
    import json

    from django.db import transaction

    from tiaki.accounts.roles import Role
    from tiaki.audit.services import Action, audit_record
    from tiaki.core.policy import Refused
    from tiaki.plan.report_models import StatisticsRelease

    if not actor.has_role(Role.SECRETARIAT):
        raise Refused("the working group's secretariat publishes statistics")
    if kind == StatisticsRelease.Kind.AGGREGATES:
        parameters: dict[str, Any] = {"min_cell": settings.TIAKI_STATS_MIN_CELL,
                                      "method": "primary and complementary cell suppression"}
        content: Any = aggregate_tables(period)
    elif kind == StatisticsRelease.Kind.RESEARCH_FILE:
        parameters = {"k": settings.TIAKI_STATS_K, "quasi_identifiers": list(QUASI),
                      "method": "citizenship generalised below k; records in classes below k "
                                "dropped"}
        content = {"records": research_file(period)}
    else:
        raise Refused(f"unknown release kind {kind!r}")
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    with transaction.atomic():
        release = StatisticsRelease.objects.create(
            kind=kind, start=period.start, end=period.end, parameters=parameters,
            content=content, sha256=hashlib.sha256(text.encode()).hexdigest(),
            published_by=actor)
        audit_record(actor=actor, action=Action.EXPORT, obj=release,
                     summary=f"Statistics released: {release}", changes=parameters)
    return release
