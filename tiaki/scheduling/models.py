"""Periodic jobs, kept in the database so the install runs them itself (no host cron)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class ScheduledJob(models.Model):
    """One periodic job: a task (``django.tasks``) run every N minutes or daily at a local
    time (``TIME_ZONE``). ``tiaki worker`` runs the jobs that are due."""

    name = models.CharField(max_length=80, unique=True)
    task_path = models.CharField(max_length=200, help_text=_("dotted path of a django.tasks task"))
    description = models.CharField(max_length=300, blank=True)
    every_minutes = models.PositiveIntegerField(null=True, blank=True)
    daily_at = models.TimeField(null=True, blank=True, help_text=_("local time (TIME_ZONE)"))
    enabled = models.BooleanField(default=True)
    next_run = models.DateTimeField(db_index=True)
    last_run = models.DateTimeField(null=True, blank=True)
    last_finished = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True, blank=True)
    last_result = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(every_minutes__isnull=False, daily_at__isnull=True)
                           | models.Q(every_minutes__isnull=True, daily_at__isnull=False)),
                name="scheduled_job_one_schedule"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def schedule_label(self) -> str:
        if self.daily_at is not None:
            return gettext("daily at %(time)s") % {"time": f"{self.daily_at:%H:%M}"}
        minutes = self.every_minutes or 0
        return ngettext("every %(minutes)s minute", "every %(minutes)s minutes",
                        minutes) % {"minutes": minutes}

    @property
    def shown_description(self) -> str:
        """The description in the reader's language: the registry marks each job's English
        for the catalogue; a description changed in the database is shown as it is."""
        return gettext(self.description) if self.description else ""
