"""Privacy obligations for the information Tiaki holds about victims.

``AccessRequest``: a victim's request to see (IPP 6) or correct (IPP 7) their information,
with its statutory deadlines (Privacy Act 2020, Part 4; the rules are data under
``data/legal/<country>/privacy-requests.yaml``). ``Breach``: a privacy breach, its
serious-harm assessment and the notifications it needs (Part 6). Minimal collection: a
request names the case it is about, not the requester again; the requester's identity lives
in the case's encrypted identifying details.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency

USER = settings.AUTH_USER_MODEL


class AccessRequest(models.Model):
    class Kind(models.TextChoices):
        ACCESS = "access", _("See their information (IPP 6)")
        CORRECTION = "correction", _("Correct their information (IPP 7)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DECIDED = "decided", _("Decided")
        TRANSFERRED = "transferred", _("Transferred")
        CLOSED = "closed", _("Closed")

    class Decision(models.TextChoices):
        GRANT = "grant", _("Granted")
        PART = "part", _("Granted in part")
        REFUSE = "refuse", _("Refused")

    class Requester(models.TextChoices):
        VICTIM = "victim", _("The victim")
        REPRESENTATIVE = "representative", _("A representative with the victim's authority")

    reference = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.VictimCase", on_delete=models.PROTECT,
                             related_name="privacy_requests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    requester = models.CharField(max_length=20, choices=Requester.choices,
                                 default=Requester.VICTIM)
    # How the requester was identified against the case (not the documents themselves).
    identity_checked = models.CharField(max_length=300)
    summary = models.TextField()
    received_on = models.DateField()
    due_on = models.DateField()
    transfer_due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    acknowledged_on = models.DateField(null=True, blank=True)
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.CharField(max_length=40, blank=True)
    extension_notice_on = models.DateField(null=True, blank=True)
    extension_note = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    grounds = models.JSONField(default=list, blank=True)
    withheld_parts = models.JSONField(default=list, blank=True)
    decision_note = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    transferred_to = models.CharField(max_length=200, blank=True)
    transferred_on = models.DateField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    correction_made = models.TextField(blank=True)
    statement = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    close_note = models.TextField(blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    OPEN = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED})

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="privacy_req_due_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        """Awaiting a decision (or a transfer): the deadline runs."""
        return self.status in self.OPEN

    @property
    def deadline(self) -> dt.date:
        """The decision is due by this day: the extended date, if extended."""
        return self.extended_to or self.due_on

    def overdue_on(self, today: dt.date) -> bool:
        return self.is_open and self.deadline < today


class Breach(models.Model):
    class Kind(models.TextChoices):
        ACCESS = "access", _("Unauthorised or accidental access")
        DISCLOSURE = "disclosure", _("Unauthorised or accidental disclosure")
        ALTERATION = "alteration", _("Alteration")
        LOSS = "loss", _("Loss")
        DESTRUCTION = "destruction", _("Destruction")
        UNAVAILABLE = "unavailable", _("The agency was prevented from accessing the information")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        ASSESSED = "assessed", _("Assessed")
        DECIDED = "decided", _("Decided")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    what_happened = models.TextField()
    occurred_on = models.DateField(null=True, blank=True)
    found_at = models.DateTimeField()
    records_affected = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECORDED)
    # {factor code: what was found}, one per serious-harm factor in the rules file.
    assessment = models.JSONField(default=dict, blank=True)
    serious_harm_likely = models.BooleanField(null=True, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    notifiable = models.BooleanField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    commissioner_notified_at = models.DateTimeField(null=True, blank=True)
    commissioner_reference = models.CharField(max_length=100, blank=True)
    commissioner_how = models.CharField(max_length=200, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_note = models.TextField(blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-found_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class AffectedPerson(models.Model):
    """A victim whose information a breach touched, and how they were told (or why not)."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="affected")
    case = models.ForeignKey("cases.VictimCase", on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField(null=True, blank=True)
    notified_how = models.CharField(max_length=200, blank=True)
    exception = models.CharField(max_length=40, blank=True)
    exception_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["breach", "case"],
                                               name="unique_breach_case")]

    def __str__(self) -> str:
        return f"{self.case_id} in breach {self.breach_id}"

    @property
    def settled(self) -> bool:
        return self.notified_at is not None or bool(self.exception)


class PrivacyEvent(models.Model):
    """The history of a request or a breach as the privacy officer sees it (the audit trail
    keeps the full record)."""

    request = models.ForeignKey(AccessRequest, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="history")
    breach = models.ForeignKey(Breach, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="history")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.summary
