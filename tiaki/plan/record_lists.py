"""Each kind of Plan record as a listing (``tiaki.core.listing``): paged, searched, exported.

The columns are the kind's own fields (``record_kinds.KINDS``), so a kind added there gets
its list, search box and export without code here. The view hands over the records the
model's policy lets the person see.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tiaki.core.listing import Column, Filter, Listing
from tiaki.core.policy import visible
from tiaki.plan.record_kinds import KINDS, LABELS, RecordKind
from tiaki.plan.templatetags.plan_extras import attr_display

TEXT_FIELDS = (models.CharField, models.TextField)


def _agencies(kind: RecordKind) -> Callable[[Any], list[tuple[str, str]]]:
    # The agencies that filed records of this kind (the records are read Plan-wide).
    def choices(user: Any) -> list[tuple[str, str]]:
        codes = (visible(user, kind.model).order_by("agency__code")
                 .values_list("agency__code", flat=True).distinct())
        return [(code, code) for code in codes]
    return choices


def _cell(name: str) -> Callable[[Any], Any]:
    return lambda row: attr_display(row, name)


def _column(kind: RecordKind, name: str) -> Column:
    field = kind.model._meta.get_field(name)
    label: str | Promise = LABELS.get(name) or str(getattr(field, "verbose_name", "") or name)
    # A link to another record (the Plan item) sorts by that record's own order.
    sort = (f"{name}__number",) if name == "item" else (name,)
    return Column(name, label, _cell(name), sort=sort)


@cache
def record_listing(slug: str) -> Listing:
    kind = KINDS[slug]
    text = tuple(name for name in kind.fields
                 if isinstance(kind.model._meta.get_field(name), TEXT_FIELDS))
    return Listing(
        name=f"plan-{slug}",
        title=kind.title,
        columns=[Column("agency", _("Agency"), "agency.code", sort=("agency__code",)),
                 *(_column(kind, name) for name in kind.fields)],
        default_sort=f"-{kind.date_field}",
        search=text,
        search_label=_("Search"),
        filters=[Filter("agency", _("Agency"), _agencies(kind), lookup="agency__code",
                        all_label=_("All agencies"))],
    )
