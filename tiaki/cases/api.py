"""Cases API: the same policies, consent checks and audit as the pages.

Systems open cases, record consent, refer, close, and ask for, endorse and revoke Police
certification through the same service functions the case pages call; every create takes an
``Idempotency-Key`` (``tiaki.core.idempotency``).

Identifying details and HTCDS exports are POSTs that carry a reason, so every read is
recorded with why it was made; an agency receiving a referral gets only its service's fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from tiaki.accounts.models import Agency
from tiaki.audit.reads import audit_read
from tiaki.cases import selectors, services
from tiaki.cases.models import Certification, Referral, VictimCase
from tiaki.cases.policies import RESPOND, may_see_measures
from tiaki.core.api_schema import InputSchema, IsoDate
from tiaki.core.idempotency import idempotent_post
from tiaki.core.pagination import ApiPage, api_page
from tiaki.core.policy import NotVisible, Refused, get_visible, policy_for

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


class ReasonIn(InputSchema):
    reason: str


class ReferralOut(Schema):
    id: int
    service: str
    agency: str
    status: str
    due_date: dt.date
    outcome: str
    shared: dict[str, Any] | None = None
    # Why the receiving agency sees no shared fields (referral ended, consent withdrawn,
    # case closed); empty when fields are shared or the reader is not the receiver.
    withheld: str = ""


class StepIn(InputSchema):
    step: str
    outcome: str = ""


def _case_out(case: VictimCase) -> dict[str, Any]:
    # A list prefetches each case's certifications newest first (one query for the page,
    # not one per case); a single case asks the service.
    prefetched = getattr(case, "certifications_newest_first", None)
    if prefetched is None:
        cert = services.latest_certification(case)
    else:
        cert = prefetched[0] if prefetched else None
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


def _referral_out(referral: Referral, shared: dict[str, Any] | None = None,
                  withheld: str = "") -> dict[str, Any]:
    return {"id": referral.pk, "service": referral.service, "agency": referral.agency.code,
            "status": referral.status, "due_date": referral.due_date,
            "outcome": referral.outcome, "shared": shared, "withheld": withheld}


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
def get_measures(request: HttpRequest, start: IsoDate | None = None,
                 end: IsoDate | None = None) -> dict[str, Any]:
    if not may_see_measures(request.user):
        raise NotVisible("not found")
    period = selectors.period_from(start.isoformat() if start else None,
                                   end.isoformat() if end else None)
    certs = selectors.certification_counts(period)
    return {"start": period.start, "end": selectors.last_day(period),
            "certifications": certs,
            "measures": [{"item": i, "measure": m, "count": n}
                         for i, m, n in selectors.measures(period, certs=certs)]}


@router.get("/referrals", response=list[ReferralOut], summary="Referrals to my agency")
def list_referrals(request: HttpRequest, status: str = "open") -> list[dict[str, Any]]:
    referrals = list(selectors.referral_inbox(request.user, status))
    audit_read(actor=request.user, objects=referrals, purpose="referral list", channel="api",
               model=Referral)
    return [_referral_out(r) for r in referrals]


@router.get("/referrals/{referral_id}", response=ReferralOut,
            summary="One referral; the receiving agency gets its service's fields (consent "
                    "checked, read audited)")
def get_referral(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    referral = get_visible(request.user, Referral.objects.select_related("case", "agency"),
                           pk=referral_id)
    shared = None
    withheld = ""
    if policy_for(Referral).allows(request.user, RESPOND, referral):
        try:
            shared = services.referral_disclose(referral=referral, actor=request.user,
                                                channel="api")
        except Refused as refused:
            withheld = str(refused)
    if shared is None:
        audit_read(actor=request.user, objects=referral, purpose="referral", channel="api")
    return _referral_out(referral, shared, withheld)


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
def list_cases(request: HttpRequest, response: HttpResponse, paging: Query[ApiPage], q: str = "",
               status: str = "all") -> list[dict[str, Any]]:
    cases = api_page(request, response, selectors.cases_for(request.user, q, status)
                     .prefetch_related(Prefetch(
                         "certifications", to_attr="certifications_newest_first",
                         queryset=Certification.objects.order_by("-requested_at", "-pk"))),
                     paging)
    audit_read(actor=request.user, objects=cases, purpose="case list", channel="api",
               model=VictimCase)
    return [_case_out(c) for c in cases]


@router.get("/{reference}", response=CaseOut, summary="One case (pseudonymous)")
def get_case(request: HttpRequest, reference: str) -> dict[str, Any]:
    case = get_visible(request.user, VictimCase.objects.select_related("agency"),
                       reference=reference)
    audit_read(actor=request.user, objects=case, purpose="case record", channel="api")
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


# ---------------------------------------------------------------- case actions (issue 9 §8)

class EventIn(InputSchema):
    kind: str = Field(description="recruitment, transit or exploitation")
    place: str = ""
    country: str = ""
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class CaseIn(InputSchema):
    identity: dict[str, str] = Field(
        description="Identifying details (encrypted at rest; never returned by this call): "
                    "family_name, given_names, date_of_birth, contact, address …")
    age: StrictInt | None = None
    apparent_child: StrictBool = False
    gender: str = ""
    nationality: str = ""
    languages: str = ""
    interpreter_needed: StrictBool = False
    exploitation_types: list[str] = []
    methods_of_control: list[str] = []
    recruitment_methods: list[str] = []
    relationship_to_trafficker: str = ""
    source_report: str = Field("", description="The report it came from, e.g. R-000123")
    source_screening: str = Field("", description="The screening it came from, e.g. S-000045")
    referring_agency: str = Field("", description="Agency code, when another agency referred")
    events: list[EventIn] = []


class CaseConsentIn(InputSchema):
    purpose: str
    granted: StrictBool
    how_obtained: str = ""


class ConsentOut(Schema):
    case: str
    purpose: str
    version: int
    granted: bool


class ReferIn(InputSchema):
    service: str
    agency: str = Field(description="Code of the agency providing the service")
    appointment: str = ""
    due_date: IsoDate | None = None


class CaseCloseIn(InputSchema):
    reason: str
    note: str = ""
    referred_on: StrictBool = False


class FindingIn(InputSchema):
    findings: list[str] = []
    evidence: str = ""


class CertificationIn(InputSchema):
    assessment: dict[str, FindingIn] = Field(
        description="Per s98D element (act, means, purpose): the findings and the evidence")
    witness_statements: str = ""


class NoteIn(InputSchema):
    note: str = ""


class CertificationOut(Schema):
    reference: str
    case: str
    status: str
    requested_by: str
    endorsed_by: str | None
    decided_at: dt.datetime | None
    revoked_at: dt.datetime | None


def _certification_out(cert: Certification) -> dict[str, Any]:
    return {"reference": cert.reference, "case": cert.case.reference, "status": cert.status,
            "requested_by": cert.requested_by.get_username() if cert.requested_by else "",
            "endorsed_by": cert.endorsed_by.get_username() if cert.endorsed_by else None,
            "decided_at": cert.decided_at, "revoked_at": cert.revoked_at}


def _certification(request: HttpRequest, reference: str) -> Certification:
    return get_visible(request.user, Certification.objects.select_related(
        "case", "requested_by", "endorsed_by"), reference=reference)


@idempotent_post(router, "/", response={201: CaseOut},
                 summary="Open a victim case for my agency (identity encrypted; audited)")
def post_case(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    referring = None
    if payload.referring_agency:
        referring = Agency.objects.filter(code=payload.referring_agency).first()
        if referring is None:
            raise Refused(gettext("unknown agency %(referring_agency)s") % {
                "referring_agency": repr(payload.referring_agency)})
    case = services.case_open(
        actor=request.user, identity=payload.identity, age=payload.age,
        apparent_child=payload.apparent_child, gender=payload.gender,
        nationality=payload.nationality, languages=payload.languages,
        interpreter_needed=payload.interpreter_needed,
        exploitation_types=payload.exploitation_types,
        methods_of_control=payload.methods_of_control,
        recruitment_methods=payload.recruitment_methods,
        relationship_to_trafficker=payload.relationship_to_trafficker,
        source_report=payload.source_report, source_screening=payload.source_screening,
        referring_agency=referring, events=[e.dict() for e in payload.events])
    return Status(201, _case_out(case))


@idempotent_post(router, "/{reference}/consents", response={201: ConsentOut},
                 summary="Record the victim's consent (or its withdrawal) for one purpose")
def post_consent(request: HttpRequest, reference: str,
                 payload: CaseConsentIn) -> Status[dict[str, Any]]:
    case = get_visible(request.user, VictimCase, reference=reference)
    consent = services.consent_record(case=case, actor=request.user, purpose=payload.purpose,
                                      granted=payload.granted,
                                      how_obtained=payload.how_obtained)
    return Status(201, {"case": case.reference, "purpose": consent.purpose,
                        "version": consent.version, "granted": consent.granted})


@idempotent_post(router, "/{reference}/referrals", response={201: ReferralOut},
                 summary="Refer the case to a service (consent and certification checked)")
def post_referral(request: HttpRequest, reference: str,
                  payload: ReferIn) -> Status[dict[str, Any]]:
    case = get_visible(request.user, VictimCase, reference=reference)
    referral = services.referral_create(case=case, actor=request.user, service=payload.service,
                                        agency_code=payload.agency,
                                        appointment=payload.appointment,
                                        due_date=payload.due_date)
    return Status(201, _referral_out(referral))


@router.post("/{reference}/close", response=CaseOut,
             summary="Close the case with its outcome (open referrals must be finished)")
def post_close(request: HttpRequest, reference: str, payload: CaseCloseIn) -> dict[str, Any]:
    case = get_visible(request.user, VictimCase.objects.select_related("agency"),
                       reference=reference)
    services.case_close(case=case, actor=request.user, reason=payload.reason,
                        note=payload.note, referred_on=payload.referred_on)
    return _case_out(case)


@idempotent_post(router, "/{reference}/certifications", response={201: CertificationOut},
                 summary="Ask Police to certify the person a victim (s98D assessment)")
def post_certification(request: HttpRequest, reference: str,
                       payload: CertificationIn) -> Status[dict[str, Any]]:
    case = get_visible(request.user, VictimCase, reference=reference)
    cert = services.certification_request(
        case=case, actor=request.user,
        assessment={k: v.dict() for k, v in payload.assessment.items()},
        witness_statements=payload.witness_statements)
    return Status(201, _certification_out(cert))


@router.get("/certifications/{reference}", response=CertificationOut,
            summary="One certification")
def get_certification(request: HttpRequest, reference: str) -> dict[str, Any]:
    return _certification_out(_certification(request, reference))


@router.post("/certifications/{reference}/endorse", response=CertificationOut,
             summary="A senior officer who did not request it endorses and issues it")
def post_endorse(request: HttpRequest, reference: str, payload: NoteIn) -> dict[str, Any]:
    cert = services.certification_endorse(certification=_certification(request, reference),
                                          actor=request.user, note=payload.note)
    return _certification_out(cert)


@router.post("/certifications/{reference}/decline", response=CertificationOut,
             summary="A senior officer declines it, saying why")
def post_decline(request: HttpRequest, reference: str, payload: NoteIn) -> dict[str, Any]:
    cert = services.certification_decline(certification=_certification(request, reference),
                                          actor=request.user, note=payload.note)
    return _certification_out(cert)


@router.post("/certifications/{reference}/revoke", response=CertificationOut,
             summary="Revoke an issued certification (dependent referrals end with it)")
def post_revoke(request: HttpRequest, reference: str, payload: ReasonIn) -> dict[str, Any]:
    cert = services.certification_revoke(certification=_certification(request, reference),
                                         actor=request.user, reason=payload.reason)
    return _certification_out(cert)
