"""The Plan of Action as data, and the progress agencies record against its action items.

Loaded from a versioned plan file (``plans/nz-2009.yaml``) by ``tiaki loadplan``; see
``tiaki.plan.loader`` for the file's schema. Timetable kinds follow the Plan's own key
(seed 002/003): short = within one year of the plan's start, medium = two years,
long = more than two years, ongoing, and event-triggered ("at the time when a case of
trafficking is identified").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency


class Plan(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    country = models.CharField(max_length=2)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    published = models.CharField(max_length=20, blank=True)
    start_date = models.DateField()
    source = models.TextField(blank=True)
    licence = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    code = models.SlugField(max_length=40)
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_section_code")
        ]

    def __str__(self) -> str:
        return self.title


class Principle(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="principles")
    code = models.CharField(max_length=10)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_principle_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveIntegerField()
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_goal_number")
        ]

    def __str__(self) -> str:
        return f"Goal {self.number}"


class TimetableKind(models.TextChoices):
    SHORT = "short", _("Short term (within 1 year)")
    MEDIUM = "medium", _("Medium term (within 2 years)")
    LONG = "long", _("Long term (over 2 years)")
    ONGOING = "ongoing", _("Ongoing")
    EVENT = "event", _("When a case is identified")


# How far after the plan's start each kind of phase falls due. Long-term work is "over two
# years"; Tiaki reviews it at three. Ongoing and event-triggered phases have no due date.
TIMETABLE_OFFSET_YEARS: dict[str, int] = {
    TimetableKind.SHORT: 1,
    TimetableKind.MEDIUM: 2,
    TimetableKind.LONG: 3,
}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class ActionItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField()
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="items")
    objective = models.TextField()
    action = models.TextField()
    measure = models.TextField()
    business_as_usual = models.BooleanField(null=True)
    # Codes of live metrics that measure this item (see tiaki.plan.metrics).
    metrics = models.JSONField(default=list, blank=True)
    agencies = models.ManyToManyField(Agency, through="ItemAgency", related_name="plan_items")
    related_principles = models.ManyToManyField(Principle, blank=True, related_name="items")
    related_goals = models.ManyToManyField(Goal, blank=True, related_name="items")

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_item_number")
        ]

    def __str__(self) -> str:
        return f"Item {self.number}"

    def due_date(self) -> dt.date | None:
        """The last due date among the item's dated phases (None if none is dated)."""
        dates = [phase.due_date() for phase in self.timetable.all()]
        dated = [d for d in dates if d is not None]
        return max(dated) if dated else None

    def agency_codes(self) -> list[str]:
        return [link.agency.code for link in self.agency_links.all()]


class ItemAgency(models.Model):
    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="agency_links")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="item_links")
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["item", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "agency"], name="unique_item_agency")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.agency}"


class TimetablePhase(models.Model):
    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="timetable")
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=TimetableKind.choices)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["item", "order"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"

    def due_date(self) -> dt.date | None:
        years = TIMETABLE_OFFSET_YEARS.get(self.kind)
        if years is None:
            return None
        return add_years(self.item.plan.start_date, years)


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETE = "complete", _("Complete")
    ONGOING = "ongoing", _("Ongoing")
    AT_RISK = "at_risk", _("At risk")


class ProgressUpdate(models.Model):
    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="plan_updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=ProgressStatus.choices)
    narrative = models.TextField()
    reported_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reported_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_status_display()} ({self.reported_on})"


class Evidence(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="plan-evidence/%Y/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.original_name

# Structured records and report builds live in their own modules; importing them here is
# what registers their models with the app.
from tiaki.plan import records, report_models, working_group  # noqa: E402, F401
