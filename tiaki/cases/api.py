"""Cases API: the same policies, consent checks and audit as the pages.

Identifying details and HTCDS exports are POSTs that carry a reason, so every read is
recorded with why it was made; an agency receiving a referral gets only its service's fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Schema

from tiaki.cases import selectors, services
from tiaki.cases.models import Certification, Referral, VictimCase
from tiaki.cases.policies import RESPOND, may_see_measures
from tiaki.core.policy import NotVisible, get_visible, policy_for

router = Router()


class CaseOut(Schema):
    reference: str
    agency: str
    status: str
    opened: dt.date
    age: int | None
    is_child: bool
    nationality: str
    languages: str
    interpreter_needed: bool
    exploitation_types: list[str]
    methods_of_control: list[str]
    certification: str | None
    certification_status: str | None


class ReasonIn(Schema):
    reason: str


class ReferralOut(Schema):
    id: int
    service: str
    agency: str
    status: str
    due_date: dt.date
    outcome: str
    shared: dict[str, Any] | None = None


class StepIn(Schema):
    step: str
    outcome: str = ""


def _case_out(case: VictimCase) -> dict[str, Any]:
    # A list prefetches each case's certifications newest first (one query for the page,
    # not one per case); a single case asks the service.
    prefetched = getattr(case, "certifications_newest_first", None)
    cert = (prefetched[0] if prefetched else None) if prefetched is not None \
        else services.latest_certification(case)
    return {
        "reference": case.reference, "agency": case.agency.code, "status": case.status,
        "opened": case.created_at.date(), "age": case.age, "is_child": case.is_child,
        "nationality": case.nationality, "languages": case.languages,
        "interpreter_needed": case.interpreter_needed,
        "exploitation_types": case.exploitation_types,
        "methods_of_control": case.methods_of_control,
        "certification": cert.reference if cert else None,
        "certification_status": cert.status if cert else None,
    }


def _referral_out(referral: Referral, shared: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": referral.pk, "service": referral.service, "agency": referral.agency.code,
            "status": referral.status, "due_date": referral.due_date,
            "outcome": referral.outcome, "shared": shared}


class MeasureOut(Schema):
    item: str
    measure: str
    count: int


class MeasuresOut(Schema):
    start: dt.date
    end: dt.date
    certifications: dict[str, int]
    measures: list[MeasureOut]


@router.get("/measures", response=MeasuresOut,
            summary="Anonymous counts for the Plan's measures (items 13-28) in a period")
def get_measures(request: HttpRequest, start: dt.date | None = None,
                 end: dt.date | None = None) -> dict[str, Any]:
    if not may_see_measures(request.user):
        raise NotVisible("not found")
    period = selectors.period_from(start.isoformat() if start else None,
                                   end.isoformat() if end else None)
    return {"start": period.start, "end": selectors.last_day(period),
            "certifications": selectors.certification_counts(period),
            "measures": [{"item": i, "measure": m, "count": n}
                         for i, m, n in selectors.measures(period)]}


@router.get("/referrals", response=list[ReferralOut], summary="Referrals to my agency")
def list_referrals(request: HttpRequest, status: str = "open") -> list[dict[str, Any]]:
    return [_referral_out(r) for r in selectors.referral_inbox(request.user, status)]


@router.get("/referrals/{referral_id}", response=ReferralOut,
            summary="One referral; the receiving agency gets its service's fields (consent "
                    "checked, read audited)")
def get_referral(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    referral = get_visible(request.user, Referral.objects.select_related("case", "agency"),
                           pk=referral_id)
    shared = None
    if policy_for(Referral).allows(request.user, RESPOND, referral):
        shared = services.referral_disclose(referral=referral, actor=request.user,
                                            channel="api")
    return _referral_out(referral, shared)


@router.post("/referrals/{referral_id}/steps", response=ReferralOut,
             summary="Accept, start, complete or decline a referral to my agency")
def post_referral_step(request: HttpRequest, referral_id: int,
                       payload: StepIn) -> dict[str, Any]:
    referral = get_visible(request.user, Referral.objects.select_related("case", "agency"),
                           pk=referral_id)
    services.referral_respond(referral=referral, actor=request.user, step=payload.step,
                              outcome=payload.outcome)
    return _referral_out(referral)


@router.get("/", response=list[CaseOut], summary="Victim cases my team holds (no identities)")
def list_cases(request: HttpRequest, q: str = "", status: str = "all") -> list[dict[str, Any]]:
    cases = selectors.cases_for(request.user, q, status).prefetch_related(Prefetch(
        "certifications", to_attr="certifications_newest_first",
        queryset=Certification.objects.order_by("-requested_at", "-pk")))
    return [_case_out(c) for c in cases[:500]]


@router.get("/{reference}", response=CaseOut, summary="One case (pseudonymous)")
def get_case(request: HttpRequest, reference: str) -> dict[str, Any]:
    case = get_visible(request.user, VictimCase.objects.select_related("agency"),
                       reference=reference)
    return _case_out(case)


@router.post("/{reference}/identity", response=dict[str, Any],
             summary="Identifying details, for the case team; the reason is audited")
def post_identity(request: HttpRequest, reference: str, payload: ReasonIn) -> dict[str, Any]:
    case = get_visible(request.user, VictimCase, reference=reference)
    return services.identity_reveal(case=case, actor=request.user, reason=payload.reason,
                                    channel="api")


@router.post("/{reference}/export", response=dict[str, Any],
             summary="The case in IOM HTCDS field names (needs consent; audited)")
def post_export(request: HttpRequest, reference: str, payload: ReasonIn) -> dict[str, Any]:
    case = get_visible(request.user, VictimCase, reference=reference)
    return services.case_export_htcds(case=case, actor=request.user, reason=payload.reason,
                                      channel="api")
