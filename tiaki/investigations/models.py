"""Inter-agency investigations and prosecutions to outcome (seed 002, principle B
"Prosecution", goal 9, action items 23-28; seed 004: MBIE and Police investigate jointly).

An investigation is known by its reference (``INV-2026-0001``). It has a lead agency and a
senior officer ("suspected trafficking is dealt with by senior officials", seed 002), a
team drawn from several agencies, the steps of the coordination protocol
(``data/nz/investigation_protocol.yaml``, item 23), tasks, a communication log, links to the
reports, screenings, border alerts and victim cases it draws on, interviews with victims
(item 24), suspects and charges, exhibits with their chain of custody, disclosure to the
defence, and the court's outcomes, which feed the victim's case (items 25, 28).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency

USER = settings.AUTH_USER_MODEL


class Investigation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Closure(models.TextChoices):
        PROSECUTION_CONCLUDED = "prosecution_concluded", _("Prosecution concluded")
        NO_OFFENCE = "no_offence", _("No offence disclosed")
        INSUFFICIENT_EVIDENCE = "insufficient_evidence", _("Insufficient evidence to charge")
        REFERRED = "referred", _("Referred to another agency or country")
        MERGED = "merged", _("Merged into another investigation")

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT,
                                    related_name="led_investigations")
    senior_officer = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="supervised_investigations")
    # HTCDS codes (data/cases/exploitation-types.yaml): the "form of exploitation" the TIP
    # and UNODC questionnaires break their law-enforcement figures down by.
    exploitation_types = models.JSONField(default=list, blank=True)
    protocol_version = models.CharField(max_length=40, blank=True)
    opened_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=30, choices=Closure.choices, blank=True)
    closure_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Member(models.Model):
    """A person on the investigation team; membership is what grants need-to-know access."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE,
                                      related_name="members")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="investigation_roles")
    role = models.CharField(max_length=120, blank=True)
    added_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["investigation", "user"],
                                               name="unique_investigation_member")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.investigation_id}"


class ProtocolStep(models.Model):
    """One "tell this agency this, by then" step of the coordination protocol (item 23)."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE,
                                      related_name="steps")
    code = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    what = models.TextField()
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["investigation", "code", "agency"],
                                               name="unique_protocol_step")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_late(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()

    @property
    def was_on_time(self) -> bool:
        return self.done_at is not None and self.done_at <= self.due_at


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE,
                                      related_name="tasks")
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="investigation_tasks")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["status", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class Communication(models.Model):
    """The communication log: who told whom what, by which channel (item 23)."""

    class Direction(models.TextChoices):
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received")

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE,
                                      related_name="communications")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices,
                                 default=Direction.SENT)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=40)
    summary = models.TextField()
    step = models.ForeignKey(ProtocolStep, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="communications")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.agency_id} via {self.channel}"


class Link(models.Model):
    """A record the investigation draws on. Exactly one target is set; the target keeps its
    own access rules, so a member who may not see it sees only that something is linked."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        SCREENING = "screening", _("Frontline screening")
        ALERT = "alert", _("Border alert")
        CASE = "case", _("Victim case")

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE,
                                      related_name="links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    report = models.ForeignKey("intake.Report", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="investigation_links")
    screening = models.ForeignKey("intake.Screening", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="investigation_links")
    alert = models.ForeignKey("screening.Alert", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="investigation_links")
    case = models.ForeignKey("cases.VictimCase", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="investigation_links")
    linked_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "linked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="link_has_exactly_its_target",
                condition=(
                    models.Q(kind="report", report__isnull=False, screening__isnull=True,
                             alert__isnull=True, case__isnull=True)
                    | models.Q(kind="screening", report__isnull=True, screening__isnull=False,
                               alert__isnull=True, case__isnull=True)
                    | models.Q(kind="alert", report__isnull=True, screening__isnull=True,
                               alert__isnull=False, case__isnull=True)
                    | models.Q(kind="case", report__isnull=True, screening__isnull=True,
                               alert__isnull=True, case__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["investigation", "report"], name="unique_link_report"),
            models.UniqueConstraint(fields=["investigation", "screening"],
                                    name="unique_link_screening"),
            models.UniqueConstraint(fields=["investigation", "alert"], name="unique_link_alert"),
            models.UniqueConstraint(fields=["investigation", "case"], name="unique_link_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} linked to {self.investigation_id}"

    @property
    def target(self) -> models.Model:
        found: models.Model = getattr(self, self.kind)
        return found


class Interview(models.Model):
    """A victim-friendly interview (item 24), planned on the victim's case
    (``cases.InterviewPlan``) and recorded here when it is held."""

    class Statement(models.TextChoices):
        TAKEN = "taken", _("Statement taken")
        SIGNED = "signed", _("Statement signed")
        DECLINED = "declined", _("Victim chose not to make a statement")
        POSTPONED = "postponed", _("Postponed at the victim's request")

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE,
                                      related_name="interviews")
    plan = models.OneToOneField("cases.InterviewPlan", on_delete=models.PROTECT,
                                related_name="investigation_interview")
    interviewer = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    held_at = models.DateTimeField(null=True, blank=True)
    interpreter_present = models.BooleanField(default=False)
    support_person_present = models.BooleanField(default=False)
    breaks_taken = models.BooleanField(default=False)
    video_recorded = models.BooleanField(default=False)
    statement = models.CharField(max_length=20, choices=Statement.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["plan__planned_for", "pk"]

    def __str__(self) -> str:
        return f"Interview {self.pk}"

    @property
    def victim_friendly(self) -> bool:
        """Held with what the plan promised: interpreter when needed, support person when
        planned, breaks (item 24's "victim-friendly interviewing techniques")."""
        plan = self.plan
        return (self.held_at is not None and self.breaks_taken
                and (self.interpreter_present or not plan.interpreter_language)
                and (self.support_person_present or not plan.support_person))


class Suspect(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Another gender")
        UNKNOWN = "unknown", _("Not known")

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE,
                                      related_name="suspects")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    # Persons: what the TIP and UNODC questionnaires break figures down by.
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    nationality = models.CharField(max_length=60, blank=True)
    # Organisations: company number (e.g. NZBN) and what it does.
    registration_number = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Charge(models.Model):
    class Status(models.TextChoices):
        LAID = "laid", _("Laid")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DISMISSED = "dismissed", _("Dismissed")
        CONVICTED = "convicted", _("Convicted")
        ACQUITTED = "acquitted", _("Acquitted")

    suspect = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="charges")
    # The offence as the offences data file names it; title and section are copied at the
    # time of charging so a later edition of the file does not rewrite history.
    offence_code = models.CharField(max_length=60)
    offence_title = models.CharField(max_length=200)
    offence_section = models.CharField(max_length=60)
    offences_version = models.CharField(max_length=40, blank=True)
    # Crimes Act 1961 s98E aggravating factors the prosecution relies on (codes).
    aggravating_factors = models.JSONField(default=list, blank=True)
    particulars = models.TextField(blank=True)
    victims = models.ManyToManyField("cases.VictimCase", blank=True, related_name="+")
    laid_on = models.DateField()
    laid_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    # Crimes Act s98F: no prosecution for ss 98C/98D without the Attorney-General's consent.
    consent_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.LAID)
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["laid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.offence_title} ({self.offence_section})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.LAID


class Sentence(models.Model):
    class Kind(models.TextChoices):
        IMPRISONMENT = "imprisonment", _("Imprisonment")
        HOME_DETENTION = "home_detention", _("Home detention")
        COMMUNITY_DETENTION = "community_detention", _("Community detention")
        INTENSIVE_SUPERVISION = "intensive_supervision", _("Intensive supervision")
        COMMUNITY_WORK = "community_work", _("Community work")
        SUPERVISION = "supervision", _("Supervision")
        FINE = "fine", _("Fine")
        DISCHARGE = "discharge", _("Discharge without conviction or with no penalty")

    charge = models.OneToOneField(Charge, on_delete=models.CASCADE, related_name="sentence")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    months = models.PositiveIntegerField(null=True, blank=True)
    fine_nzd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    detail = models.TextField(blank=True)
    imposed_on = models.DateField()
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return self.get_kind_display()


class ReparationOrder(models.Model):
    """Reparation to a victim ordered at sentencing (Sentencing Act 2002 s32), shown on the
    victim's case (item 28: compensation)."""

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="reparations")
    case = models.ForeignKey("cases.VictimCase", on_delete=models.PROTECT,
                             related_name="reparation_orders")
    amount_nzd = models.DecimalField(max_digits=12, decimal_places=2)
    ordered_on = models.DateField()
    paid_nzd = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Reparation of ${self.amount_nzd}"


class Appeal(models.Model):
    class Against(models.TextChoices):
        CONVICTION = "conviction", _("Conviction")
        ACQUITTAL = "acquittal", _("Acquittal (Crown appeal on a question of law)")
        SENTENCE = "sentence", _("Sentence")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        DISMISSED = "dismissed", _("Dismissed")
        ALLOWED = "allowed", _("Allowed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="appeals")
    against = models.CharField(max_length=12, choices=Against.choices)
    by_crown = models.BooleanField(default=False)
    court = models.CharField(max_length=120)
    lodged_on = models.DateField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["lodged_on", "pk"]

    def __str__(self) -> str:
        return f"Appeal against {self.get_against_display().lower()}"


class Hearing(models.Model):
    """A court hearing for one defendant. Each is also a court date on the victims' cases
    (``cases.CourtDate``: the Ministry of Justice adviser's view, items 25-26)."""

    class Kind(models.TextChoices):
        FIRST_APPEARANCE = "first_appearance", _("First appearance")
        CASE_REVIEW = "case_review", _("Case review")
        PRE_TRIAL = "pre_trial", _("Pre-trial hearing")
        TRIAL = "trial", _("Trial")
        SENTENCING = "sentencing", _("Sentencing")
        APPEAL = "appeal", _("Appeal hearing")

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE,
                                      related_name="hearings")
    defendant = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="hearings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField()
    court = models.CharField(max_length=120)
    outcome = models.TextField(blank=True)
    court_dates = models.ManyToManyField("cases.CourtDate", blank=True, related_name="+")
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"


class Exhibit(models.Model):
    class Status(models.TextChoices):
        HELD = "held", _("Held")
        RETURNED = "returned", _("Returned to owner")
        DESTROYED = "destroyed", _("Destroyed")

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE,
                                      related_name="exhibits")
    reference = models.CharField(max_length=30)
    description = models.CharField(max_length=300)
    seized_at = models.DateTimeField()
    seized_from = models.CharField(max_length=200, blank=True)
    holder = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="held_exhibits")
    location = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)

    class Meta:
        ordering = ["reference"]
        constraints = [models.UniqueConstraint(fields=["investigation", "reference"],
                                               name="unique_exhibit_reference")]

    def __str__(self) -> str:
        return f"{self.reference} {self.description}"


class CustodyEntry(models.Model):
    """One link of the chain of custody: who held the exhibit from when, where and why.
    Entries are only ever added."""

    exhibit = models.ForeignKey(Exhibit, on_delete=models.CASCADE, related_name="custody")
    at = models.DateTimeField(default=timezone.now)
    holder = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    from_holder = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    location = models.CharField(max_length=200)
    purpose = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.exhibit_id} held by {self.holder_id} from {self.at:%Y-%m-%d}"


class Disclosure(models.Model):
    """One item considered for disclosure to one defendant (Criminal Disclosure Act 2008:
    initial disclosure s12, full disclosure s13, continuing duty s14, reasons to withhold
    ss 15-18, which the prosecutor must give the defendant)."""

    class Stage(models.TextChoices):
        INITIAL = "initial", _("Initial disclosure (s12)")
        FULL = "full", _("Full disclosure (s13)")
        CONTINUING = "continuing", _("Continuing disclosure (s14)")

    class Decision(models.TextChoices):
        DISCLOSED = "disclosed", _("Disclosed")
        WITHHELD = "withheld", _("Withheld")

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE,
                                      related_name="disclosures")
    defendant = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="disclosures")
    item = models.CharField(max_length=300)
    exhibit = models.ForeignKey(Exhibit, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="disclosures")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    ground = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    on = models.DateField()
    decided_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_decision_display()}"

    @property
    def ground_label(self) -> str:
        """The withholding ground as the data file words it (the code when it is retired)."""
        from tiaki.investigations.disclosure_grounds import withholding_grounds

        return withholding_grounds().label(self.ground) if self.ground else ""


class Event(models.Model):
    """The investigation's history as its team sees it (the audit trail keeps the rest)."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE,
                                      related_name="history")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.summary
