"""Privacy API: the same policies, services and audit as the pages.

Only the holding agency's privacy officers see requests and breaches; everyone else gets
404, as for records that do not exist. Refused steps answer 403 with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from tiaki.core.api_schema import InputSchema, IsoDate
from tiaki.core.idempotency import idempotent_post
from tiaki.core.pagination import ApiPage, api_page
from tiaki.core.policy import get_visible
from tiaki.privacy import selectors, services
from tiaki.privacy.models import AccessRequest, AffectedPerson, Breach

router = Router()


class PrivacyRequestOut(Schema):
    reference: str
    case: str
    kind: str
    requester: str
    status: str
    received_on: dt.date
    due_on: dt.date
    transfer_due_on: dt.date
    extended_to: dt.date | None
    overdue: bool
    acknowledged_on: dt.date | None
    decision: str
    grounds: list[str]
    withheld_parts: list[str]
    decided_on: dt.date | None
    transferred_to: str
    exported_at: dt.datetime | None
    correction_made: str
    statement: str
    closed_on: dt.date | None


class PrivacyRequestIn(InputSchema):
    case: str
    kind: str
    summary: str
    identity_checked: str
    requester: str = AccessRequest.Requester.VICTIM
    received_on: IsoDate


class PrivacyOnIn(InputSchema):
    on: IsoDate | None = None


class PrivacyExtendIn(InputSchema):
    reason: str
    working_days: StrictInt
    notice_on: IsoDate
    note: str = ""


class PrivacyDecideIn(InputSchema):
    decision: str
    grounds: list[str] = []
    withheld_parts: list[str] = []
    note: str = ""
    on: IsoDate | None = None


class PrivacyTransferIn(InputSchema):
    to: str
    reason: str
    on: IsoDate | None = None


class PrivacyCorrectIn(InputSchema):
    identity: dict[str, str] = {}
    note: str


class PrivacyStatementIn(InputSchema):
    statement: str


class PrivacyCloseIn(InputSchema):
    note: str = ""
    on: IsoDate | None = None


def _request_out(item: AccessRequest) -> dict[str, Any]:
    return {
        "reference": item.reference, "case": item.case.reference, "kind": item.kind,
        "requester": item.requester, "status": item.status, "received_on": item.received_on,
        "due_on": item.due_on, "transfer_due_on": item.transfer_due_on,
        "extended_to": item.extended_to, "overdue": item.overdue_on(timezone.localdate()),
        "acknowledged_on": item.acknowledged_on, "decision": item.decision,
        "grounds": item.grounds, "withheld_parts": item.withheld_parts,
        "decided_on": item.decided_on, "transferred_to": item.transferred_to,
        "exported_at": item.exported_at, "correction_made": item.correction_made,
        "statement": item.statement, "closed_on": item.closed_on,
    }


def _get(request: HttpRequest, reference: str) -> AccessRequest:
    return get_visible(request.user, AccessRequest.objects.select_related("case", "agency"),
                       reference=reference)


@router.get("/requests", response=list[PrivacyRequestOut],
            summary="Privacy requests I handle (open, overdue or all)")
def list_requests(request: HttpRequest, response: HttpResponse, paging: Query[ApiPage],
                  show: str = "open") -> list[dict[str, Any]]:
    found = api_page(request, response, selectors.request_rows(
        request.user, show, today=timezone.localdate()), paging)
    selectors.requests_listed(request.user, found, channel="api")
    return [_request_out(r) for r in found]


@idempotent_post(router, "/requests", response={201: PrivacyRequestOut},
                 summary="Record a victim's request to see or correct their information")
def post_request(request: HttpRequest, payload: PrivacyRequestIn) -> Status:
    item = services.request_record(
        actor=request.user, case_reference=payload.case, kind=payload.kind,
        summary=payload.summary, identity_checked=payload.identity_checked,
        requester=payload.requester, received_on=payload.received_on)
    return Status(201, _request_out(item))


@router.get("/requests/{reference}", response=PrivacyRequestOut,
            summary="One privacy request (the read is audited)")
def get_request(request: HttpRequest, reference: str) -> dict[str, Any]:
    return _request_out(services.request_get(actor=request.user, reference=reference,
                                             channel="api"))


@router.post("/requests/{reference}/acknowledge", response=PrivacyRequestOut,
             summary="Record that the requester was told the request arrived")
def post_acknowledge(request: HttpRequest, reference: str, payload: PrivacyOnIn) -> dict[str, Any]:
    return _request_out(services.request_acknowledge(request=_get(request, reference),
                                                     actor=request.user, on=payload.on))


@router.post("/requests/{reference}/extend", response=PrivacyRequestOut,
             summary="Extend the time limit by notice (a reason from the rules)")
def post_extend(request: HttpRequest, reference: str, payload: PrivacyExtendIn) -> dict[str, Any]:
    return _request_out(services.request_extend(
        request=_get(request, reference), actor=request.user, reason=payload.reason,
        working_days=payload.working_days, notice_on=payload.notice_on, note=payload.note))


@router.post("/requests/{reference}/decide", response=PrivacyRequestOut,
             summary="Grant, grant in part or refuse (withholding needs a ground)")
def post_decide(request: HttpRequest, reference: str, payload: PrivacyDecideIn) -> dict[str, Any]:
    return _request_out(services.request_decide(
        request=_get(request, reference), actor=request.user, decision=payload.decision,
        grounds=payload.grounds, withheld_parts=payload.withheld_parts, note=payload.note,
        on=payload.on))


@router.post("/requests/{reference}/transfer", response=PrivacyRequestOut,
             summary="Transfer the request to another agency")
def post_transfer(request: HttpRequest, reference: str,
                  payload: PrivacyTransferIn) -> dict[str, Any]:
    return _request_out(services.request_transfer(
        request=_get(request, reference), actor=request.user, to=payload.to,
        reason=payload.reason, on=payload.on))


@router.post("/requests/{reference}/export", response=dict[str, Any],
             summary="The information held about the requester (an audited export)")
def post_export(request: HttpRequest, reference: str) -> dict[str, Any]:
    return services.request_export(request=_get(request, reference), actor=request.user)


@router.post("/requests/{reference}/correct", response=PrivacyRequestOut,
             summary="Make the correction asked for (identifying details)")
def post_correct(request: HttpRequest, reference: str, payload: PrivacyCorrectIn) -> dict[str, Any]:
    return _request_out(services.correction_make(
        request=_get(request, reference), actor=request.user, identity=payload.identity,
        note=payload.note))


@router.post("/requests/{reference}/statement", response=PrivacyRequestOut,
             summary="Attach a statement of the correction sought to the case")
def post_statement(request: HttpRequest, reference: str,
                   payload: PrivacyStatementIn) -> dict[str, Any]:
    return _request_out(services.statement_attach(
        request=_get(request, reference), actor=request.user, statement=payload.statement))


@router.post("/requests/{reference}/close", response=PrivacyRequestOut, summary="Close the request")
def post_close(request: HttpRequest, reference: str, payload: PrivacyCloseIn) -> dict[str, Any]:
    return _request_out(services.request_close(
        request=_get(request, reference), actor=request.user, note=payload.note,
        on=payload.on))


# ---------------------------------------------------------------- breaches


class PrivacyAffectedOut(Schema):
    id: int
    case: str
    notified_at: dt.datetime | None
    notified_how: str
    exception: str


class PrivacyBreachOut(Schema):
    reference: str
    kind: str
    status: str
    what_happened: str
    found_at: dt.datetime
    occurred_on: dt.date | None
    records_affected: str
    assessment: dict[str, str]
    serious_harm_likely: bool | None
    notifiable: bool | None
    decision_reason: str
    commissioner_notified_at: dt.datetime | None
    affected: list[PrivacyAffectedOut]
    closed_at: dt.datetime | None


class PrivacyBreachIn(InputSchema):
    kind: str
    what_happened: str
    found_at: dt.datetime
    occurred_on: IsoDate | None = None
    cases: list[str] = []
    records_affected: str = ""


class PrivacyAssessIn(InputSchema):
    findings: dict[str, str]
    serious_harm_likely: StrictBool


class PrivacyBreachDecideIn(InputSchema):
    notifiable: StrictBool
    reason: str


class PrivacyCommissionerIn(InputSchema):
    at: dt.datetime
    how: str
    reference: str = ""


class PrivacyPersonIn(InputSchema):
    at: dt.datetime | None = None
    how: str = ""
    exception: str = ""
    exception_reason: str = ""


class PrivacyBreachCloseIn(InputSchema):
    note: str = ""


def _breach_out(breach: Breach) -> dict[str, Any]:
    return {
        "reference": breach.reference, "kind": breach.kind, "status": breach.status,
        "what_happened": breach.what_happened, "found_at": breach.found_at,
        "occurred_on": breach.occurred_on, "records_affected": breach.records_affected,
        "assessment": breach.assessment, "serious_harm_likely": breach.serious_harm_likely,
        "notifiable": breach.notifiable, "decision_reason": breach.decision_reason,
        "commissioner_notified_at": breach.commissioner_notified_at,
        "affected": [{"id": p.pk, "case": p.case.reference, "notified_at": p.notified_at,
                      "notified_how": p.notified_how, "exception": p.exception}
                     for p in breach.affected.select_related("case")],
        "closed_at": breach.closed_at,
    }


def _breach(request: HttpRequest, reference: str) -> Breach:
    return get_visible(request.user, Breach.objects.select_related("agency"),
                       reference=reference)


@router.get("/breaches", response=list[PrivacyBreachOut], summary="Privacy breaches I handle")
def list_breaches(request: HttpRequest, response: HttpResponse, paging: Query[ApiPage],
                  show: str = "open") -> list[dict[str, Any]]:
    found = api_page(request, response, selectors.breach_rows(request.user, show), paging)
    selectors.breaches_listed(request.user, found, channel="api")
    return [_breach_out(b) for b in found]


@idempotent_post(router, "/breaches", response={201: PrivacyBreachOut},
                 summary="Record a privacy breach")
def post_breach(request: HttpRequest, payload: PrivacyBreachIn) -> Status:
    breach = services.breach_record(
        actor=request.user, kind=payload.kind, what_happened=payload.what_happened,
        found_at=payload.found_at, occurred_on=payload.occurred_on,
        case_references=payload.cases, records_affected=payload.records_affected)
    return Status(201, _breach_out(breach))


@router.get("/breaches/{reference}", response=PrivacyBreachOut,
            summary="One privacy breach (the read is audited)")
def get_breach(request: HttpRequest, reference: str) -> dict[str, Any]:
    return _breach_out(services.breach_get(actor=request.user, reference=reference,
                                           channel="api"))


@router.post("/breaches/{reference}/assess", response=PrivacyBreachOut,
             summary="Assess the likelihood of serious harm (every factor)")
def post_assess(request: HttpRequest, reference: str, payload: PrivacyAssessIn) -> dict[str, Any]:
    return _breach_out(services.breach_assess(
        breach=_breach(request, reference), actor=request.user, findings=payload.findings,
        serious_harm_likely=payload.serious_harm_likely))


@router.post("/breaches/{reference}/decide", response=PrivacyBreachOut,
             summary="Decide whether the breach is notifiable, with the reason")
def post_breach_decide(request: HttpRequest, reference: str,
                       payload: PrivacyBreachDecideIn) -> dict[str, Any]:
    return _breach_out(services.breach_decide(
        breach=_breach(request, reference), actor=request.user, notifiable=payload.notifiable,
        reason=payload.reason))


@router.post("/breaches/{reference}/commissioner", response=PrivacyBreachOut,
             summary="Record the notification to the Privacy Commissioner")
def post_commissioner(request: HttpRequest, reference: str,
                      payload: PrivacyCommissionerIn) -> dict[str, Any]:
    return _breach_out(services.commissioner_notify(
        breach=_breach(request, reference), actor=request.user, at=payload.at,
        how=payload.how, reference=payload.reference))


@router.post("/breaches/{reference}/affected/{person_id}", response=PrivacyBreachOut,
             summary="Record that an affected person was notified, or the exception")
def post_person(request: HttpRequest, reference: str, person_id: int,
                payload: PrivacyPersonIn) -> dict[str, Any]:
    breach = _breach(request, reference)
    person = get_visible(request.user, AffectedPerson, pk=person_id, breach=breach)
    services.person_notify(person=person, actor=request.user, at=payload.at, how=payload.how,
                           exception=payload.exception,
                           exception_reason=payload.exception_reason)
    return _breach_out(breach)


@router.post("/breaches/{reference}/close", response=PrivacyBreachOut, summary="Close the breach")
def post_breach_close(request: HttpRequest, reference: str,
                      payload: PrivacyBreachCloseIn) -> dict[str, Any]:
    return _breach_out(services.breach_close(breach=_breach(request, reference),
                                             actor=request.user, note=payload.note))
