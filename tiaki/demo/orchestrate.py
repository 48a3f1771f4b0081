"""Load the whole demo: every app's synthetic data, through each app's own services.

Everything here is invented. It runs only in demo mode and is safe to run again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from tiaki.accounts.loader import agencies_load
from tiaki.accounts.models import User
from tiaki.cases.demo import demo_cases
from tiaki.cases.models import Referral, VictimCase
from tiaki.demo.personas import PERSONA_POSTS, Persona, demo_users
from tiaki.intake.demo import demo_intake
from tiaki.intake.models import Report, Screening
from tiaki.intelligence.demo import demo_intelligence
from tiaki.investigations.demo import demo_investigations
from tiaki.investigations.models import Investigation
from tiaki.plan.demo import demo_progress
from tiaki.plan.demo_records import demo_records
from tiaki.plan.loader import plan_load
from tiaki.plan.models import ActionItem
from tiaki.privacy.demo import demo_privacy
from tiaki.screening.demo import (
    PROFILE_NAME,
    demo_border_report,
    demo_posts,
    demo_screening,
    demo_visa_applications,
)
from tiaki.screening.models import Alert, RiskProfile


def load_demo() -> list[tuple[Persona, User]]:
    """Load everything a person exploring the demo needs; each part skips itself when it
    is already there, so running it again adds nothing."""
    if not settings.TIAKI_DEMO:
        raise RuntimeError("demo data loads only in demo mode (TIAKI_DEMO=true)")
    agencies_load(path=settings.TIAKI_DATA_DIR / "nz" / "agencies.yaml")
    result = plan_load(path=settings.TIAKI_PLANS_DIR / "nz-2009.yaml")
    with transaction.atomic():
        made = demo_users()
        users = {u.username: u for _, u in made}
        demo_progress(result.plan, users)
        demo_records(result.plan, users)
        demo_posts(users, PERSONA_POSTS)
        # The screening demo is idempotent but re-imports its lists, which the audit trail
        # rightly records each time; skip it once its profile shows it ran, so a second
        # run adds nothing at all.
        if not RiskProfile.objects.filter(name=PROFILE_NAME).exists():
            demo_screening(users)
        demo_visa_applications(users)
        demo_border_report(users)
        intake = demo_intake(users)
        if intake is not None:
            demo_cases(users, partner_report=intake.reports["partner"],
                       child_report=intake.reports["children"], screening=intake.screening)
        demo_investigations(users)
        demo_intelligence(users)
        demo_privacy(users)
    return made


def demo_summary() -> dict[str, int]:
    """What the demo holds, for the command's report (counts only, nothing identifying)."""
    return {
        "report(s)": Report.objects.count(),
        "frontline screening(s)": Screening.objects.count(),
        "victim case(s)": VictimCase.objects.count(),
        "referral(s)": Referral.objects.count(),
        "border alert(s)": Alert.objects.count(),
        "investigation(s)": Investigation.objects.count(),
        "plan items with progress": ActionItem.objects.filter(updates__isnull=False)
        .distinct().count(),
    }
