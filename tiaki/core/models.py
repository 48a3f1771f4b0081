"""Cross-cutting models: in-app notifications shared by every flow."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class ReferenceCounter(models.Model):
    """The last number handed out under one reference stem (``VC-2026-``): a locked counter,
    so parallel writers each get the next number instead of clashing (tiaki.core.references)."""

    stem = models.CharField(max_length=40, unique=True)
    last = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.stem}{self.last}"
