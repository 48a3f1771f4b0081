"""Risk assessment and safety planning (item 22)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaki.audit.services import Action, audit_record
from tiaki.cases.models import (
    RiskAssessment,
    VictimCase,
)
from tiaki.cases.policies import (
    POLICE,
)
from tiaki.cases.services.common import _case_url, _check_case, _english, _event, case_team
from tiaki.core.notifications import Kind
from tiaki.core.policy import Refused
from tiaki.core.services import notify

# ---------------------------------------------------------------- safety (item 22)

def risk_assess(*, case: VictimCase, actor: Any, level: str, assessment: str,
                measures: str, review_on: dt.date, family_abroad_at_risk: bool = False
                ) -> RiskAssessment:
    """Police assess the danger to the victim and family abroad; high risk alerts the team."""
    _check_case(actor, case)
    if actor.agency is None or actor.agency.current().code != POLICE:
        raise Refused(_("risk assessments are made by Police (Plan of Action, item 22)"))
    if level not in RiskAssessment.Level.values:
        raise Refused(_("unknown risk level %(level)s") % {"level": repr(level)})
    if not assessment.strip():
        raise Refused(_("describe the risk assessed"))
    if level != RiskAssessment.Level.LOW and not measures.strip():
        raise Refused(_("record the protective measures for a medium or high risk"))
    if review_on < timezone.localdate():
        raise Refused(_("the review date is in the past"))
    with transaction.atomic():
        risk = RiskAssessment.objects.create(
            case=case, assessed_by=actor, level=level, assessment=assessment.strip(),
            measures=measures.strip(), review_on=review_on,
            family_abroad_at_risk=family_abroad_at_risk,
        )
        _event(case, actor, "safety", gettext_noop("Risk assessed: %(level)s"),
               {"level": _english(RiskAssessment.Level(risk.level).label)})
        audit_record(actor=actor, action=Action.CREATE, obj=risk,
                     summary=f"Risk assessment on {case.reference}: {level}",
                     changes={"level": level, "review_on": review_on,
                              "family_abroad_at_risk": family_abroad_at_risk})
        if level == RiskAssessment.Level.HIGH:
            notify(recipients=case_team(case), subject=f"HIGH RISK: case {case.reference}",
                   kind=Kind.SAFETY,
                   body="Police assessed the risk to the victim as high. Check the measures.",
                   url=_case_url(case))
    return risk


