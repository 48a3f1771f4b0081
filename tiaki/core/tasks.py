"""Background tasks shared by every flow, run by ``tiaki worker``."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task


@task()
def send_notification_email(*, to: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
