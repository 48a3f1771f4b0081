"""Reports of suspected trafficking, their two-way thread with the reporter, and screenings.

Seed 002 ("Response to suspected trafficking activity"): "Information from the public might
be the key to detecting cases" and "should be reported at the first instance for
investigation". Seed 004: the public contacts INZ or Crime Stoppers anonymously; MBIE and
Police jointly investigate; Oranga Tamariki works with them when children are involved.

Privacy rules that shape these tables (issue 3):

* No column holds an IP address, user agent or any other network identifier.
* Times a member of the public could be tied to are kept to the hour (``coarse_now``).
* The reporter's receipt code is never stored: only a keyed look-up digest and a slow
  (scrypt) hash with its own salt (see ``tiaki.intake.receipts``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency


def coarse_now() -> dt.datetime:
    """Now, truncated to the hour: public-facing times are never more precise than this."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Public reporting portal")
    PUBLIC_API = "public_api", _("Public JSON API")
    PARTNER = "partner", _("Partner system (JSON API with a token)")
    SCREENING = "screening", _("Frontline screening")
    BORDER_ALERT = "border_alert", _("Border alert")


class Industry(models.TextChoices):
    """Industries where the person worked; the Plan of Action (2009) singles out "the legal
    and illegal sex industries". Labels shown to the public come from the portal's language
    catalogue."""

    SEX_INDUSTRY = "sex_industry", _("Sex industry")
    AGRICULTURE = "agriculture", _("Agriculture, horticulture or viticulture")
    CONSTRUCTION = "construction", _("Construction")
    HOSPITALITY = "hospitality", _("Hospitality (restaurants, cafés, hotels)")
    FISHING = "fishing", _("Fishing or seafood processing")
    DOMESTIC_WORK = "domestic_work", _("Domestic work (in a home)")
    BEAUTY = "beauty", _("Beauty or massage")
    RETAIL = "retail", _("Shops or retail")
    CLEANING = "cleaning", _("Cleaning")
    TRANSPORT = "transport", _("Transport or delivery")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Don't know")


class Region(models.TextChoices):
    """New Zealand's sixteen regions (proper names, not translated) plus offshore/unknown."""

    NORTHLAND = "northland", "Northland / Te Tai Tokerau"
    AUCKLAND = "auckland", "Auckland / Tāmaki Makaurau"
    WAIKATO = "waikato", "Waikato"
    BAY_OF_PLENTY = "bay_of_plenty", "Bay of Plenty / Te Moana-a-Toi"
    GISBORNE = "gisborne", "Gisborne / Te Tairāwhiti"
    HAWKES_BAY = "hawkes_bay", "Hawke's Bay / Te Matau-a-Māui"
    TARANAKI = "taranaki", "Taranaki"
    MANAWATU_WHANGANUI = "manawatu_whanganui", "Manawatū-Whanganui"
    WELLINGTON = "wellington", "Wellington / Te Whanganui-a-Tara"
    TASMAN = "tasman", "Tasman / Te Tai o Aorere"
    NELSON = "nelson", "Nelson / Whakatū"
    MARLBOROUGH = "marlborough", "Marlborough / Te Tauihu"
    WEST_COAST = "west_coast", "West Coast / Te Tai Poutini"
    CANTERBURY = "canterbury", "Canterbury / Waitaha"
    OTAGO = "otago", "Otago / Ōtākou"
    SOUTHLAND = "southland", "Southland / Murihiku"
    OFFSHORE = "offshore", _("Outside New Zealand")
    UNKNOWN = "unknown", _("Don't know")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Don't know")


class Report(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Priority(models.TextChoices):
        # Order matters: the queue sorts by it (risk to life first).
        RISK_TO_LIFE = "1_risk_to_life", _("Risk to life")
        HIGH = "2_high", _("High")
        NORMAL = "3_normal", _("Normal")
        LOW = "4_low", _("Low")

    class Outcome(models.TextChoices):
        INVESTIGATION = "investigation", _("Referred for investigation")
        OTHER_AGENCY = "other_agency", _("Referred to another agency")
        NO_FURTHER_ACTION = "no_further_action", _("No further action")
        INSUFFICIENT = "insufficient", _("Not enough information")
        DUPLICATE = "duplicate", _("Duplicate of another report")

    # Receipt: keyed digest for look-up (unique, no scan) + slow hash for verification.
    lookup_digest = models.CharField(max_length=64, unique=True)
    code_salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=128)

    channel = models.CharField(max_length=20, choices=Channel.choices)
    source_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(max_length=12, default="en")
    received_at = models.DateTimeField(default=coarse_now, db_index=True)

    what_seen = models.TextField()
    region = models.CharField(max_length=30, choices=Region.choices, default=Region.UNKNOWN)
    place = models.CharField(max_length=300, blank=True)
    when_seen = models.CharField(max_length=200, blank=True)
    people = models.TextField(blank=True)
    industry = models.CharField(max_length=30, choices=Industry.choices, default=Industry.UNKNOWN)
    children = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    risk_to_life = models.BooleanField(default=False)
    contact = models.CharField(max_length=300, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=20, choices=Priority.choices,
                                default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_reports",
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    first_action_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["priority", "-received_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def language_name(self) -> str:
        """The reporter's language as staff read it ("Samoan"), not its code ("sm")."""
        from tiaki.intake import i18n

        catalogue = i18n.catalogues().get(self.language)
        return catalogue.english_name if catalogue is not None else self.language

    @property
    def reference(self) -> str:
        """Staff-facing reference; never shown to the reporter (their receipt is their key)."""
        return f"R-{self.pk:06d}" if self.pk else "R-new"

    @property
    def child_involved(self) -> bool:
        return self.children == YesNoUnknown.YES


class ReportRoute(models.Model):
    """Which agencies receive a report (rules in ``data/intake/routing.yaml``)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="routes")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "agency"], name="unique_report_route")
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.agency}"


class ReportMessage(models.Model):
    """One entry of the anonymous two-way thread, or an internal note."""

    class Direction(models.TextChoices):
        FROM_REPORTER = "from_reporter", _("From the reporter")
        TO_REPORTER = "to_reporter", _("To the reporter")
        INTERNAL = "internal", _("Internal note")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=coarse_now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.report} {self.direction}"


class ReportAttachment(models.Model):
    """A photo or text file from the reporter, stored after its metadata was removed.

    The reporter's own file name is not kept (it can carry a name or a date)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        ReportMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="intake/%Y/")
    label = models.CharField(max_length=60)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The file on disk is ciphertext under the field keys (tiaki.core.crypto), like victims'
    # identities: a copy of the media directory shows nothing without the keys. False only
    # for files stored before encryption, until ``tiaki encrypt_attachments`` has run.
    encrypted = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label

    def read_bytes(self) -> bytes:
        """The file's contents, decrypted. Callers are the audited reads (selectors)."""
        from tiaki.core.crypto import decrypt_bytes

        with self.file.open("rb") as handle:
            data = handle.read()
        return decrypt_bytes(data) if self.encrypted else data


class ReportToken(models.Model):
    """Normalised identifying tokens (phone, vehicle, name, place) for linking reports.

    Indexed so that finding related reports never scans every report's text."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone number")
        VEHICLE = "vehicle", _("Vehicle registration")
        NAME = "name", _("Name")
        PLACE = "place", _("Place")
        EMAIL = "email", _("Email address")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=120)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="intake_token_kv")]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "value"],
                                    name="unique_report_token")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class ReportLink(models.Model):
    """A duplicate or related report, linked by a triager (stored once, read both ways)."""

    class Kind(models.TextChoices):
        DUPLICATE = "duplicate", _("Duplicate")
        RELATED = "related", _("Related")

    from_report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links_out")
    to_report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_report", "to_report"],
                                    name="unique_report_link"),
            models.CheckConstraint(condition=~models.Q(from_report=models.F("to_report")),
                                   name="report_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.from_report} {self.kind} {self.to_report}"


class SpentChallenge(models.Model):
    """A proof-of-work challenge already used: refused if presented again (replay).

    Holds only the challenge's digest and when the row may be forgotten (to the hour)."""

    digest = models.CharField(max_length=64, unique=True)
    forget_after = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.digest[:12]


class CatalogueReview(models.Model):
    """A fluent reviewer's approval of one version (content hash) of a portal language.

    Changing the catalogue file changes its hash, so the approval no longer applies."""

    language = models.CharField(max_length=12)
    sha256 = models.CharField(max_length=64)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer_name = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-approved_at"]
        constraints = [
            models.UniqueConstraint(fields=["language", "sha256"], name="unique_catalogue_review")
        ]

    def __str__(self) -> str:
        return f"{self.language} reviewed by {self.reviewer_name}"


class Screening(models.Model):
    """A frontline official's structured screening of one person against the ILO/EC
    indicators and the legal test (seed 002, goal 4 and items 1-2).

    The engine recommends; the official decides. The engine's full result and version are
    kept so the recommendation can be reproduced and explained later."""

    class Decision(models.TextChoices):
        REFER = "refer", _("Refer for investigation")
        GATHER_MORE = "gather_more_information", _("Gather more information")
        NOT_INDICATED = "not_indicated", _("Trafficking not indicated")
        SMUGGLING = "smuggling", _("Treat as people smuggling, not trafficking")

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # A label, not a name: e.g. "Passenger 3, flight NZ 123". Identity belongs in a case.
    subject_label = models.CharField(max_length=200)
    setting = models.CharField(max_length=300, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    exploitation_type = models.CharField(max_length=10, blank=True)
    indicators = models.JSONField(default=list)
    facts = models.JSONField(default=dict)
    notes = models.TextField(blank=True)

    recommendation = models.CharField(max_length=30)
    smuggling_likely = models.BooleanField(default=False)
    result = models.JSONField(default=dict)
    engine_version = models.CharField(max_length=300)

    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The border alert the screening was opened from (the officer's "suspected trafficking
    # reported" disposition): referring the screening then joins the alert's triage item
    # instead of opening a second one for the same person.
    alert = models.ForeignKey("screening.Alert", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="screenings")
    report = models.OneToOneField(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="screening"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"S-{self.pk:06d}" if self.pk else "S-new"

    @property
    def reference(self) -> str:
        return str(self)

    def get_recommendation_display(self) -> str:
        """The engine's recommendation in words: it is kept as one of the decisions' codes."""
        return str(dict(self.Decision.choices).get(self.recommendation, self.recommendation))
