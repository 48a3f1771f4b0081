"""Annual report builds: built in the background, then signed off and frozen.

A build holds the whole report as it stood when it was built (``content``, with the data's
as-of time) and its HTML and PDF renderings. Once the secretariat signs it off nothing in it
may change, so the published report reads the same years later whatever happens to the
live data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.plan.models import Plan


class FrozenReportError(Exception):
    """A signed-off report was about to be changed."""


class ReportBuild(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Built")
        FAILED = "failed", _("Failed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_builds")
    # A plan year, or any period [start, end) the secretariat asks for (start and end set).
    year = models.PositiveIntegerField(null=True, blank=True)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True, help_text="exclusive")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    message = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    as_of = models.DateTimeField(null=True, blank=True)
    content = models.JSONField(default=dict, blank=True)
    html = models.TextField(blank=True)
    pdf = models.BinaryField(blank=True, default=b"")
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan.code} progress report, {self.label} (build {self.pk})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and ReportBuild.objects.filter(
                pk=self.pk, signed_off_at__isnull=False).exists():
            raise FrozenReportError(f"{self} is signed off; it cannot change")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """"year 3", or "1 July 2011 to 30 June 2012" for a period of the secretariat's."""
        if self.start is not None and self.end is not None:
            last = self.end - dt.timedelta(days=1)
            return f"{self.start:%-d %B %Y} to {last:%-d %B %Y}"
        return f"year {self.year}"

    @property
    def last_day(self) -> dt.date | None:
        return self.end - dt.timedelta(days=1) if self.end is not None else None

    @property
    def slug(self) -> str:
        if self.start is not None and self.end is not None:
            return f"{self.start:%Y-%m-%d}-to-{self.end - dt.timedelta(days=1):%Y-%m-%d}"
        return f"year-{self.year}"

    @property
    def frozen(self) -> bool:
        return self.signed_off_at is not None


class StatisticsRelease(models.Model):
    """The release log: what was published, for which period, under which parameters."""

    class Kind(models.TextChoices):
        AGGREGATES = "aggregates", _("UNODC / US TIP aggregate tables")
        RESEARCH_FILE = "research_file", _("Record-level research file (CTDC terms)")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    start = models.DateField()
    end = models.DateField(help_text="exclusive")
    parameters = models.JSONField(default=dict)
    content = models.JSONField(default=dict)
    sha256 = models.CharField(max_length=64)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start} to {self.end}"
