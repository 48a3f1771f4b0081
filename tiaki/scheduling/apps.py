from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync(sender: Any, **kwargs: Any) -> None:
    from tiaki.scheduling.services import schedule_sync

    schedule_sync(using=kwargs.get("using", "default"))


class SchedulingConfig(AppConfig):
    name = "tiaki.scheduling"
    label = "scheduling"
    verbose_name = "Scheduled work"

    def ready(self) -> None:
        from tiaki.scheduling import policies  # noqa: F401 - registers the policy

        # The registered jobs exist once the tables do, on every install and after every
        # upgrade, without a data migration to keep in step with the registry.
        post_migrate.connect(_sync, sender=self)
