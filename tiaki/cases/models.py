"""Victim cases and what follows from them: certification, consent, referrals, safety,
repatriation, immigration status, justice and closure (seed 002, action items 13-28).

A case is known by its pseudonymous reference (``VC-2026-0001``). Identifying details live
only in ``IdentifyingDetails.ciphertext``, encrypted with keys kept outside the database
(``tiaki.core.crypto``); nothing else in these tables may hold a name, document number,
contact or address.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency

USER = settings.AUTH_USER_MODEL


class CaseStatus(models.TextChoices):
    """HTCDS cas_Status values."""

    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", _("Follow up")
    CLOSED = "Closed", _("Closed")
    CLOSED_REFERRED = "ClosedReferred", _("Closed (referred)")


class TraffickingStatus(models.TextChoices):
    """HTCDS vic_TraffickingStatus values."""

    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class Gender(models.TextChoices):
    """HTCDS prs_Gender values."""

    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANS_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANS_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified or unknown")


class VictimCase(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="victim_cases")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=CaseStatus.choices,
                              default=CaseStatus.ACTIVE)
    trafficking_status = models.CharField(max_length=40, choices=TraffickingStatus.choices,
                                          default=TraffickingStatus.POSSIBLE)
    # Minimal collection: age in years (not the birth date) and the child flag are enough
    # for every rule here; the birth date, if known, is an identifying detail.
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    is_child = models.BooleanField(default=False)
    gender = models.CharField(max_length=30, choices=Gender.choices, blank=True)
    nationality = models.CharField(max_length=60, blank=True)
    languages = models.CharField(max_length=200, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    exploitation_types = models.JSONField(default=list, blank=True)
    methods_of_control = models.JSONField(default=list, blank=True)
    recruitment_methods = models.JSONField(default=list, blank=True)
    relationship_to_trafficker = models.CharField(max_length=20, blank=True)
    # Where the case came from: the intake report and screening references (links by
    # reference, so a case can also start from a paper referral).
    source_report = models.CharField(max_length=40, blank=True)
    source_screening = models.CharField(max_length=40, blank=True)
    # The same links as keys, when the source is in Tiaki: each side shows the other to
    # whoever may see it (its own policy decides).
    report = models.ForeignKey("intake.Report", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="cases")
    screening = models.ForeignKey("intake.Screening", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="cases")
    alert = models.ForeignKey("screening.Alert", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="cases")
    referring_agency = models.ForeignKey(Agency, null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    # Justice (items 24, 28)
    witness_statement = models.CharField(max_length=20, blank=True, default="not_started")
    compensation_informed_on = models.DateField(null=True, blank=True)
    # Closure (measures for items 14, 15, 18, 20, 22, 28)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=40, blank=True)
    closure_note = models.TextField(blank=True)
    services_received = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # The case list's default order and the measures' period filters use these ranges.
        indexes = [models.Index(fields=["-created_at"], name="case_created_idx"),
                   models.Index(fields=["closed_at"], name="case_closed_idx"),
                   models.Index(fields=["compensation_informed_on"],
                                name="case_compensation_idx"),
                   # The case list opens on a team's open cases: counted through the policy's
                   # ``agency_id IN (...)`` from this index alone (issue 16).
                   models.Index(fields=["agency"], condition=models.Q(closed_at__isnull=True),
                                name="case_open_agency_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status in {CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED}


class IdentifyingDetails(models.Model):
    """Names, date of birth, documents, contacts and addresses: one encrypted blob."""

    case = models.OneToOneField(VictimCase, on_delete=models.CASCADE, related_name="identity")
    ciphertext = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Identifying details of {self.case_id}"


class CaseMember(models.Model):
    """A person from another agency added to the case team (e.g. a Police investigator)."""

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="case_memberships")
    added_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="unique_member")]

    def __str__(self) -> str:
        return f"{self.user_id} on case {self.case_id}"


class TraffickingEvent(models.Model):
    """HTCDS historic trafficking events: where and when recruitment, transit, exploitation."""

    class Kind(models.TextChoices):
        RECRUITMENT = "recruitment", _("Recruitment")
        TRANSIT = "transit", _("Transit")
        EXPLOITATION = "exploitation", _("Exploitation")

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    place = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=60, blank=True)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["date_from", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.place}".strip()


class ChildInvolvement(models.Model):
    """Oranga Tamariki's involvement in a case with a person under 18 (seed 004)."""

    case = models.OneToOneField(VictimCase, on_delete=models.CASCADE, related_name="child")
    notified_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Oranga Tamariki notice for case {self.case_id}"


class Certification(models.Model):
    """Police certification of a suspected victim (seed 002, item 13)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ISSUED = "issued", _("Issued")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE,
                             related_name="certifications")
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # {"act": {"findings": [...], "evidence": "..."}, "means": ..., "purpose": ...}
    assessment = models.JSONField(default=dict)
    witness_statements = models.TextField(blank=True)
    endorsed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    revoked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["-requested_at"], name="cert_requested_idx"),
                   models.Index(fields=["decided_at"], name="cert_decided_idx"),
                   models.Index(fields=["revoked_at"], name="cert_revoked_idx")]

    def __str__(self) -> str:
        return self.reference


class Consent(models.Model):
    """One version of the victim's consent for one purpose; the newest version counts."""

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    granted = models.BooleanField()
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    how_obtained = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["purpose", "-version"]
        constraints = [models.UniqueConstraint(fields=["case", "purpose", "version"],
                                               name="unique_consent_version")]

    def __str__(self) -> str:
        return f"Consent {self.purpose} v{self.version}"


class Referral(models.Model):
    """A referral of a case to an agency for one service (seed 002, items 14-28)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="referrals")
    service = models.CharField(max_length=40)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="case_referrals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    consent = models.ForeignKey(Consent, null=True, on_delete=models.PROTECT, related_name="+")
    certification = models.ForeignKey(Certification, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="referrals")
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField()
    appointment = models.CharField(max_length=200, blank=True)
    handled_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    outcome = models.TextField(blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["-requested_at"], name="referral_requested_idx"),
                   models.Index(fields=["status", "service", "updated_at"],
                                name="referral_done_idx")]

    OPEN = frozenset({Status.REQUESTED, Status.ACCEPTED, Status.IN_PROGRESS})

    def __str__(self) -> str:
        return f"Referral {self.pk} ({self.service})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()


class CaseEvent(models.Model):
    """The case's history as its team sees it (the audit trail keeps the full record)."""

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40)
    # ``summary`` is the English as written; ``template`` and ``params`` let a page show the
    # same line in its own language (empty ``template``: the summary is shown as it is).
    summary = models.CharField(max_length=300)
    template = models.CharField(max_length=300, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    certification = models.ForeignKey(Certification, null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="history")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="history")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.summary

    @property
    def shown(self) -> str:
        """The line in the page's language: the template and each word put into it are looked
        up in the catalogue (names and references are not in it, so they stay as written)."""
        if not self.template:
            return self.summary
        try:
            return gettext(self.template) % {
                key: gettext(value) if isinstance(value, str) and value else value
                for key, value in self.params.items()}
        except (KeyError, TypeError, ValueError):  # a template the catalogue words wrongly
            return self.summary


class RiskAssessment(models.Model):
    """Police assessment of danger to the victim and their family abroad (item 22)."""

    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="risks")
    assessed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    level = models.CharField(max_length=10, choices=Level.choices)
    family_abroad_at_risk = models.BooleanField(default=False)
    assessment = models.TextField()
    measures = models.TextField(blank=True)
    review_on = models.DateField()

    class Meta:
        ordering = ["-assessed_at"]
        indexes = [models.Index(fields=["assessed_at"], name="risk_assessed_idx")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} risk"

    @property
    def review_due(self) -> bool:
        return self.review_on <= timezone.localdate()


class HumanitarianAssessment(models.Model):
    """Assessment before a repatriation is planned (item 14: "Following an humanitarian
    assessment")."""

    class Recommendation(models.TextChoices):
        RETURN = "return", _("Assisted return home")
        STAY_TEMPORARY = "stay_temporary", _("Remain in New Zealand temporarily")
        STAY_PERMANENT = "stay_permanent", _("Remain in New Zealand permanently")

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="humanitarian")
    assessed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    wishes_to_return = models.BooleanField()
    safe_to_return = models.BooleanField()
    considerations = models.TextField()
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices)

    class Meta:
        ordering = ["-assessed_at"]

    def __str__(self) -> str:
        return self.get_recommendation_display()


class Repatriation(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="repatriations")
    assessment = models.ForeignKey(HumanitarianAssessment, on_delete=models.PROTECT,
                                   related_name="+")
    planned_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    planned_at = models.DateTimeField(default=timezone.now)
    destination_country = models.CharField(max_length=60)
    travel_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    mfat_task = models.ForeignKey(Referral, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["planned_at"], name="repatriation_planned_idx")]

    def __str__(self) -> str:
        return f"Repatriation to {self.destination_country}"


class ImmigrationApplication(models.Model):
    """An application for an immigration status (item 16), with its decision."""

    class Kind(models.TextChoices):
        TEMPORARY = "temporary", _("Temporary visa (victims of trafficking)")
        RESIDENCE = "residence", _("Residence")

    class Status(models.TextChoices):
        LODGED = "lodged", _("Lodged")
        GRANTED = "granted", _("Granted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="applications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    lodged_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LODGED)
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return self.get_kind_display()


class InterviewPlan(models.Model):
    """A victim-friendly interview (item 24)."""

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="interviews")
    planned_for = models.DateTimeField()
    interpreter_language = models.CharField(max_length=60, blank=True)
    support_person = models.BooleanField(default=False)
    breaks_every_minutes = models.PositiveSmallIntegerField(default=45)
    arrangements = models.TextField(blank=True)
    planned_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Interview {self.planned_for:%Y-%m-%d}"


class CourtDate(models.Model):
    """A hearing the victim attends, with the MoJ adviser assigned (items 25, 26)."""

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="court_dates")
    on = models.DateField()
    court = models.CharField(max_length=120)
    hearing = models.CharField(max_length=120)
    adviser = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["on"]

    def __str__(self) -> str:
        return f"{self.hearing} on {self.on}"


class MinisterNotice(models.Model):
    """Anonymised notice to the Minister's office (seed 002, "Review of the Plan of Action
    implementation": "The Minister of Immigration will be informed of any cases of people
    trafficking as they arise"): when a report or screening is triaged as suspected
    trafficking, when a case opens, and again on certification, revocation and closure.
    It carries the record's reference, agency, region, form of exploitation and age band,
    never identifying details."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report triaged as suspected trafficking")
        SCREENING = "screening", _("Screening referred as suspected trafficking")
        CASE_OPENED = "case_opened", _("Victim case opened")
        CERTIFIED = "certified", _("Victim certified by Police")
        REVOKED = "revoked", _("Certification revoked")
        CLOSED = "closed", _("Case closed")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CERTIFIED)
    certification = models.ForeignKey(Certification, null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="minister_notices")
    reference = models.CharField(max_length=40, blank=True)
    agency = models.CharField(max_length=200, blank=True)
    region = models.CharField(max_length=100, blank=True)
    exploitation = models.CharField(max_length=300, blank=True)
    age_band = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    summary = models.TextField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Notice {self.pk}"
