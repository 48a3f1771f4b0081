"""Structured records of work Tiaki does not otherwise hold, one typed model per measure.

Seed 003 gives each action item a measure. Where no operational app holds the data (training,
surveys, campaigns, research, international engagement, development grants, policy
decisions, feedback, victims' information), the responsible agency records a small typed
record here and the item's metric reads it (``tiaki.plan.record_metrics``). Each model says
which items it serves; the pages for recording them are in ``tiaki.plan.record_views``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency
from tiaki.plan.models import ActionItem


class AgencyRecord(models.Model):
    """What every structured record carries: who recorded it, for which agency, when."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class TrainingSession(AgencyRecord):
    """Item 1: operational staff trained on indicators, with the evaluation returned."""

    held_on = models.DateField()
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=200, help_text="e.g. border officers, labour inspectors")
    people_trained = models.PositiveIntegerField()
    evaluations_returned = models.PositiveIntegerField(default=0)
    rated_effective = models.PositiveIntegerField(
        default=0, help_text="evaluations rating the training effective")

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


class AwarenessSurvey(AgencyRecord):
    """Item 2: a survey of officials' awareness of trafficking indicators."""

    conducted_on = models.DateField()
    audience = models.CharField(max_length=200)
    respondents = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    aware = models.PositiveIntegerField(help_text="respondents who could name the indicators")

    class Meta:
        ordering = ["-conducted_on", "-pk"]

    def __str__(self) -> str:
        return f"Survey of {self.audience} ({self.conducted_on})"


class Campaign(AgencyRecord):
    """Item 3: a public awareness campaign, its reach and its evaluation."""

    name = models.CharField(max_length=200)
    launched_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    channels = models.CharField(max_length=300, help_text="media used, e.g. radio, social, print")
    reach = models.PositiveIntegerField(help_text="people reached (estimate)")
    evaluated_on = models.DateField(null=True, blank=True)
    recall_percent = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="share of those surveyed who recalled the campaign")

    class Meta:
        ordering = ["-launched_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class ResearchProject(AgencyRecord):
    """Item 4: research on trafficking in New Zealand and its peer review."""

    class Status(models.TextChoices):
        SCOPED = "scoped", _("Scoped")
        UNDERWAY = "underway", _("Under way")
        COMPLETE = "complete", _("Complete")

    class Review(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REVISIONS = "revisions", _("Accepted with revisions")
        REJECTED = "rejected", _("Not accepted")

    title = models.CharField(max_length=300)
    scoped_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCOPED)
    peer_reviewed_on = models.DateField(null=True, blank=True)
    peer_reviewer = models.CharField(max_length=200, blank=True)
    review_outcome = models.CharField(max_length=20, choices=Review.choices, blank=True)

    class Meta:
        ordering = ["-scoped_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class EngagementEvent(AgencyRecord):
    """Item 7 (and 8's "reporting on technical assistance, regional meetings")."""

    class Kind(models.TextChoices):
        REGIONAL_MEETING = "regional_meeting", _("Regional meeting")
        TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")
        INTERNATIONAL_FORUM = "international_forum", _("International forum")
        BILATERAL = "bilateral", _("Bilateral engagement")

    held_on = models.DateField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    forum = models.CharField(max_length=200)
    country = models.CharField(max_length=60, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.forum} ({self.held_on})"


class DevelopmentGrant(AgencyRecord):
    """Item 8: development assistance to an anti-trafficking project, and its accounts."""

    recipient = models.CharField(max_length=200)
    country = models.CharField(max_length=60)
    project = models.CharField(max_length=300)
    amount_nzd = models.DecimalField(max_digits=12, decimal_places=2,
                                     validators=[MinValueValidator(0)])
    awarded_on = models.DateField()
    accounts_due_on = models.DateField()
    accounts_received_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-awarded_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} ({self.recipient})"


class PolicyDecision(AgencyRecord):
    """Items 16, 17, 21: a Ministerial agreement or policy review, filed against its item."""

    class Kind(models.TextChoices):
        MINISTERIAL_AGREEMENT = "ministerial_agreement", _("Ministerial agreement sought")
        POLICY_REVIEW = "policy_review", _("Policy review")
        IMPLEMENTATION = "implementation", _("Policy in force")

    class Outcome(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        DECLINED = "declined", _("Declined")
        DEFERRED = "deferred", _("Deferred")
        COMPLETED = "completed", _("Completed")

    item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="decisions")
    decided_on = models.DateField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decided_by = models.CharField(max_length=200, help_text="e.g. Minister of Immigration")
    summary = models.TextField()

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_outcome_display()} ({self.decided_on})"


class Feedback(AgencyRecord):
    """Items 25, 26: feedback from victims, advisers and interpreters on the support given."""

    class Service(models.TextChoices):
        COURT_SUPPORT = "court_support", _("Support in the criminal justice process")
        INTERPRETING = "interpreting", _("Interpreting and cultural support")

    class From(models.TextChoices):
        VICTIM = "victim", _("Victim")
        ADVISER = "adviser", _("Court adviser")
        INTERPRETER = "interpreter", _("Interpreter")

    received_on = models.DateField()
    service = models.CharField(max_length=20, choices=Service.choices)
    respondent = models.CharField(max_length=20, choices=From.choices)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 = very poor, 5 = very good")
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_respondent_display()} on {self.get_service_display()}"


class InformationActivity(AgencyRecord):
    """Item 27: pamphlets distributed and information-line calls, per month and language."""

    class Kind(models.TextChoices):
        PAMPHLETS = "pamphlets", _("Pamphlets distributed")
        LINE_CALLS = "line_calls", _("Calls to the free information line")

    month = models.DateField(help_text="first day of the month counted")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(max_length=12, help_text="language code, e.g. mi, sm, zh")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["-month", "kind", "language"]
        constraints = [models.UniqueConstraint(fields=["agency", "month", "kind", "language"],
                                               name="unique_information_activity")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%b %Y} ({self.language})"
