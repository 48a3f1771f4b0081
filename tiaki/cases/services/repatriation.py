"""Repatriation after a humanitarian assessment, and immigration status (items 14-16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaki.audit.services import Action, audit_record
from tiaki.cases.models import (
    HumanitarianAssessment,
    ImmigrationApplication,
    Repatriation,
    VictimCase,
)
from tiaki.cases.services.common import (
    MFAT_SERVICE,
    _check_case,
    _english,
    _event,
    child_gate,
)
from tiaki.cases.services.referrals import referral_create
from tiaki.core.policy import Refused

# ---------------------------------------------------------------- repatriation and status

def humanitarian_assess(*, case: VictimCase, actor: Any, wishes_to_return: bool,
                        safe_to_return: bool, considerations: str,
                        recommendation: str) -> HumanitarianAssessment:
    _check_case(actor, case)
    if recommendation not in HumanitarianAssessment.Recommendation.values:
        raise Refused(_("unknown recommendation %(recommendation)s") % {
            "recommendation": repr(recommendation)})
    if not considerations.strip():
        raise Refused(_("record the humanitarian and compassionate considerations"))
    with transaction.atomic():
        found = HumanitarianAssessment.objects.create(
            case=case, assessed_by=actor, wishes_to_return=wishes_to_return,
            safe_to_return=safe_to_return, considerations=considerations.strip(),
            recommendation=recommendation,
        )
        _event(case, actor, "repatriation",
               gettext_noop("Humanitarian assessment: %(recommendation)s"),
               {"recommendation": _english(
                   HumanitarianAssessment.Recommendation(found.recommendation).label)})
        audit_record(actor=actor, action=Action.CREATE, obj=found,
                     summary=f"Humanitarian assessment on {case.reference}",
                     changes={"recommendation": recommendation,
                              "wishes_to_return": wishes_to_return,
                              "safe_to_return": safe_to_return})
    return found


def repatriation_plan(*, case: VictimCase, actor: Any, destination_country: str,
                      travel_date: dt.date) -> Repatriation:
    """Plan a return home after a humanitarian assessment (item 14) and task MFAT (item 15)."""
    _check_case(actor, case)
    child_gate(case)
    assessment = case.humanitarian.first()
    if assessment is None:
        raise Refused(_("a humanitarian assessment is needed before a repatriation can be "
                        "planned (Plan of Action, item 14)"))
    if assessment.recommendation != HumanitarianAssessment.Recommendation.RETURN:
        raise Refused(_("the latest humanitarian assessment does not recommend return"))
    if not assessment.wishes_to_return:
        raise Refused(_("the victim has not said they wish to return home"))
    if not destination_country.strip():
        raise Refused(_("name the country of return"))
    if travel_date < timezone.localdate():
        raise Refused(_("the travel date is in the past"))
    if case.repatriations.filter(status=Repatriation.Status.PLANNED).exists():
        raise Refused(_("a repatriation is already planned"))
    with transaction.atomic():
        trip = Repatriation.objects.create(
            case=case, assessment=assessment, planned_by=actor,
            destination_country=destination_country.strip(), travel_date=travel_date,
        )
        audit_record(actor=actor, action=Action.CREATE, obj=trip,
                     summary=f"Repatriation planned for {case.reference}",
                     changes={"destination": trip.destination_country, "travel": travel_date})
        # Item 15: MFAT notifies the country of origin. A refusal here (no consent) undoes
        # the plan too, so there is never a repatriation without its MFAT task.
        trip.mfat_task = referral_create(
            case=case, actor=actor, service=MFAT_SERVICE, agency_code="MFAT",
            appointment=f"Arrival {travel_date:%d %b %Y}",
            due_date=min(travel_date, timezone.localdate() + dt.timedelta(days=5)),
        )
        trip.save(update_fields=["mfat_task"])
        _event(case, actor, "repatriation",
               gettext_noop("Repatriation to %(country)s planned; MFAT tasked"),
               {"country": trip.destination_country})
    return trip


def repatriation_complete(*, repatriation: Repatriation, actor: Any) -> Repatriation:
    _check_case(actor, repatriation.case)
    if repatriation.status != Repatriation.Status.PLANNED:
        raise Refused(_("only a planned repatriation can be completed"))
    with transaction.atomic():
        repatriation.status = Repatriation.Status.COMPLETED
        repatriation.save(update_fields=["status"])
        _event(repatriation.case, actor, "repatriation", gettext_noop("Repatriation completed"))
        audit_record(actor=actor, action=Action.UPDATE, obj=repatriation,
                     summary="Repatriation completed", changes={"status": "completed"})
    return repatriation


def immigration_lodge(*, case: VictimCase, actor: Any, kind: str,
                      lodged_on: dt.date) -> ImmigrationApplication:
    """Track an application for an immigration status (item 16)."""
    _check_case(actor, case)
    if kind not in ImmigrationApplication.Kind.values:
        raise Refused(_("unknown kind of application %(kind)s") % {"kind": repr(kind)})
    if lodged_on > timezone.localdate():
        raise Refused(_("the lodgement date is in the future"))
    with transaction.atomic():
        application = ImmigrationApplication.objects.create(
            case=case, kind=kind, lodged_on=lodged_on, recorded_by=actor)
        kind_label = _english(ImmigrationApplication.Kind(application.kind).label)
        _event(case, actor, "immigration", gettext_noop("%(kind)s lodged"), {"kind": kind_label})
        audit_record(actor=actor, action=Action.CREATE, obj=application,
                     summary=f"Immigration application on {case.reference}",
                     changes={"kind": kind, "lodged_on": lodged_on})
    return application


def immigration_decide(*, application: ImmigrationApplication, actor: Any, status: str,
                       decided_on: dt.date, note: str = "") -> ImmigrationApplication:
    _check_case(actor, application.case)
    if application.status != ImmigrationApplication.Status.LODGED:
        raise Refused(_("this application is already decided"))
    if status not in {ImmigrationApplication.Status.GRANTED,
                      ImmigrationApplication.Status.DECLINED,
                      ImmigrationApplication.Status.WITHDRAWN}:
        raise Refused(_("unknown decision %(status)s") % {"status": repr(status)})
    if decided_on < application.lodged_on:
        raise Refused(_("the decision date is before the application was lodged"))
    with transaction.atomic():
        application.status = status
        application.decided_on = decided_on
        application.decision_note = note.strip()
        application.save()
        _event(application.case, actor, "immigration", gettext_noop("%(kind)s: %(status)s"),
               {"kind": _english(ImmigrationApplication.Kind(application.kind).label),
                "status": _english(ImmigrationApplication.Status(application.status).label)})
        audit_record(actor=actor, action=Action.UPDATE, obj=application,
                     summary="Immigration decision recorded", changes={"status": status})
    return application


