"""Intelligence (seed 002, "Intelligence-gathering"; seed 003, action items 5 and 6).

"Investigations into suspected people trafficking activity must be intelligence-driven" and
agencies must "share this information in an effective and lawful way" (seed 002). A report
is graded under a grading scheme that is data (``data/intelligence/grading/*.yaml``), carries
a release scope, caveats and a TLP 2.0 marking, and names entities: FollowTheMoney entities
(``schema`` + typed ``properties``, validated by ``tiaki.intelligence.ftm``) whose visibility
is the report's. Analysts' judgements on whether two entities are the same are an
append-only ledger; clusters are computed from it (``tiaki.intelligence.resolution``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency

USER = settings.AUTH_USER_MODEL


class GradingScheme(models.Model):
    """A grading scheme loaded from its data file (``tiaki loadgrading``)."""

    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    # Ordered [{code, label}] as in the file; codes are what reports store.
    source_scale = models.JSONField(default=list)
    information_scale = models.JSONField(default=list)
    handling_codes = models.JSONField(default=list, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    def label(self, scale: str, code: str) -> str:
        values = {"source": self.source_scale, "information": self.information_scale,
                  "handling": self.handling_codes}[scale]
        return next((v["label"] for v in values if v["code"] == code), code)


class Caveat(models.Model):
    """A named compartment: only holders of every caveat on a report may see it."""

    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class CaveatGrant(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="caveat_grants")
    caveat = models.ForeignKey(Caveat, on_delete=models.CASCADE, related_name="grants")
    granted_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "caveat"],
                                               name="unique_caveat_grant")]

    def __str__(self) -> str:
        return f"{self.caveat_id} to {self.user_id}"


class Requirement(models.Model):
    """An intelligence requirement of the inter-agency Collection Plan (item 5, seed 003)."""

    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 3, _("Low")

    code = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    priority = models.IntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    review_on = models.DateField()
    # Reporting older than this many days does not count as "recent" for this requirement.
    recent_days = models.PositiveIntegerField(default=90)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["priority", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Report(models.Model):
    """One intelligence report, graded, marked and caveated."""

    class Release(models.TextChoices):
        AGENCY = "agency", _("Originating agency only")
        NZ = "nz", _("New Zealand agencies only")
        PARTNERS = "partners", _("Releasable to named partners")

    class TLP(models.TextChoices):
        # TLP 2.0 (FIRST, August 2022): the marking partners see on what is shared.
        RED = "red", "TLP:RED"
        AMBER_STRICT = "amber+strict", "TLP:AMBER+STRICT"
        AMBER = "amber", "TLP:AMBER"
        GREEN = "green", "TLP:GREEN"
        CLEAR = "clear", "TLP:CLEAR"

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    text = models.TextField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    scheme = models.ForeignKey(GradingScheme, on_delete=models.PROTECT, related_name="reports")
    source_grade = models.CharField(max_length=4)
    information_grade = models.CharField(max_length=4)
    handling_code = models.CharField(max_length=4, blank=True)
    release = models.CharField(max_length=10, choices=Release.choices, default=Release.AGENCY)
    # ISO 3166 alpha-2 codes of the partners it may be released to (release = partners).
    partners = models.JSONField(default=list, blank=True)
    tlp = models.CharField(max_length=15, choices=TLP.choices, default=TLP.AMBER)
    caveats = models.ManyToManyField(Caveat, blank=True, related_name="reports")
    requirements = models.ManyToManyField(Requirement, blank=True, related_name="reports")
    investigation = models.ForeignKey("investigations.Investigation", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    # Set on reports received from a partner: who sent it and under which markings.
    provenance = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def grade(self) -> str:
        return f"{self.source_grade}{self.information_grade}{self.handling_code}"


class Entity(models.Model):
    """A FollowTheMoney entity named in a report: ``schema`` and typed ``properties``
    (``{property: [values]}``), validated by ``tiaki.intelligence.ftm.validated`` before
    they are stored. Seen by whoever sees its report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="entities")
    ftm_id = models.CharField(max_length=80, unique=True)
    schema = models.CharField(max_length=40, db_index=True)
    properties = models.JSONField(default=dict)
    caption = models.CharField(max_length=200)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["caption", "pk"]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return f"{self.schema}: {self.caption}"


class Link(models.Model):
    """One edge of the network, derived from an entity: to another entity (an FtM entity
    property, or an interval schema's source and target) or to a value node (a phone,
    email or website, FollowTheMoney's "pivot" values). Node keys are ``e:<ftm_id>`` or
    ``<type>:<value>``. The edge belongs to the report of the entity that states it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links")
    source = models.CharField(max_length=300)
    target = models.CharField(max_length=300)
    label = models.CharField(max_length=80)

    class Meta:
        # The network reads a node's edges in both directions, in (neighbour, label) order,
        # with the report that decides who sees the edge: both composites carry every
        # column the graph queries read, so a hub's first 50 visible edges are an
        # index-only walk that stops early (tiaki.intelligence.graph, bench/graph.py).
        indexes = [
            models.Index(fields=["source", "target", "label", "report"],
                         name="intel_link_out"),
            models.Index(fields=["target", "source", "label", "report"],
                         name="intel_link_in"),
        ]

    def __str__(self) -> str:
        return f"{self.source} -{self.label}-> {self.target}"


class Judgement(models.Model):
    """An analyst's judgement on a pair of entities. Append-only: a later judgement on the
    same pair supersedes an earlier one for the clusters, and undoing a merge is itself a
    judgement (``undoes``), so nothing is ever overwritten."""

    class Verdict(models.TextChoices):
        SAME = "same", _("Same")
        NOT_SAME = "not_same", _("Not the same")
        UNSURE = "unsure", _("Unsure")
        # Undoes the judgement named in ``undoes``; the pair goes back to what it was before.
        UNDO = "undo", _("Undo")

    left = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    reason = models.TextField()
    score = models.FloatField(null=True, blank=True)
    undoes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="undone_by")
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.left_id} {self.verdict} {self.right_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("judgements are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("judgements are append-only")


class SharingPackage(models.Model):
    """Material selected for one named partner (item 6, seed 002: share "in an effective and
    lawful way"). What would go is worked out and frozen when the package is made: the
    ``manifest`` says, for every selected report and entity, whether it is included, redacted
    or refused and why, and ``content`` is the redacted material itself. A senior officer
    other than the requester approves exactly that; exports render it, never the live rows."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    reference = models.CharField(max_length=20, unique=True)
    partner = models.CharField(max_length=2)
    purpose = models.TextField()
    authority = models.CharField(max_length=300)
    tlp = models.CharField(max_length=15, choices=Report.TLP.choices)
    reports = models.ManyToManyField(Report, related_name="sharing_packages")
    manifest = models.JSONField(default=dict)
    content = models.JSONField(default=dict)
    requester = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.reference


class DisseminationQuerySet(models.QuerySet["Dissemination"]):
    def update(self, **kwargs: object) -> int:
        raise ValueError("the dissemination log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("the dissemination log is append-only")


class Dissemination(models.Model):
    """One export of an approved package: exactly what went to whom, when and under which
    authority. Append-only; ``content`` is the very file that left, ``sha256`` its digest."""

    class Format(models.TextChoices):
        FTM = "ftm", _("FollowTheMoney JSON lines")
        STIX = "stix", _("STIX 2.1 bundle")

    package = models.ForeignKey(SharingPackage, on_delete=models.PROTECT,
                                related_name="disseminations")
    partner = models.CharField(max_length=2)
    authority = models.CharField(max_length=300)
    format = models.CharField(max_length=4, choices=Format.choices)
    references = models.JSONField(default=list)
    entities = models.JSONField(default=list)
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = DisseminationQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.package_id} to {self.partner} ({self.format})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("the dissemination log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("the dissemination log is append-only")


class WatchlistNomination(models.Model):
    """An intelligence entity put on border screening's "intelligence" watchlist, through
    screening's own import (``watchlist_import``), until ``expires_on``. The watchlist entry
    says only that it came from intelligence; its ``external_id`` (``INT-<pk>``) leads back
    here, and from here to the entity for those who may see its report."""

    class Kind(models.TextChoices):
        ENTITY = "entity", _("Entity")
        PHONE = "phone", _("Phone")

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="nominations")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ENTITY)
    phone = models.CharField(max_length=40, blank=True)
    reason = models.TextField()
    expires_on = models.DateField()
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-added_at", "-pk"]

    def __str__(self) -> str:
        return self.external_id

    @property
    def external_id(self) -> str:
        return f"INT-{self.pk}"
