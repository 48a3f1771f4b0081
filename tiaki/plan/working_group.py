"""The Inter-agency Working Group's year (seed 002: the group "will continue to meet
regularly to coordinate and monitor progress"): meetings with agenda, attendance, minutes and
decisions; the actions they give agencies, with owners and due dates; and the reminders sent
to agencies whose items or actions are due or overdue.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from tiaki.accounts.models import Agency
from tiaki.plan.models import ActionItem, Plan

USER = settings.AUTH_USER_MODEL


class Meeting(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200, default="Inter-agency Working Group")
    agenda = models.TextField()
    minutes = models.TextField(blank=True)
    present = models.ManyToManyField(Agency, blank=True, related_name="+")
    apologies = models.ManyToManyField(Agency, blank=True, related_name="+")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title}, {self.held_on:%-d %B %Y}"


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey(ActionItem, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]


class WorkingGroupAction(models.Model):
    """An action a meeting gave an agency, with an owner and a due date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(ActionItem, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    text = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on < today


class Reminder(models.Model):
    """A reminder sent to an agency about its due or overdue items and actions (one a day)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    items = models.JSONField(default=list)
    actions = models.JSONField(default=list)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_on", "agency__code"]
        constraints = [models.UniqueConstraint(fields=["agency", "sent_on"],
                                               name="one_reminder_a_day")]

    def __str__(self) -> str:
        return f"Reminder to {self.agency.code} on {self.sent_on}"
