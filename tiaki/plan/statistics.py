"""Safe statistics on victims for the UNODC Global Report and US TIP questionnaires, and a
record-level research file in CTDC/HTCDS terms (Plan item 4; seed 002: New Zealand "reports
periodically ... to both the United Nations and the United States' State Department").

Disclosure control, as the release log records it:

- Aggregate tables (victims by sex, age group, citizenship, form of exploitation) publish no
  cell between 1 and ``TIAKI_STATS_MIN_CELL - 1``. Each table publishes its total, so when only
  one cell of a table is suppressed the next smallest non-zero cell is suppressed too
  (complementary suppression): no suppressed cell can be recovered by subtraction.
- Every published count (cells and totals) is then randomly rounded to a multiple of
  ``TIAKI_STATS_ROUNDING_BASE`` (default 3), unbiased (up with probability remainder/base),
  but *consistently*: the draw is an HMAC of the table, the cell and the true count under a
  key kept outside releases (``TIAKI_STATS_KEY``), so the same true count in the same cell
  publishes the same figure in every release. Repeating or overlapping releases therefore
  cannot be averaged or differenced back to exact counts (the consistency property of the
  ABS cell-key method; here keyed by the count, as the law-enforcement figures are counted
  already aggregated).
- Law-enforcement figures (investigations, suspects, prosecutions, convictions, acquittals
  and sentences, by form of exploitation, by sex and by sentence kind, from the Prosecute
  flow) are published under the same suppression and rounding.
- The record-level file keeps only the quasi-identifiers CTDC publishes (year, sex, age group,
  citizenship, form of exploitation), generalises citizenship to "Other" where fewer than k
  victims share it, and then drops every record whose combination is shared by fewer than k
  records (``TIAKI_STATS_K``, default 11 as CTDC uses), so no published record is unique.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

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


def _rounding_key() -> bytes:
    configured = settings.TIAKI_STATS_KEY
    if configured:
        return configured.encode()
    return hashlib.sha256(b"tiaki.statistics.rounding\x00" + settings.SECRET_KEY.encode()).digest()


def consistent_round(count: int, *, table: str, cell: str, base: int | None = None) -> int:
    """``count`` rounded to a multiple of ``base``, up with probability remainder/base, by a
    keyed draw that depends only on the table, the cell and the count: the same figure
    always publishes the same way. Zero and multiples of the base are left as they are."""
    base = settings.TIAKI_STATS_ROUNDING_BASE if base is None else base
    remainder = count % base if base > 1 else 0
    if count <= 0 or remainder == 0:
        return count
    digest = hmac.new(_rounding_key(), f"{table}\x1f{cell}\x1f{count}".encode(),
                      hashlib.sha256).digest()
    draw = int.from_bytes(digest[:8], "big") / 2 ** 64
    lower = count - remainder
    return lower + base if draw < remainder / base else lower


def safe_table(counts: dict[str, int], *, table: str, threshold: int,
               base: int | None = None) -> dict[str, int | str]:
    """Suppress small cells (with their complement), then round what is published."""
    return {cell: value if value == SUPPRESSED else
            consistent_round(int(value), table=table, cell=cell, base=base)
            for cell, value in suppress(counts, threshold).items()}


def safe_total(total: int, *, table: str, threshold: int, base: int | None = None
               ) -> int | str:
    if 0 < total < threshold:
        return SUPPRESSED
    return consistent_round(total, table=table, cell="total", base=base)


# The law-enforcement counts the TIP and UNODC questionnaires ask for (the Prosecute flow's
# figures); sentence lengths are not published, as one long sentence can name its offender.
LAW_ENFORCEMENT = ("investigations", "suspects_persons", "suspects_organisations",
                   "prosecuted", "convicted", "acquitted", "sentenced", "imprisoned")


def readable(name: str) -> str:
    """A table or figure key as a heading ("prosecuted_by_sex" -> "Prosecuted by sex"), in
    the page's language where the catalogue has the heading."""
    from django.utils.translation import gettext

    return gettext(name.replace("_", " ").capitalize())


def law_enforcement_tables(period: Period, *, threshold: int, base: int | None = None
                           ) -> dict[str, Any]:
    import datetime as dt

    from tiaki.investigations.selectors import law_enforcement_figures

    figures = law_enforcement_figures(period.start, period.end - dt.timedelta(days=1))
    totals = {name: safe_total(int(figures.total[name]), table=f"law.{name}",
                               threshold=threshold, base=base) for name in LAW_ENFORCEMENT}
    tables = {
        f"{name}_by_form": safe_table(
            {form: int(values[name]) for form, values in figures.by_form.items()},
            table=f"law.{name}.form", threshold=threshold, base=base)
        for name in LAW_ENFORCEMENT}
    tables["prosecuted_by_sex"] = safe_table(figures.prosecuted_by_sex, table="law.prosecuted.sex",
                                             threshold=threshold, base=base)
    tables["convicted_by_sex"] = safe_table(figures.convicted_by_sex, table="law.convicted.sex",
                                            threshold=threshold, base=base)
    tables["sentences_by_kind"] = safe_table(figures.sentences, table="law.sentences.kind",
                                             threshold=threshold, base=base)
    return {"totals": totals, "tables": tables}


def aggregate_tables(period: Period, *, threshold: int | None = None,
                     base: int | None = None) -> dict[str, Any]:
    threshold = threshold or settings.TIAKI_STATS_MIN_CELL
    records = victim_records(period)
    tables = {}
    for name in ("sex", "age_group", "citizenship", "exploitation"):
        counts = Counter(getattr(r, name) for r in records)
        tables[name] = safe_table(dict(counts), table=f"victims.{name}", threshold=threshold,
                                  base=base)
    return {"total": safe_total(len(records), table="victims", threshold=threshold, base=base),
            "tables": tables,
            "law_enforcement": law_enforcement_tables(period, threshold=threshold, base=base)}


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
        raise Refused(_("the working group's secretariat publishes statistics"))
    if kind == StatisticsRelease.Kind.AGGREGATES:
        parameters: dict[str, Any] = {
            "min_cell": settings.TIAKI_STATS_MIN_CELL,
            "rounding_base": settings.TIAKI_STATS_ROUNDING_BASE,
            "method": "primary and complementary cell suppression, then consistent keyed "
                      "random rounding of every published count"}
        content: Any = aggregate_tables(period)
    elif kind == StatisticsRelease.Kind.RESEARCH_FILE:
        parameters = {"k": settings.TIAKI_STATS_K, "quasi_identifiers": list(QUASI),
                      "method": "citizenship generalised below k; records in classes below k "
                                "dropped"}
        content = {"records": research_file(period)}
    else:
        raise Refused(_("unknown release kind %(kind)s") % {"kind": repr(kind)})
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    with transaction.atomic():
        release = StatisticsRelease.objects.create(
            kind=kind, start=period.start, end=period.end, parameters=parameters,
            content=content, sha256=hashlib.sha256(text.encode()).hexdigest(),
            published_by=actor)
        audit_record(actor=actor, action=Action.EXPORT, obj=release,
                     summary=f"Statistics released: {release}", changes=parameters)
    return release
