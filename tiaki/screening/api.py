"""Screening API: screen one record synchronously, ingest visa applications and passenger
lists (a carrier's or partner system's PAXLST or CSV upload), the lost/stolen document
register, and the alert queue (the same services and policies as the pages)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tiaki.core.api_schema import InputSchema, IsoDate
from tiaki.core.idempotency import idempotent_post
from tiaki.core.pagination import ApiPage, api_page
from tiaki.core.policy import Refused, get_visible, visible
from tiaki.screening import selectors, services
from tiaki.screening.models import Alert, LostDocument, Post
from tiaki.screening.parsers.documents import DocumentRegistry, RegisteredDocument, fold_number

router = Router()


class AlertOut(Schema):
    id: int
    source: str
    post: str
    fired_by: str
    profile_version: str | None = None
    watchlist: str | None = None
    lost_document: str | None = None
    score: float | None
    explanation: str
    disposition: str | None = None


class ScreenIn(InputSchema):
    kind: Literal["traveller", "visa_application"] = "traveller"
    record: dict[str, Any] = Field(
        description="The record's fields, named as in a traveller CSV or visa application "
                    "JSON: family_name, given_names, date_of_birth, sex, nationality, "
                    "document_number, document_issuer, document_expiry, mrz, phone, email, "
                    "address, sponsor_name, employer_name, agent_name, arrival_port …")


class ScreenOut(Schema):
    record_id: int
    created: bool
    post: str
    alerts: list[AlertOut]


class BatchOut(Schema):
    id: int
    file_name: str
    format: str
    read: int
    added: int
    already_present: int
    rejected: int
    status: str
    problems: list[dict[str, Any]]


class ApplicationsIn(InputSchema):
    applications: list[dict[str, Any]] = Field(min_length=1, max_length=10000)


class LostDocumentIn(InputSchema):
    number: str
    issuer: str = Field(description="Issuing state, ISO 3166 alpha-3 (alpha-2 accepted)")
    doc_type: str = "P"
    status: Literal["lost", "stolen", "revoked", "fraudulent"] = "lost"
    reference: str = ""
    reported_on: IsoDate | None = None


class LostDocumentOut(Schema):
    id: int
    number: str
    issuer: str
    doc_type: str
    status: str
    reference: str
    reported_on: dt.date | None
    active: bool


class DocumentHitOut(Schema):
    document: LostDocumentOut
    match: str
    explanation: str


class WithdrawIn(InputSchema):
    reason: str


class DispositionIn(InputSchema):
    outcome: Literal["cleared", "referred", "trafficking"]
    note: str = ""


class DispositionOut(Schema):
    alert_id: int
    outcome: str
    follow_up: str


class VersionReviewOut(Schema):
    profile: str
    version: int
    status: str
    alerts: int
    decided: int
    referred_or_reported: int
    precision: float | None


class ReviewOut(Schema):
    versions: list[VersionReviewOut]
    border_staff_reports: int


def _alert_out(alert: Alert) -> dict[str, Any]:
    disposition = getattr(alert, "disposition", None) if alert.pk else None
    return {
        "id": alert.pk, "source": alert.source, "post": alert.post.code,
        "fired_by": alert.fired_by,
        "profile_version": str(alert.profile_version) if alert.profile_version else None,
        "watchlist": alert.watchlist_entry.list_name if alert.watchlist_entry else None,
        "lost_document": str(alert.lost_document) if alert.lost_document else None,
        "score": alert.score, "explanation": alert.explanation,
        "disposition": disposition.outcome if disposition else None,
    }


def _batch_out(outcome: services.IngestOutcome) -> dict[str, Any]:
    b = outcome.batch
    return {"id": b.pk, "file_name": b.file_name, "format": b.format, "read": b.read_count,
            "added": b.added_count, "already_present": b.present_count,
            "rejected": b.rejected_count, "status": b.status, "problems": outcome.problems}


@idempotent_post(router, "/screen", response=ScreenOut,
             summary="Screen one traveller or visa application now")
def screen_one(request: HttpRequest, payload: ScreenIn) -> dict[str, Any]:
    """Screens against watchlists, the lost/stolen register and published risk profiles and
    answers with the alerts raised (kept in the post's queue). Idempotent for the same record.
    """
    outcome = services.record_screen(actor=request.user, fields=payload.record,
                                     kind=payload.kind)
    post = outcome.traveller.post
    return {"record_id": outcome.traveller.pk, "created": outcome.created,
            "post": post.code if post else "", "alerts": [_alert_out(a) for a in outcome.alerts]}


@idempotent_post(router, "/visa-applications", response={201: BatchOut},
             summary="Ingest visa applications (JSON), then screen them")
def ingest_applications(request: HttpRequest, payload: ApplicationsIn) -> Status[dict[str, Any]]:
    data = json.dumps(payload.applications, ensure_ascii=False).encode()
    outcome = services.ingest_file(actor=request.user, data=data,
                                   file_name="visa-applications.json")
    return Status(201, _batch_out(outcome))


@idempotent_post(router, "/passenger-lists", response={201: BatchOut},
                 summary="Upload a passenger list (UN/EDIFACT PAXLST or CSV), then screen it")
def ingest_passenger_list(request: HttpRequest, file: File[UploadedFile],
                          kind: Form[Literal["", "traveller", "visa_application"]] = ""
                          ) -> Status[dict[str, Any]]:
    """The same ingestion as the upload page and ``tiaki ingest``: records already held are
    counted and left alone, rejected rows come back with line and reason, screening runs in
    the background (the batch's status says when it is done)."""
    name = (file.name or "passenger-list").rsplit("/", 1)[-1][:200]
    if (file.size or 0) > settings.TIAKI_MAX_UPLOAD_BYTES:
        raise Refused(_("%(name)s is larger than %(limit)s bytes; ingest it with the "
                        "tiaki ingest command") % {
                          "name": name,
                          "limit": format(settings.TIAKI_MAX_UPLOAD_BYTES, ",")})
    outcome = services.ingest_file(actor=request.user, data=file.read(), file_name=name,
                                   kind=kind or None)
    return Status(201, _batch_out(outcome))


@router.get("/lost-documents", response=list[LostDocumentOut],
            summary="The lost/stolen document register, by issuer and number (paged)")
def list_documents(request: HttpRequest, response: HttpResponse, paging: Query[ApiPage],
                   issuer: str = "") -> list[LostDocument]:
    docs = visible(request.user, LostDocument).filter(active=True)
    if issuer:
        docs = docs.filter(issuer=issuer.upper())
    return api_page(request, response, docs.order_by("issuer", "number_normalised", "pk"),
                    paging)


@router.get("/lost-documents/check", response=list[DocumentHitOut],
            summary="Is this document on the register? (exact or look-alike characters)")
def check_document(request: HttpRequest, number: str, issuer: str = "") -> list[dict[str, Any]]:
    docs = {str(d.pk): d for d in visible(request.user, LostDocument).filter(
        active=True, number_folded=fold_number(number))}
    registry = DocumentRegistry(RegisteredDocument(d.number, d.issuer, reference=pk)
                                for pk, d in docs.items())
    return [{"document": docs[h.registered.reference or ""], "match": h.kind,
             "explanation": h.explanation}
            for h in registry.lookup(number, issuer or None)]


@idempotent_post(router, "/lost-documents", response={201: LostDocumentOut, 200: LostDocumentOut},
             summary="Add or update a lost/stolen document")
def add_document(request: HttpRequest, payload: LostDocumentIn) -> Status[LostDocument]:
    doc, created = services.lost_document_record(actor=request.user, **payload.dict())
    return Status(201 if created else 200, doc)


@router.post("/lost-documents/{doc_id}/withdraw", response=LostDocumentOut,
             summary="Take a document off the register")
def withdraw_document(request: HttpRequest, doc_id: int, payload: WithdrawIn) -> LostDocument:
    doc = get_visible(request.user, LostDocument, pk=doc_id)
    return services.lost_document_withdraw(actor=request.user, document=doc,
                                           reason=payload.reason)


@router.get("/alerts", response=list[AlertOut], summary="Open alerts in my queues")
def list_alerts(request: HttpRequest, response: HttpResponse, paging: Query[ApiPage],
                post: str = "") -> list[dict[str, Any]]:
    where = get_visible(request.user, Post, code=post) if post else None
    return [_alert_out(a) for a in api_page(request, response,
                                            selectors.alert_queue(request.user, where), paging)]


@idempotent_post(router, "/alerts/{alert_id}/disposition", response={201: DispositionOut},
             summary="Record an officer's disposition of an alert")
def dispose_alert(request: HttpRequest, alert_id: int,
                  payload: DispositionIn) -> Status[dict[str, Any]]:
    alert = get_visible(request.user, Alert, pk=alert_id)
    disposition = services.alert_dispose(actor=request.user, alert=alert,
                                         outcome=payload.outcome, note=payload.note)
    return Status(201, {"alert_id": alert.pk, "outcome": disposition.outcome,
                        "follow_up": disposition.follow_up})


@router.get("/review", response=ReviewOut,
            summary="Periodic review: hit precision per profile version, border-staff reports")
def review(request: HttpRequest) -> dict[str, Any]:
    """Item 9's "periodic review" of profiles and item 10's count of reports from border
    staff about suspected trafficking, from officers' dispositions."""
    total, _ = selectors.border_reports(request.user)
    return {"versions": [{"profile": r.version.profile.name, "version": r.version.number,
                          "status": r.version.status, "alerts": r.alerts,
                          "decided": r.decided, "referred_or_reported": r.positive,
                          "precision": r.precision}
                         for r in selectors.profile_review(request.user)],
            "border_staff_reports": total}
