"""Border screening: ingested traveller and visa-application records, the lists they are
screened against (watchlists, the lost/stolen document register, risk profiles), and the
alerts officers work through (seed 002, items 9-12, "Enhancing border security")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency


class Post(models.Model):
    """A border post or visa office: the queue its officers work (loaded from
    ``data/nz/border_posts.yaml``). Travellers are routed by their port of arrival."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="border_posts")
    ports = models.JSONField(default=list, blank=True, help_text=_("IATA port codes routed here"))
    handles_visas = models.BooleanField(default=False)
    # Travellers arriving at a port no post lists go to the default post (the targeting centre).
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PostMembership(models.Model):
    """An officer who works a post's queue. Officers with no membership see every post of
    their agency (small agencies do not split their queues)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="border_posts")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="members")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="unique_post_member")]

    def __str__(self) -> str:
        return f"{self.user} at {self.post}"


class IngestBatch(models.Model):
    """One file ingested: what was read, added, already present or rejected, and why."""

    class Status(models.TextChoices):
        READ = "read", _("Read, waiting to be screened")
        SCREENING = "screening", _("Screening")
        DONE = "done", _("Screened")
        FAILED = "failed", _("Screening failed")

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    format = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, default="traveller")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_count = models.PositiveIntegerField(default=0)
    added_count = models.PositiveIntegerField(default=0)
    present_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # [{"severity", "line", "field", "reason", "value", "rejected"}], in source order.
    problems = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READ)
    screen_total = models.PositiveIntegerField(default=0)
    screen_done = models.PositiveIntegerField(default=0)
    alert_count = models.PositiveIntegerField(default=0)
    screen_error = models.TextField(blank=True)
    # Screening resumes after the last traveller it finished (committed with that chunk's
    # alerts), so a killed screening picks up where it stopped; the heartbeat says when a
    # screener last made progress (a stalled batch is one whose screener died).
    screen_cursor = models.BigIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "ingest batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def progress_percent(self) -> int:
        if self.screen_total == 0:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.screen_done / self.screen_total))


class Traveller(models.Model):
    """A traveller from a passenger list (PAXLST or CSV) or a visa applicant.

    ``fingerprint`` is the parsers' content fingerprint: the same person on the same journey
    ingested twice is one row, which is what makes ingestion idempotent.
    """

    class Kind(models.TextChoices):
        TRAVELLER = "traveller", _("Traveller")
        VISA_APPLICATION = "visa_application", _("Visa application")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRAVELLER)
    # Unique through ``Meta.constraints``, not ``unique=True``: on PostgreSQL that adds a
    # second, ``varchar_pattern_ops`` index for ``LIKE 'x%'``, which no query makes, and
    # every traveller an ingest stores paid for it (issue 16).
    fingerprint = models.CharField(max_length=64)
    batch = models.ForeignKey(IngestBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="travellers")
    source_format = models.CharField(max_length=10, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    full_name = models.CharField(max_length=300, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    given_names = models.CharField(max_length=200, blank=True)
    name_latin = models.CharField(max_length=300, blank=True)
    other_names = models.JSONField(default=list, blank=True)
    date_of_birth = models.CharField(max_length=10, blank=True, help_text="YYYY, YYYY-MM or date")
    sex = models.CharField(max_length=1, blank=True)
    nationality = models.CharField(max_length=3, blank=True)
    document_type = models.CharField(max_length=10, blank=True)
    document_number = models.CharField(max_length=40, blank=True)
    document_issuer = models.CharField(max_length=3, blank=True)
    document_expiry = models.CharField(max_length=10, blank=True)
    mrz_valid = models.BooleanField(null=True, blank=True)
    role = models.CharField(max_length=40, blank=True)
    itinerary = models.JSONField(default=list, blank=True)
    departure_port = models.CharField(max_length=5, blank=True)
    arrival_port = models.CharField(max_length=5, blank=True)
    arrival_date = models.DateField(null=True, blank=True)
    parties = models.JSONField(default=list, blank=True)
    phones = models.JSONField(default=list, blank=True)
    emails = models.JSONField(default=list, blank=True)
    address = models.TextField(blank=True)
    address_country = models.CharField(max_length=3, blank=True)
    extra = models.JSONField(default=list, blank=True)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="travellers")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["fingerprint"],
                                    name="screening_traveller_fingerprint_uniq"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.document_number or f"record {self.pk}"

    def party(self, role: str) -> str:
        for party in self.parties:
            if party.get("role") == role:
                return str(party.get("name") or "")
        return ""


class WatchlistEntry(models.Model):
    """A person on a watchlist, in the matching engine's contract columns (issue 5, part 2)."""

    list_name = models.CharField(max_length=100)
    reason = models.TextField(blank=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=100)
    full_name = models.CharField(max_length=300, blank=True)
    given_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.CharField(max_length=10, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    nationality = models.CharField(max_length=3, blank=True)
    document_number = models.CharField(max_length=40, blank=True)
    document_country = models.CharField(max_length=3, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    active = models.BooleanField(default=True)
    # The last day the entry may stop anyone (intelligence nominations lapse; seed 003):
    # screening ignores it from the day after, even before the daily expiry job marks it
    # inactive (``services.lists.watchlist_expire``).
    expires_on = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["list_name", "external_id"]
        verbose_name_plural = "watchlist entries"
        constraints = [models.UniqueConstraint(fields=["list_name", "external_id"],
                                               name="unique_watchlist_entry")]

    def __str__(self) -> str:
        name = self.full_name or f"{self.given_name} {self.family_name}".strip()
        return f"{name} ({self.list_name})"

    # The matching engine's input columns an entry fills (``id`` aside).
    CONTRACT_FIELDS = ("full_name", "given_name", "family_name", "date_of_birth", "sex",
                       "nationality", "document_number", "document_country", "phone", "email",
                       "address", "postcode")

    def contract_row(self) -> dict[str, str | None]:
        """The entry in the matching engine's input columns; ``id`` is the primary key."""
        row: dict[str, str | None] = {"id": str(self.pk)}
        for name in self.CONTRACT_FIELDS:
            row[name] = getattr(self, name) or None
        return row


class ListVersion(models.Model):
    """A counter bumped whenever a screening list changes, so each process can tell in one
    primary-key read whether its cached matcher is stale (the API's 50 ms budget)."""

    name = models.CharField(max_length=40, unique=True)
    number = models.PositiveBigIntegerField(default=0)
    # Random per change, so a cache can never confuse two databases that reached the same
    # number (a restored backup, a test database).
    token = models.CharField(max_length=32, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class LostDocument(models.Model):
    """An entry of the lost, stolen and revoked travel document register (items 11-12)."""

    class Status(models.TextChoices):
        LOST = "lost", _("Lost")
        STOLEN = "stolen", _("Stolen")
        REVOKED = "revoked", _("Revoked")
        FRAUDULENT = "fraudulent", _("Obtained fraudulently")

    number = models.CharField(max_length=40)
    number_normalised = models.CharField(max_length=40)
    # Look-alike characters folded (O->0, I->1 ...): the key a traveller's number is looked up by.
    number_folded = models.CharField(max_length=40, db_index=True)
    issuer = models.CharField(max_length=3)
    doc_type = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LOST)
    reference = models.CharField(max_length=100, blank=True)
    reported_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["issuer", "number_normalised"]
        constraints = [models.UniqueConstraint(fields=["issuer", "number_normalised"],
                                               name="unique_lost_document")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.number} ({self.get_status_display()})"


class RiskProfile(models.Model):
    """An analyst's risk profile (item 9): the rule lives in its versions."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def latest(self) -> RiskProfileVersion | None:
        return self.versions.order_by("-number").first()

    def published(self) -> RiskProfileVersion | None:
        return self.versions.filter(status=RiskProfileVersion.Status.PUBLISHED).first()


class PublishedVersionError(Exception):
    """A published version was about to be changed."""


class RiskProfileVersion(models.Model):
    """One version of a profile's rule. Every edit makes a new version; once published a
    version is never changed (alerts name the exact version that fired)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    profile = models.ForeignKey(RiskProfile, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    expression = models.TextField()
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["profile", "-number"]
        constraints = [models.UniqueConstraint(fields=["profile", "number"],
                                               name="unique_profile_version")]

    def __str__(self) -> str:
        return f"{self.profile.name} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = RiskProfileVersion.objects.filter(pk=self.pk).values(
                "status", "expression", "effective_from").first()
            if stored and stored["status"] != self.Status.DRAFT and (
                stored["expression"] != self.expression
                or stored["effective_from"] != self.effective_from
            ):
                raise PublishedVersionError(f"{self} is published; its rule cannot change")
        super().save(*args, **kwargs)


class ProfileTestCase(models.Model):
    """A record that must (or must not) hit the profile, checked before each publication."""

    profile = models.ForeignKey(RiskProfile, on_delete=models.CASCADE, related_name="tests")
    label = models.CharField(max_length=200)
    facts = models.TextField(help_text=_("one 'field: value' per line"))
    must_hit = models.BooleanField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["profile", "pk"]

    def __str__(self) -> str:
        return self.label


class Alert(models.Model):
    """A traveller who hit a watchlist entry, a lost/stolen document or a risk profile."""

    class Source(models.TextChoices):
        WATCHLIST = "watchlist", _("Watchlist")
        LOST_DOCUMENT = "lost_document", _("Lost/stolen document")
        PROFILE = "profile", _("Risk profile")

    traveller = models.ForeignKey(Traveller, on_delete=models.CASCADE, related_name="alerts")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="alerts")
    source = models.CharField(max_length=20, choices=Source.choices)
    profile_version = models.ForeignKey(RiskProfileVersion, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="alerts")
    watchlist_entry = models.ForeignKey(WatchlistEntry, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="alerts")
    lost_document = models.ForeignKey(LostDocument, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="alerts")
    score = models.FloatField(null=True, blank=True)
    explanation = models.TextField()
    # "<source>:<list row id>:<traveller id>": one alert per hit, however often it is screened.
    dedupe_key = models.CharField(max_length=100, unique=True)
    batch = models.ForeignKey(IngestBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="alerts")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set with the disposition (``alert_dispose``, same transaction): the open queue and its
    # counts then read a partial index of the few open alerts instead of anti-joining every
    # alert with its disposition (316 ms a page at 100,000 alerts, issue 16).
    decided = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["post", "created_at"], name="alert_open_idx",
                                condition=models.Q(decided=False))]

    def __str__(self) -> str:
        return f"{self.get_source_display()} alert on {self.traveller}"

    @property
    def source_label(self) -> str:
        """``get_source_display()`` without rebuilding the choices map on every call (a list
        page asks it for every row; issue 16)."""
        try:
            return str(self.Source(self.source).label)
        except ValueError:
            return self.source

    @property
    def fired_by(self) -> str:
        if self.profile_version is not None:
            return str(self.profile_version)
        if self.watchlist_entry is not None:
            return str(self.watchlist_entry)
        if self.lost_document is not None:
            return str(self.lost_document)
        return ""


class Disposition(models.Model):
    """What the officer decided about an alert (the measure for items 9 and 10)."""

    class Outcome(models.TextChoices):
        CLEARED = "cleared", _("Cleared")
        REFERRED = "referred", _("Referred")
        TRAFFICKING = "trafficking", _("Suspected trafficking reported")

    alert = models.OneToOneField(Alert, on_delete=models.PROTECT, related_name="disposition")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.TextField(blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    # What the "suspected trafficking" report opened: a frontline screening, or a notice.
    follow_up = models.CharField(max_length=300, blank=True)
    follow_up_url = models.CharField(max_length=300, blank=True)
    # The triage item a "suspected trafficking" disposition opened for the investigators
    # (seed 004); whoever may triage that report may open this alert (need to know).
    report = models.OneToOneField("intake.Report", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="alert_disposition")

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.alert})"
