"""Background work for investigations, run by ``tiaki worker``."""

from __future__ import annotations

from django.tasks import task

from tiaki.investigations.services import steps_remind_late


@task()
def remind_late_protocol_steps() -> int:
    """Remind investigation teams of protocol steps past their deadline (item 23).

    The scheduler runs it hourly (``tiaki.scheduling.registry``; by hand:
    ``tiaki remind_late_protocol_steps --enqueue``);
    a step is reminded at most once a day however often it runs.
    """
    return steps_remind_late()
