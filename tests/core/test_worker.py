"""Background work: tasks queue in the database and `tiaki worker` runs them."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.local import Local
from django.core import mail
from django.core.management import call_command
from django.tasks import task_backends
from django_tasks_db.models import DBTaskResult

from tiaki.core.models import Notification
from tiaki.core.services import notify


def _reset_task_backends() -> None:
    # Django builds task backends once from settings.TASKS; forget them so the override holds.
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def database_tasks(settings: Any) -> Any:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _reset_task_backends()
    yield
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    _reset_task_backends()


# The worker closes its database connection when it finishes, as a long-running process
# should; only a test outside a wrapping transaction survives that on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_notification_email_is_queued_then_sent_by_the_worker(
    make_user: Any, database_tasks: Any
) -> None:
    user = make_user("recipient")
    notify(recipients=[user], subject="Item 10 is overdue", url="/plan/items/10/")
    assert Notification.objects.filter(recipient=user).count() == 1
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert [m.subject for m in mail.outbox] == ["[Tiaki] Item 10 is overdue"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
