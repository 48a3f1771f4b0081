"""Background work for cases, run by ``tiaki worker``."""

from __future__ import annotations

from django.tasks import task

from tiaki.cases.services import referrals_remind_overdue


@task()
def remind_overdue_referrals() -> int:
    """Remind agencies of referrals past their due date (issue 4: "reminders when overdue").

    Run daily by the scheduler (``tiaki.scheduling.registry``) or by hand with
    ``tiaki remind_overdue_referrals --enqueue``; a
    referral is reminded at most once a day however often it runs.
    """
    return referrals_remind_overdue()
