"""Notifying people: an in-app notification and an email, sent in the background."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from tiaki.core.models import Notification
from tiaki.core.tasks import send_notification_email


def notify(*, recipients: Iterable[Any], subject: str, body: str = "", url: str = "") -> int:
    """Notify users in the app and by email (queued once the transaction commits)."""
    people = [user for user in recipients if user is not None and user.is_active]
    Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject, body=body, url=url) for user in people
    )
    emails = sorted({user.email for user in people if user.email})
    if emails:
        # Email text never carries victim details: only the subject and a link.
        transaction.on_commit(
            lambda: send_notification_email.enqueue(
                to=emails, subject=f"[Tiaki] {subject}", body=f"{body}\n\n{url}".strip()
            )
        )
    return len(people)
