"""Legal holds, disposal runs and the record of each disposed record.

A ``LegalHold`` names one record by its class (``tiaki.retention.classes``) and primary key,
with the reference people know it by; while it is not released the record is never disposed
of. A ``DisposalRun`` is one pass of the schedule; each ``Disposal`` row says one record of
one class was destroyed or anonymised in that run's batch, committed in the same transaction
as the change, so a run stopped part-way leaves whole batches done and the next run carries
on from the first record not yet disposed of.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency

USER = settings.AUTH_USER_MODEL


class LegalHold(models.Model):
    record_class = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    reference = models.CharField(max_length=40)
    # The agency the held record belongs to (who may see and release the hold).
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    reason = models.TextField()
    authority = models.CharField(max_length=300, blank=True,
                                 help_text=_("e.g. the proceedings, request or direction"))
    placed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["record_class", "object_id"], name="hold_record_idx")]
        constraints = [models.UniqueConstraint(
            fields=["record_class", "object_id"], condition=models.Q(released_at__isnull=True),
            name="one_open_hold_per_record")]

    def __str__(self) -> str:
        return f"Hold on {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.released_at is None


class DisposalRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Stopped by an error")

    started_at = models.DateTimeField(default=timezone.now)
    # The moment the schedule was applied as of (injected in tests).
    as_of = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    schedule_version = models.CharField(max_length=60)
    authority = models.CharField(max_length=200, blank=True)
    started_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # {class code: {"action": ..., "disposed": n, "held": n, "listed": n}}
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Disposal run {self.pk}"

    @property
    def total(self) -> int:
        return sum(int(c.get("disposed", 0)) for c in self.counts.values())


class Disposal(models.Model):
    run = models.ForeignKey(DisposalRun, on_delete=models.PROTECT, related_name="disposals")
    batch = models.PositiveIntegerField()
    record_class = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    reference = models.CharField(max_length=40)
    action = models.CharField(max_length=12)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["record_class", "object_id"],
                                               name="disposed_once")]

    def __str__(self) -> str:
        return f"{self.reference} {self.action}"
