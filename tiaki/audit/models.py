"""The audit trail: append-only, hash-chained rows that outlive the users they name.

Every create, update and delete, and every read of a sensitive record, writes one row in the
same transaction as the change (see ``tiaki.audit.services.audit_record``). Each row stores
the hash of the row before it, so an edit made behind the application's back (directly in the
database) breaks the chain, and ``tiaki audit verify`` names the first broken row.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row through the application."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be deleted")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"
        READ = "read", "Read"
        LOGIN = "login", "Log in"
        LOGIN_FAILED = "login_failed", "Failed log-in"
        LOGOUT = "logout", "Log out"
        EXPORT = "export", "Export"
        PURGE = "purge", "Purge"
        REFUSED = "refused", "Refused"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Who: the user id is kept without a foreign key so the row outlives the user; the
    # username, agency and roles are copied as they were at the time.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_agency = models.CharField(max_length=40, blank=True)
    actor_roles = models.CharField(max_length=400, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        target = f"{self.object_type}:{self.object_id}"
        return f"#{self.pk} {self.action} {target} by {self.actor_username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be deleted")


class ChainHead(models.Model):
    """One row holding the newest hash; locking it serialises writers of the chain."""

    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return self.last_hash
