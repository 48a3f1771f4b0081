"""Background tasks shared by every flow, run by ``tiaki worker``."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task


@task()
def send_notification_email(*, to: list[str], subject: str, body: str, kind: str = "") -> int:
    """Send one notification email, leaving out people who turned email off for its kind.

    The choice is read when the email is sent, not when it was queued, so turning a kind
    off also stops emails still waiting in the queue.
    """
    if kind:
        from tiaki.core.models import NotificationPreference

        off = set(NotificationPreference.objects.filter(
            kind=kind, email=False, user__email__in=to).values_list("user__email", flat=True))
        to = [address for address in to if address not in off]
    if not to:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
