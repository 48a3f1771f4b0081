"""The privacy rules, read from ``data/legal/<country>/privacy-requests.yaml``.

Deadlines, what counts as a working day, the grounds for withholding, the serious-harm
factors and the notification exceptions are the law's decisions (Privacy Act 2020, Part 4
and Part 6 for New Zealand), so they are data; this module validates the file (a wrong file
names the line's field) and does the working-day arithmetic. Nothing here reads the clock:
callers pass the dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from tiaki.core.policy import Refused
from tiaki.intake.legaltest._reader import Reader, read_yaml

SCHEMA = "tiaki.privacy-requests/1"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    provision: str = ""


@dataclass(frozen=True)
class Rules:
    id: str
    version: str
    statute: str
    weekend: frozenset[int]
    closed_periods: tuple[tuple[tuple[int, int], tuple[int, int]], ...]
    covers: tuple[int, int]
    holidays: dict[dt.date, str]
    decision_days: int
    decision_provision: str
    transfer_days: int
    transfer_provision: str
    extension_provision: str
    extension_max_days: int
    extension_reasons: tuple[Choice, ...]
    grounds: tuple[Choice, ...]
    export_parts: tuple[str, ...]
    harm_factors: tuple[Choice, ...]
    exceptions: tuple[Choice, ...]
    remind_after_hours: int

    # ------------------------------------------------------------ working days

    def _closed(self, day: dt.date) -> bool:
        key = (day.month, day.day)
        for start, end in self.closed_periods:
            if start <= end:
                if start <= key <= end:
                    return True
            elif key >= start or key <= end:  # the period runs over the new year
                return True
        return False

    def is_working_day(self, day: dt.date) -> bool:
        if not self.covers[0] <= day.year <= self.covers[1]:
            raise Refused(_("the holiday list in the privacy rules covers %(first)s–%(last)s; "
                            "add %(year)s before counting working days in it") % {
                                "first": self.covers[0], "last": self.covers[1],
                                "year": day.year})
        return (day.weekday() not in self.weekend and day not in self.holidays
                and not self._closed(day))

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (the day of receipt is not counted)."""
        day = start
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    # ------------------------------------------------------------ look-ups

    @staticmethod
    def _label(choices: tuple[Choice, ...], code: str) -> str:
        return next((c.label for c in choices if c.code == code), code)

    def ground(self, code: str) -> Choice | None:
        return next((g for g in self.grounds if g.code == code), None)

    def ground_label(self, code: str) -> str:
        return self._label(self.grounds, code)

    def extension_label(self, code: str) -> str:
        return self._label(self.extension_reasons, code)

    def exception_label(self, code: str) -> str:
        return self._label(self.exceptions, code)

    def factor_label(self, code: str) -> str:
        return self._label(self.harm_factors, code)


def _choices(items: list[Reader], *, with_provision: bool = False) -> tuple[Choice, ...]:
    found = []
    for item in items:
        item.expect_keys({"code", "label"}, {"provision", "verified"})
        found.append(Choice(item.text("code"), item.text("label"),
                            item.text("provision") if with_provision and item.has("provision")
                            else ""))
    if len({c.code for c in found}) != len(found):
        items[0].fail_here("codes must be unique")
    return tuple(found)


def _month_day(node: Reader, key: str) -> tuple[int, int]:
    text = node.text(key)
    try:
        month, day = (int(part) for part in text.split("-"))
        dt.date(2000, month, day)
    except ValueError:
        node.fail(key, "must be a month and day written MM-DD")
    return month, day


def rules_load(path: Path | str | None = None) -> Rules:
    """Read and validate a privacy rules file; a wrong file names its field."""
    path = Path(path) if path is not None else default_path()
    data, _sha256 = read_yaml(path)
    top = Reader(str(path), data)
    top.expect_keys({"schema", "id", "version", "jurisdiction", "statute", "text_status",
                     "working_days", "deadlines", "extension", "withholding_grounds",
                     "export_parts", "breaches"}, {"correction"})
    if top.text("schema") != SCHEMA:
        top.fail("schema", f"must be {SCHEMA!r}")
    wd = top.child("working_days")
    wd.expect_keys({"weekend", "closed_periods", "covers", "holidays"}, {"provision", "verified"})
    weekend = frozenset(WEEKDAYS.index(d) for d in wd.texts("weekend", WEEKDAYS))
    periods = []
    for period in wd.items("closed_periods"):
        period.expect_keys({"from", "to"}, {"label"})
        periods.append((_month_day(period, "from"), _month_day(period, "to")))
    covers = wd.child("covers")
    covers.expect_keys({"from", "to"})
    first, last = covers.integer("from", 1900), covers.integer("to", 1900)
    if last < first:
        covers.fail("to", "must not be before 'from'")
    holidays: dict[dt.date, str] = {}
    for item in wd.items("holidays"):
        item.expect_keys({"date", "name"})
        day = item.date("date")
        if not first <= day.year <= last:
            item.fail("date", f"is outside the years covered ({first}–{last})")
        holidays[day] = item.text("name")
    deadlines = top.child("deadlines")
    deadlines.expect_keys({"decision", "transfer"})
    decision, transfer = deadlines.child("decision"), deadlines.child("transfer")
    for node in (decision, transfer):
        node.expect_keys({"working_days", "provision"}, {"verified"})
    ext = top.child("extension")
    ext.expect_keys({"reasons", "max_working_days"}, {"provision", "verified"})
    grounds = _choices(top.items("withholding_grounds"), with_provision=True)
    parts = top.texts("export_parts", ("case", "identity", "events", "consents", "referrals",
                                       "certifications", "history"))
    breaches = top.child("breaches")
    breaches.expect_keys({"harm_factors", "exceptions", "remind_after_hours"},
                         {"provision", "notify_commissioner", "notify_individuals"})
    factors = breaches.child("harm_factors")
    factors.expect_keys({"factors"}, {"provision", "verified"})
    exceptions = breaches.child("exceptions")
    exceptions.expect_keys({"reasons"}, {"provision", "verified"})
    return Rules(
        id=top.text("id"), version=top.text("version"), statute=top.text("statute"),
        weekend=weekend, closed_periods=tuple(periods), covers=(first, last),
        holidays=holidays,
        decision_days=decision.integer("working_days", 1),
        decision_provision=decision.text("provision"),
        transfer_days=transfer.integer("working_days", 1),
        transfer_provision=transfer.text("provision"),
        extension_provision=ext.text("provision") if ext.has("provision") else "",
        extension_max_days=ext.integer("max_working_days", 1),
        extension_reasons=_choices(ext.items("reasons")),
        grounds=grounds, export_parts=parts,
        harm_factors=_choices(factors.items("factors")),
        exceptions=_choices(exceptions.items("reasons")),
        remind_after_hours=breaches.integer("remind_after_hours", 1),
    )


def default_path() -> Path:
    return Path(settings.TIAKI_DATA_DIR) / "legal" / "nz" / "privacy-requests.yaml"


@lru_cache(maxsize=1)
def privacy_rules() -> Rules:
    """The install's rules (cached: the file changes only with a deployment)."""
    return rules_load()
