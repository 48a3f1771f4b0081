"""State changes on the Plan: recording progress on an action item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused, policy_for
from tiaki.core.uploads import check_upload
from tiaki.plan.models import ActionItem, Evidence, ProgressStatus, ProgressUpdate
from tiaki.plan.policies import RECORD, REPORT

MAX_EVIDENCE_FILES = 5


def progress_update_record(
    *,
    item: ActionItem,
    actor: Any,
    status: str,
    narrative: str,
    reported_on: dt.date | None = None,
    files: Sequence[UploadedFile] = (),
) -> ProgressUpdate:
    """Record an agency's progress on an item, with optional evidence files."""
    policy_for(ActionItem).check(actor, REPORT, item)
    if status not in ProgressStatus.values:
        raise Refused(_("unknown status %(status)s; use one of %(values)s") % {
                          "status": repr(status), "values": ', '.join(ProgressStatus.values)})
    narrative = narrative.strip()
    if not narrative:
        raise Refused(_("say what was done: the narrative is empty"))
    today = timezone.localdate()
    reported_on = reported_on or today
    if reported_on > today:
        raise Refused(_("the progress date cannot be in the future"))
    if reported_on < item.plan.start_date:
        raise Refused(_("the progress date is before the plan started (%(start_date)s)") % {
                          "start_date": item.plan.start_date})
    if len(files) > MAX_EVIDENCE_FILES:
        raise Refused(_("attach at most %(limit)s files") % {
                          "limit": MAX_EVIDENCE_FILES})
    checked = [check_upload(f) for f in files]
    agency = actor.agency
    if agency is None:
        raise Refused(_("you do not belong to an agency"))
    with transaction.atomic():
        update = ProgressUpdate.objects.create(
            item=item, agency=agency, author=actor, status=status,
            narrative=narrative, reported_on=reported_on,
        )
        for upload, meta in zip(files, checked, strict=True):
            evidence = Evidence(
                update=update, original_name=meta.name, content_type=meta.content_type,
                size=meta.size, sha256=meta.sha256,
            )
            evidence.file.save(f"{meta.sha256[:16]}.bin", upload, save=False)
            evidence.save()
        audit_record(
            actor=actor, action=Action.CREATE, obj=update,
            summary=f"Progress on item {item.number}: {update.get_status_display()}",
            changes={"item": item.number, "status": status, "reported_on": reported_on,
                     "evidence": [m.sha256 for m in checked]},
        )
    return update


def plan_record_create(*, actor: Any, model: type[Any], values: dict[str, Any]) -> Any:
    """File a structured record (a training session, survey, grant, ...) for the actor's
    agency; the metric that reads it counts it from then on."""
    record = model(**values)
    policy_for(model).check(actor, RECORD, record)
    record.agency = actor.agency
    record.recorded_by = actor
    try:
        record.full_clean()
    except ValidationError as exc:
        raise Refused("; ".join(_("%(field)s: %(errors)s") % {"field": field,
                                                                "errors": " ".join(errors)}
                                for field, errors in exc.message_dict.items())) from exc
    with transaction.atomic():
        record.save()
        audit_record(actor=actor, action=Action.CREATE, obj=record,
                     summary=f"{model._meta.verbose_name.capitalize()} recorded: {record}",
                     changes={k: v for k, v in values.items() if k != "item"})
    return record
