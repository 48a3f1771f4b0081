"""Background work for privacy obligations, run by ``tiaki worker``."""

from __future__ import annotations

from django.tasks import task

from tiaki.privacy.services import breaches_remind, requests_remind_overdue


@task()
def remind_overdue_privacy_requests() -> int:
    """Remind privacy officers of access and correction requests past their deadline
    (Privacy Act 2020 s 44; an extension moves the deadline), and of breaches undecided or
    not yet notified some hours after they were found (Part 6: "as soon as practicable").

    Run daily by the scheduler (``tiaki.scheduling.registry``); a request is reminded at
    most once a day however often it runs.
    """
    return requests_remind_overdue() + breaches_remind()
