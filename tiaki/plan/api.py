from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import WithJsonSchema

from tiaki.core.api_schema import InputSchema, IsoDate
from tiaki.core.idempotency import idempotent_post
from tiaki.core.policy import get_visible, visible
from tiaki.plan import selectors
from tiaki.plan.models import Plan, ProgressStatus
from tiaki.plan.services import MAX_EVIDENCE_FILES, progress_update_record

router = Router()


class PhaseOut(Schema):
    kind: str
    text: str
    due_date: dt.date | None


class UpdateOut(Schema):
    id: int
    status: str
    narrative: str
    reported_on: dt.date
    agency: str


class ItemOut(Schema):
    number: int
    section: str
    objective: str
    action: str
    measure: str
    agencies: list[str]
    timetable: list[PhaseOut]
    due_date: dt.date | None
    status: str
    overdue: bool


class ItemDetailOut(ItemOut):
    updates: list[UpdateOut]


class UpdateIn(InputSchema):
    status: ProgressStatus
    # The service refuses an empty narrative; saying so here lets a client (and the
    # multipart form, whose empty fields some encoders drop) learn it from the schema.
    narrative: str = Field(min_length=1, description="What was done (not empty)")
    reported_on: IsoDate | None = None


class UpdateFormIn(UpdateIn):
    # A form field cannot be null (a client sends the text "null"): leave it out for today.
    reported_on: Annotated[IsoDate | None, WithJsonSchema(
        {"type": "string", "format": "date", "description": "Leave out for today"})] = None


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class UpdateWithEvidenceOut(UpdateOut):
    evidence: list[EvidenceOut]


class CountOut(Schema):
    label: str
    counts: dict[str, int]


class DashboardOut(Schema):
    items: int
    by_status: dict[str, int]
    by_goal: list[CountOut]
    by_agency: list[CountOut]
    overdue: list[int]


class PlanOut(Schema):
    code: str
    country: str
    title: str
    start_date: dt.date


def _item_out(state: selectors.ItemState) -> dict[str, object]:
    item = state.item
    return {
        "number": item.number, "section": item.section.code, "objective": item.objective,
        "action": item.action, "measure": item.measure, "agencies": state.agencies,
        "timetable": [{"kind": p.kind, "text": p.text, "due_date": p.due_date()}
                      for p in item.timetable.all()],
        "due_date": state.due, "status": state.status, "overdue": state.overdue,
    }


def _update_out(update: object) -> dict[str, object]:
    return {"id": update.pk, "status": update.status, "narrative": update.narrative,  # type: ignore[attr-defined]
            "reported_on": update.reported_on, "agency": update.agency.code}  # type: ignore[attr-defined]


@router.get("/plans", response=list[PlanOut], summary="Plans loaded")
def list_plans(request: HttpRequest) -> list[Plan]:
    return list(visible(request.user, Plan))


@router.get("/{plan_code}/items", response=list[ItemOut], summary="Action items with status")
def list_items(request: HttpRequest, plan_code: str) -> list[dict[str, object]]:
    plan = get_visible(request.user, Plan, code=plan_code)
    return [_item_out(s) for s in selectors.plan_states(request.user, plan)]


@router.get("/{plan_code}/items/{number}", response=ItemDetailOut, summary="One item")
def get_item(request: HttpRequest, plan_code: str, number: int) -> dict[str, object]:
    plan = get_visible(request.user, Plan, code=plan_code)
    item = get_visible(request.user, selectors.items_for(request.user, plan), number=number)
    data = _item_out(selectors.item_state(item))
    data["updates"] = [_update_out(u) for u in item.updates.all()]
    return data


@idempotent_post(router, "/{plan_code}/items/{number}/updates", response={201: UpdateOut},
             summary="Record progress on an item (agencies responsible for it)")
def post_update(request: HttpRequest, plan_code: str, number: int,
                payload: UpdateIn) -> Status[dict[str, object]]:
    plan = get_visible(request.user, Plan, code=plan_code)
    item = get_visible(request.user, selectors.items_for(request.user, plan), number=number)
    update = progress_update_record(
        item=item, actor=request.user, status=payload.status, narrative=payload.narrative,
        reported_on=payload.reported_on,
    )
    return Status(201, _update_out(update))




@idempotent_post(router, "/{plan_code}/items/{number}/updates/with-evidence",
             response={201: UpdateWithEvidenceOut},
             summary="Record progress with evidence files (multipart form)")
def post_update_with_evidence(
    request: HttpRequest, plan_code: str, number: int, payload: Form[UpdateFormIn],
    evidence: Annotated[list[UploadedFile], File(
        default=[], max_length=MAX_EVIDENCE_FILES,
        description=f"Up to {MAX_EVIDENCE_FILES} files; none records the progress alone, "
                    "as the JSON operation does")],
) -> Status[dict[str, object]]:
    plan = get_visible(request.user, Plan, code=plan_code)
    item = get_visible(request.user, selectors.items_for(request.user, plan), number=number)
    update = progress_update_record(
        item=item, actor=request.user, status=payload.status, narrative=payload.narrative,
        reported_on=payload.reported_on, files=evidence,
    )
    data = _update_out(update)
    data["evidence"] = [
        {"id": e.pk, "name": e.original_name, "content_type": e.content_type, "size": e.size,
         "sha256": e.sha256} for e in update.evidence.all()
    ]
    return Status(201, data)


@router.get("/evidence/{evidence_id}", summary="Download an evidence file")
def get_evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = selectors.evidence_download(request.user, evidence_id)
    return FileResponse(evidence.file.open("rb"), as_attachment=True,
                        filename=evidence.original_name, content_type=evidence.content_type)


@router.get("/{plan_code}/dashboard", response=DashboardOut,
            summary="The working group's dashboard: by status, goal, agency; overdue items")
def get_dashboard(request: HttpRequest, plan_code: str) -> dict[str, object]:
    plan = get_visible(request.user, Plan, code=plan_code)
    board = selectors.dashboard(request.user, plan)
    return {
        "items": len(board.states),
        "by_status": dict(board.by_status),
        "by_goal": [{"label": label, "counts": dict(c)} for label, c in board.by_goal],
        "by_agency": [{"label": label, "counts": dict(c)} for label, c in board.by_agency],
        "overdue": [s.item.number for s in board.overdue],
    }


@router.get("/{plan_code}/my-agency", response=list[ItemOut],
            summary="Items the caller's agency (or the agencies it succeeded) is responsible for")
def get_agency_todo(request: HttpRequest, plan_code: str) -> list[dict[str, object]]:
    plan = get_visible(request.user, Plan, code=plan_code)
    return [_item_out(s) for s in selectors.agency_todo(request.user, plan)]
