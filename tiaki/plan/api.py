from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from tiaki.core.policy import get_visible, visible
from tiaki.plan import selectors
from tiaki.plan.models import Plan, ProgressStatus
from tiaki.plan.services import progress_update_record

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


class UpdateIn(Schema):
    status: ProgressStatus
    narrative: str
    reported_on: dt.date | None = None


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


@router.post("/{plan_code}/items/{number}/updates", response={201: UpdateOut},
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


