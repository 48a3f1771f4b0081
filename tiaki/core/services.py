"""Notifying people: an in-app notification and an email, sent in the background."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tiaki.audit.services import coarse_hour
from tiaki.core.models import Notification, NotificationPreference
from tiaki.core.notifications import Kind
from tiaki.core.tasks import send_notification_email


def notify(
    *, recipients: Iterable[Any], subject: str, body: str = "", url: str = "",
    from_public: bool = False, kind: str = Kind.GENERAL,
) -> int:
    """Notify users in the app and by email (queued once the transaction commits).

    ``from_public``: the notification was caused by a member of the public (an anonymous
    report); its time is kept to the hour, like the report's. ``kind`` lets each person turn
    the email copy off for that kind (``tiaki.core.notifications``).
    """
    people = [user for user in recipients if user is not None and user.is_active]
    now = timezone.now()
    created_at = coarse_hour(now) if from_public else now
    Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject, body=body, url=url, created_at=created_at,
                     kind=kind)
        for user in people
    )
    emails = sorted({user.email for user in people if user.email})
    if emails:
        # Email text never carries victim details: only the subject and a link.
        transaction.on_commit(
            lambda: send_notification_email.enqueue(
                to=emails, subject=f"[Tiaki] {subject}", body=f"{body}\n\n{url}".strip(),
                kind=kind,
            )
        )
    return len(people)


def notification_mark_read(*, user: Any, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (reading it again keeps the first time)."""
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now())


def notification_email_set(*, user: Any, kind: str, email: bool) -> NotificationPreference:
    """Turn the email copy of one kind of notification on or off for the user."""
    if kind not in Kind.values:
        from tiaki.core.policy import Refused

        raise Refused(gettext("There is no kind of notification called %(kind)s.") % {
            "kind": repr(kind)})
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"email": email})
    return preference
