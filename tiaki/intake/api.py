"""JSON API for intake: the public report endpoint partners use, and counts for the Plan.

``POST /api/public/reports`` is open (``auth=None``), like the portal: a partner channel
such as Crime Stoppers' online form submits the same report as JSON and gets the receipt
code back (issue 3). It needs a proof-of-work challenge from ``GET /api/public/challenge``
exactly as the portal does. A partner that sends its Tiaki bearer token is recorded as the
report's source agency; nothing about the caller's network is recorded either way.


Triage for systems (issue 9): list the queue, claim a report, decide it, through the same
selectors, policies and services as the triage pages (``tiaki.intake.views``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool

from tiaki.accounts.models import ApiToken
from tiaki.core.api_schema import InputSchema
from tiaki.core.pagination import ApiPage, api_page
from tiaki.core.policy import NotVisible
from tiaki.intake import i18n, selectors, services
from tiaki.intake import pow as proof
from tiaki.intake.models import Channel, Industry, Region, Report, YesNoUnknown
from tiaki.intake.policies import COUNTS_ROLES
from tiaki.intake.services import LIMITS, ReportFields, report_submit

router = Router()


class ChallengeOut(Schema):
    token: str
    bits: int = Field(description="SHA-256(token + ':' + nonce) must start with this many "
                                  "zero bits")
    wait_seconds: int = Field(description="Without a nonce, the challenge is accepted once "
                                          "it is this old")


class PublicReportIn(InputSchema):
    what_seen: str = Field(min_length=1, max_length=LIMITS["what_seen"])
    region: Region = Region.UNKNOWN
    place: str = Field("", max_length=LIMITS["place"])
    when_seen: str = Field("", max_length=LIMITS["when_seen"])
    people: str = Field("", max_length=LIMITS["people"])
    industry: Industry = Industry.UNKNOWN
    children: YesNoUnknown = YesNoUnknown.UNKNOWN
    risk_to_life: StrictBool = False
    contact: str = Field("", max_length=LIMITS["contact"])
    language: str = Field("en", max_length=12)
    pow_token: str = Field(max_length=300)
    pow_nonce: str = Field("", max_length=20)


class ReceiptOut(Schema):
    receipt: str = Field(description="Shown once; the report keeps only a slow hash of it")
    follow_up: str


class CountsOut(Schema):
    total: int
    by_channel: dict[str, int]
    by_source_agency: dict[str, int]
    by_outcome: dict[str, int]
    by_status: dict[str, int]
    acted_on: int
    median_hours_to_first_action: float | None
    mean_hours_to_first_action: float | None


@router.get("/public/challenge", auth=None, response=ChallengeOut,
            summary="A proof-of-work challenge for a public report")
def public_challenge(request: HttpRequest) -> proof.Challenge:
    return proof.issue("api")


@router.post("/public/reports", auth=None, response={201: ReceiptOut},
             summary="Submit a report of suspected trafficking (public; returns the receipt)")
def public_report(request: HttpRequest, payload: PublicReportIn) -> Status[dict[str, str]]:
    partner = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        partner = ApiToken.authenticate(header.removeprefix("Bearer ").strip())
    submitted = report_submit(
        fields=ReportFields(
            what_seen=payload.what_seen, region=payload.region, place=payload.place,
            when_seen=payload.when_seen, people=payload.people, industry=payload.industry,
            children=payload.children, risk_to_life=payload.risk_to_life,
            contact=payload.contact,
        ),
        pow_token=payload.pow_token, pow_nonce=payload.pow_nonce, pow_purpose="api",
        channel=Channel.PARTNER if partner is not None else Channel.PUBLIC_API,
        source_agency=partner.agency if partner is not None else None,
        language=i18n.get(payload.language).language,
    )
    return Status(201, {"receipt": submitted.receipt, "follow_up": "/report/follow-up/"})


@router.get("/intake/counts", response=CountsOut,
            summary="Report counts for the Plan (channel, source agency, outcome, timing)")
def counts(request: HttpRequest) -> selectors.Counts:
    if not request.user.has_role(*COUNTS_ROLES):  # type: ignore[union-attr]
        raise NotVisible("not found")
    return selectors.report_counts()


# ---------------------------------------------------------------- triage (issue 9 §8)

class TriageItemOut(Schema):
    id: int
    reference: str
    channel: str
    received_at: dt.datetime
    status: str
    priority: str
    risk_to_life: bool
    region: str
    industry: str
    children: str
    assignee: str | None
    outcome: str


class TriageDetailOut(TriageItemOut):
    what_seen: str
    place: str
    when_seen: str
    people: str
    outcome_note: str


class TriageDecisionIn(InputSchema):
    outcome: Report.Outcome
    note: str = ""


def _item(report: Report, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": report.pk, "reference": report.reference, "channel": report.channel,
        "received_at": report.received_at, "status": report.status,
        "priority": report.priority, "risk_to_life": report.risk_to_life,
        "region": report.region, "industry": report.industry, "children": report.children,
        "assignee": report.assignee.get_username() if report.assignee else None,
        "outcome": report.outcome,
    }
    if detail:
        out |= {"what_seen": report.what_seen, "place": report.place,
                "when_seen": report.when_seen, "people": report.people,
                "outcome_note": report.outcome_note}
    return out


@router.get("/intake/triage", response=list[TriageItemOut],
            summary="The triage queue: reports routed to my agency, risk to life first")
def triage_list(request: HttpRequest, response: HttpResponse, paging: Query[ApiPage],
                status: str = "open", mine: bool = False) -> list[dict[str, Any]]:
    return [_item(r) for r in api_page(request, response,
                                       selectors.queue(request.user, status=status, mine=mine),
                                       paging)]


@router.get("/intake/triage/{report_id}", response=TriageDetailOut,
            summary="One report in my queue (the read is audited)")
def triage_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _item(selectors.report_for_triage(request.user, report_id), detail=True)


@router.post("/intake/triage/{report_id}/claim", response=TriageDetailOut,
             summary="Assign the report to myself")
def triage_claim(request: HttpRequest, report_id: int) -> dict[str, Any]:
    report = selectors.report_for_triage(request.user, report_id)
    services.triage_assign(report=report, actor=request.user,
                           assignee=request.user)  # type: ignore[arg-type]
    return _item(report, detail=True)


@router.post("/intake/triage/{report_id}/decision", response=TriageDetailOut,
             summary="Decide the report (e.g. refer for investigation) and close it")
def triage_decide(request: HttpRequest, report_id: int,
                  payload: TriageDecisionIn) -> dict[str, Any]:
    report = selectors.report_for_triage(request.user, report_id)
    services.triage_close(report=report, actor=request.user, outcome=payload.outcome,
                          note=payload.note)
    return _item(report, detail=True)
