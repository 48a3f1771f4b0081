"""Notifying people: an in-app notification and an email, sent in the background."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from tiaki.audit.services import coarse_hour
from tiaki.core.models import Notification
from tiaki.core.tasks import send_notification_email


def notify(
    *, recipients: Iterable[Any], subject: str, body: str = "", url: str = "",
    from_public: bool = False,
) -> int:
    """Notify users in the app and by email (queued once the transaction commits).

    ``from_public``: the notification was caused by a member of the public (an anonymous
    report); its time is kept to the hour, like the report's.
    """
    people = [user for user in recipients if user is not None and user.is_active]
    now = timezone.now()
    created_at = coarse_hour(now) if from_public else now
    Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject, body=body, url=url, created_at=created_at)
        for user in people
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
