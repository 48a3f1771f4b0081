"""Intelligence API: the same caveat policy, services and audit as the pages.

Reports, entities, the network, judgements, sharing packages (prepare, decide, export, the
dissemination log), imports from partners and watchlist nominations. Every read is audited;
what the caller may not see answers 404 like what does not exist; refused steps answer 403
with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool, StrictFloat

from tiaki.core.api_schema import InputSchema, IsoDate
from tiaki.core.idempotency import idempotent_post
from tiaki.core.pagination import ApiPage, api_page
from tiaki.core.policy import Refused, get_visible, visible
from tiaki.intelligence import (
    graph,
    imports,
    resolution,
    selectors,
    services,
    sharing,
    watchlist,
)
from tiaki.intelligence.models import (
    Caveat,
    Dissemination,
    Entity,
    GradingScheme,
    Judgement,
    Report,
    Requirement,
    SharingPackage,
    WatchlistNomination,
)
from tiaki.intelligence.policies import may_read_intelligence

router = Router()


def _reader(request: HttpRequest) -> None:
    if not may_read_intelligence(request.user):
        raise Refused(_("intelligence is not open to your role"))


class EntityOut(Schema):
    ftm_id: str
    schema_: str = Field(alias="schema")
    caption: str
    properties: dict[str, list[str]]
    report: str


class ReportSummary(Schema):
    reference: str
    title: str
    agency: str
    grade: str
    scheme: str
    release: str
    partners: list[str]
    tlp: str
    caveats: list[str]
    created_at: dt.datetime


class ReportOut(ReportSummary):
    text: str
    requirements: list[str]
    provenance: dict[str, Any]
    entities: list[EntityOut]


class ReportIn(InputSchema):
    title: str
    text: str
    scheme: str
    source_grade: str
    information_grade: str
    handling_code: str = ""
    release: str = Report.Release.AGENCY
    partners: list[str] = []
    tlp: str = Report.TLP.AMBER
    caveats: list[str] = []
    requirements: list[str] = []


class EntityIn(InputSchema):
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]


class GraphOut(Schema):
    nodes: list[dict[str, Any]]
    edges: list[dict[str, str]]


class JudgementOut(Schema):
    id: int
    left: str
    right: str
    verdict: str
    reason: str
    score: float | None
    undoes: int | None
    actor: str
    at: dt.datetime


class JudgementIn(InputSchema):
    left: str
    right: str
    verdict: str
    reason: str
    score: StrictFloat | None = None


class UndoIn(InputSchema):
    reason: str


class CandidateOut(Schema):
    left: str
    right: str
    score: float
    explanation: str
    warning: str


class PackageOut(Schema):
    reference: str
    partner: str
    purpose: str
    authority: str
    tlp: str
    status: str
    requester: str
    decided_by: str | None
    decided_at: dt.datetime | None
    created_at: dt.datetime
    items: list[dict[str, Any]]


class PackageIn(InputSchema):
    partner: str
    purpose: str
    authority: str
    reports: list[str] = []
    entities: list[str] = []
    withhold: dict[str, str] = {}


class PackageDecisionIn(InputSchema):
    approve: StrictBool
    note: str = ""


class PackageExportIn(InputSchema):
    format: str


class DisseminationOut(Schema):
    id: int
    package: str
    partner: str
    authority: str
    format: str
    references: list[str]
    entities: list[str]
    sha256: str
    sent_by: str
    approved_by: str
    at: dt.datetime


class ExportOut(DisseminationOut):
    content: str


class ImportIn(InputSchema):
    partner: str
    format: str
    content: str
    tlp: str = ""
    title: str = ""


class NominationIn(InputSchema):
    reason: str
    expires_on: IsoDate
    phone: str = ""


class NominationOut(Schema):
    external_id: str
    entity: str
    phone: str
    expires_on: dt.date
    withdrawn_at: dt.datetime | None = None
    withdrawal_reason: str = ""


class WithdrawalIn(InputSchema):
    reason: str


def _entity(e: Entity) -> dict[str, Any]:
    return {"ftm_id": e.ftm_id, "schema": e.schema, "caption": e.caption,
            "properties": e.properties, "report": e.report.reference}


def _summary(r: Report) -> dict[str, Any]:
    return {"reference": r.reference, "title": r.title, "agency": r.agency.code,
            "grade": r.grade, "scheme": r.scheme.code, "release": r.release,
            "partners": r.partners, "tlp": r.tlp,
            "caveats": [c.code for c in r.caveats.all()], "created_at": r.created_at}


def _report(r: Report) -> dict[str, Any]:
    return {**_summary(r), "text": r.text,
            "requirements": [q.code for q in r.requirements.all()],
            "provenance": r.provenance,
            "entities": [_entity(e) for e in r.entities.select_related("report")]}


def _judgement(j: Judgement) -> dict[str, Any]:
    return {"id": j.pk, "left": j.left.ftm_id, "right": j.right.ftm_id, "verdict": j.verdict,
            "reason": j.reason, "score": j.score, "undoes": j.undoes_id,
            "actor": j.actor.username, "at": j.at}


def _package(p: SharingPackage) -> dict[str, Any]:
    return {"reference": p.reference, "partner": p.partner, "purpose": p.purpose,
            "authority": p.authority, "tlp": p.tlp, "status": p.status,
            "requester": p.requester.username,
            "decided_by": p.decided_by.username if p.decided_by else None,
            "decided_at": p.decided_at, "created_at": p.created_at,
            "items": p.manifest.get("items", [])}


def _dissemination(d: Dissemination) -> dict[str, Any]:
    return {"id": d.pk, "package": d.package.reference, "partner": d.partner,
            "authority": d.authority, "format": d.format, "references": d.references,
            "entities": d.entities, "sha256": d.sha256, "sent_by": d.sent_by.username,
            "approved_by": d.approved_by.username, "at": d.at}


# --- reports and entities ----------------------------------------------------------------


@router.get("/reports", response=list[ReportSummary],
            summary="Reports I may see (search with q; the listing is audited)")
def list_reports(request: HttpRequest, response: HttpResponse, paging: Query[ApiPage],
                 q: str = "") -> list[dict[str, Any]]:
    _reader(request)
    found = api_page(request, response, selectors.reports_for(request.user, q).order_by(
        "-created_at", "-pk"), paging)
    services.reports_listed(actor=request.user, reports=found,
                            channel=f"api search {q!r}" if q else "api")
    return [_summary(r) for r in found]


@idempotent_post(router, "/reports", response={201: ReportOut},
                 summary="Record a graded report")
def post_report(request: HttpRequest, payload: ReportIn) -> Status:
    scheme = GradingScheme.objects.filter(code=payload.scheme).first()
    if scheme is None:
        raise Refused(_("unknown grading scheme %(scheme)s") % {"scheme": repr(payload.scheme)})
    caveats = list(Caveat.objects.filter(code__in=payload.caveats))
    if len(caveats) != len(set(payload.caveats)):
        raise Refused(_("unknown caveat in %(caveats)s") % {
                          "caveats": ", ".join(payload.caveats)})
    requirements = list(Requirement.objects.filter(code__in=payload.requirements))
    report = services.report_create(
        actor=request.user, title=payload.title, text=payload.text, scheme=scheme,
        source_grade=payload.source_grade, information_grade=payload.information_grade,
        handling_code=payload.handling_code, release=payload.release,
        partners=payload.partners, tlp=payload.tlp, caveats=caveats,
        requirements=requirements)
    return Status(201, _report(report))


@router.get("/reports/{reference}", response=ReportOut,
            summary="One report and its entities (the read is audited)")
def get_report(request: HttpRequest, reference: str) -> dict[str, Any]:
    return _report(services.report_read(actor=request.user, reference=reference,
                                        channel="api"))


@idempotent_post(router, "/reports/{reference}/entities", response={201: EntityOut},
                 summary="Add a FollowTheMoney entity to a report")
def post_entity(request: HttpRequest, reference: str, payload: EntityIn) -> Status:
    report = get_visible(request.user, Report, reference=reference)
    entity = services.entity_add(actor=request.user, report=report, schema=payload.schema_,
                                 properties=payload.properties)
    return Status(201, _entity(entity))


@router.get("/entities", response=list[EntityOut],
            summary="Entities I may see (search by name with q, filter by FtM schema with kind)")
def list_entities(request: HttpRequest, response: HttpResponse, paging: Query[ApiPage], q: str = "",
                  kind: str = "") -> list[dict[str, Any]]:
    _reader(request)
    found = api_page(request, response, selectors.entities_for(request.user, q, kind)
                     .order_by("caption", "pk"), paging)
    services.graph_read(actor=request.user, what=f"entity search {q!r}",
                        nodes=[f"e:{e.ftm_id}" for e in found], channel="api")
    return [_entity(e) for e in found]


@router.get("/entities/{ftm_id}", response=EntityOut,
            summary="One entity (the read is audited)")
def get_entity(request: HttpRequest, ftm_id: str) -> dict[str, Any]:
    return _entity(services.entity_read(actor=request.user, ftm_id=ftm_id, channel="api"))


# --- the network -----------------------------------------------------------------------


@router.get("/graph/neighbourhood", response=GraphOut,
            summary="An entity's neighbourhood (node key e:<ftm_id> or phone:+64…)")
def get_neighbourhood(request: HttpRequest, node: str, hops: int = 2,
                      cap: int = 500) -> dict[str, Any]:
    _reader(request)
    found = graph.neighbourhood(request.user, node, hops=max(1, min(hops, 3)),
                                cap=max(1, min(cap, 500)))
    services.graph_read(actor=request.user, what=f"neighbourhood of {node}",
                        nodes=list(found.nodes), channel="api")
    return found.as_json()


@router.get("/graph/path", response=GraphOut,
            summary="A shortest path between two nodes (at most max_hops edges)")
def get_path(request: HttpRequest, start: str, goal: str,
             max_hops: int = 4) -> dict[str, Any]:
    _reader(request)
    found = graph.shortest_path(request.user, start, goal, max_hops=max(1, min(max_hops, 6)))
    services.graph_read(actor=request.user, what=f"path {start} → {goal}",
                        nodes=list(found.nodes), channel="api")
    return found.as_json()


# --- resolution --------------------------------------------------------------------------


@router.get("/judgements", response=list[JudgementOut],
            summary="The judgement ledger I may see (optionally one entity's)")
def list_judgements(request: HttpRequest, response: HttpResponse, paging: Query[ApiPage],
                    entity: str = "") -> list[dict[str, Any]]:
    _reader(request)
    rows = visible(request.user, Judgement).select_related("left", "right", "actor")
    if entity:
        rows = rows.filter(left__ftm_id=entity) | rows.filter(right__ftm_id=entity)
    return [_judgement(j) for j in api_page(request, response, rows.order_by("-pk"), paging)]


@router.get("/candidates", response=list[CandidateOut],
            summary="Candidate pairs with the engine's explanation (optionally one entity's)")
def list_candidates(request: HttpRequest, response: HttpResponse, paging: Query[ApiPage],
                    entity: str = "") -> list[dict[str, Any]]:
    _reader(request)
    one = get_visible(request.user, Entity, ftm_id=entity) if entity else None
    return [{"left": c.left.ftm_id, "right": c.right.ftm_id, "score": c.score,
             "explanation": c.explanation, "warning": c.warning}
            for c in api_page(request, response, resolution.candidates(request.user, entity=one),
                              paging)]


@idempotent_post(router, "/judgements", response={201: JudgementOut},
                 summary="Judge a pair: same, not_same or unsure")
def post_judgement(request: HttpRequest, payload: JudgementIn) -> Status:
    left = get_visible(request.user, Entity, ftm_id=payload.left)
    right = get_visible(request.user, Entity, ftm_id=payload.right)
    row = resolution.judgement_record(actor=request.user, left=left, right=right,
                                      verdict=payload.verdict, reason=payload.reason,
                                      score=payload.score)
    return Status(201, _judgement(row))


@idempotent_post(router, "/judgements/{judgement_id}/undo", response={201: JudgementOut},
                 summary="Undo one judgement on its own (later judgements stand)")
def post_undo(request: HttpRequest, judgement_id: int, payload: UndoIn) -> Status:
    judgement = get_visible(request.user, Judgement, pk=judgement_id)
    row = resolution.judgement_undo(actor=request.user, judgement=judgement,
                                    reason=payload.reason)
    return Status(201, _judgement(row))


# --- sharing -------------------------------------------------------------------------


@router.get("/sharing/packages", response=list[PackageOut],
            summary="Sharing packages I may see")
def list_packages(request: HttpRequest, response: HttpResponse,
                  paging: Query[ApiPage]) -> list[dict[str, Any]]:
    _reader(request)
    return [_package(p) for p in api_page(request, response, visible(
        request.user, SharingPackage).select_related("requester", "decided_by").order_by(
        "-created_at", "-pk"), paging)]


@idempotent_post(router, "/sharing/packages", response={201: PackageOut},
                 summary="Prepare a package for a partner (items decided and frozen)")
def post_package(request: HttpRequest, payload: PackageIn) -> Status:
    reports = [get_visible(request.user, Report, reference=r) for r in payload.reports]
    entities = [get_visible(request.user, Entity, ftm_id=e) for e in payload.entities]
    package = sharing.package_create(actor=request.user, partner=payload.partner,
                                     purpose=payload.purpose, authority=payload.authority,
                                     reports=reports, entities=entities,
                                     withhold=payload.withhold)
    return Status(201, _package(package))


@router.get("/sharing/packages/{reference}", response=PackageOut,
            summary="One package and what it holds (the read is audited)")
def get_package(request: HttpRequest, reference: str) -> dict[str, Any]:
    return _package(sharing.package_read(actor=request.user, reference=reference,
                                         channel="api"))


@router.post("/sharing/packages/{reference}/decision", response=PackageOut,
             summary="Approve or decline (a senior officer other than the requester)")
def post_decision(request: HttpRequest, reference: str,
                  payload: PackageDecisionIn) -> dict[str, Any]:
    package = get_visible(request.user, SharingPackage, reference=reference)
    return _package(sharing.package_decide(actor=request.user, package=package,
                                           approve=payload.approve, note=payload.note))


@idempotent_post(router, "/sharing/packages/{reference}/export", response={201: ExportOut},
                 summary="Export an approved package (ftm or stix); logged as sent")
def post_export(request: HttpRequest, reference: str, payload: PackageExportIn) -> Status:
    package = get_visible(request.user, SharingPackage, reference=reference)
    row = sharing.package_export(actor=request.user, package=package, fmt=payload.format)
    return Status(201, {**_dissemination(row), "content": row.content})


@router.get("/sharing/log", response=list[DisseminationOut],
            summary="The dissemination log: what went to whom, when, under which authority")
def list_log(request: HttpRequest, response: HttpResponse,
             paging: Query[ApiPage]) -> list[dict[str, Any]]:
    _reader(request)
    rows = api_page(request, response, visible(request.user, Dissemination).select_related(
        "package", "sent_by", "approved_by").order_by("-at", "-pk"), paging)
    if rows:
        sharing.log_listed(actor=request.user, rows=rows)
    return [_dissemination(d) for d in rows]


@idempotent_post(router, "/imports", response={201: ReportSummary},
                 summary="Import a partner's FtM lines or STIX bundle (whole, or refused)")
def post_import(request: HttpRequest, payload: ImportIn) -> Status:
    report = imports.partner_import(actor=request.user, partner=payload.partner,
                                    fmt=payload.format, content=payload.content,
                                    tlp=payload.tlp, title=payload.title)
    return Status(201, _summary(report))


@idempotent_post(router, "/entities/{ftm_id}/watchlist", response={201: NominationOut},
                 summary="Put an entity (or one phone of it) on the border watchlist")
def post_nomination(request: HttpRequest, ftm_id: str, payload: NominationIn) -> Status:
    entity = get_visible(request.user, Entity, ftm_id=ftm_id)
    row = watchlist.watchlist_nominate(actor=request.user, entity=entity,
                                       reason=payload.reason, expires_on=payload.expires_on,
                                       phone=payload.phone, today=timezone.localdate())
    return Status(201, _nomination(row))


def _nomination(row: WatchlistNomination) -> dict[str, Any]:
    return {"external_id": row.external_id, "entity": row.entity.ftm_id, "phone": row.phone,
            "expires_on": row.expires_on, "withdrawn_at": row.withdrawn_at,
            "withdrawal_reason": row.withdrawal_reason}


@router.post("/watchlist/{external_id}/withdraw", response=NominationOut,
             summary="Take an intelligence nomination off the border watchlist, with the "
                     "reason")
def post_withdrawal(request: HttpRequest, external_id: str,
                    payload: WithdrawalIn) -> dict[str, Any]:
    nomination = watchlist.nomination_for(request.user, external_id)
    row = watchlist.watchlist_withdraw(actor=request.user, nomination=nomination,
                                       reason=payload.reason, today=timezone.localdate())
    return _nomination(row)
