"""Cross-cutting models: in-app notifications shared by every flow."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from tiaki.core.notifications import Kind


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=40, choices=Kind.choices, default=Kind.GENERAL)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # The header counts a person's unread notifications on every page.
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notif_unread")]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """One person's choice for one kind: email on or off (no row means on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="core_notif_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} email={'on' if self.email else 'off'}"


class ReferenceCounter(models.Model):
    """The last number handed out under one reference stem (``VC-2026-``): a locked counter,
    so parallel writers each get the next number instead of clashing (tiaki.core.references)."""

    stem = models.CharField(max_length=40, unique=True)
    last = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.stem}{self.last}"


class IdempotencyKey(models.Model):
    """One ``Idempotency-Key`` a system sent with a create (tiaki.core.idempotency).

    Kept per principal, so two systems may use the same key; the fingerprint is of the
    operation and body, so a different request under a used key is refused rather than
    answered with the first one's result. ``status_code`` is empty while the first request
    is still running."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(max_length=255)
    operation = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    response_body = models.BinaryField(blank=True, default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.operation})"
