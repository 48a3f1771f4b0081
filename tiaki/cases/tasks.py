"""Background work for cases, run by ``tiaki worker``."""

from __future__ import annotations

from django.tasks import task

from tiaki.cases.services import referrals_remind_overdue


@task()
def remind_overdue_referrals() -> int:
    """Remind agencies of referrals past their due date (issue 4: "reminders when overdue").

    Enqueue it once a day (``tiaki remind_overdue_referrals --enqueue`` from cron); a
    referral is reminded at most once a day however often it runs.
    """
    return referrals_remind_overdue()
