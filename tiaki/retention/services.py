"""Running the retention schedule, and placing and releasing legal holds.

``retention_run`` applies ``data/legal/<cc>/retention.yaml`` as of ``now`` (always passed in
by tests): per class it finds the records whose period has passed, leaves out those under an
open legal hold, and destroys or anonymises the rest in batches. Each batch is one
transaction holding the changes, one ``Disposal`` row per record and one audit row listing
the batch's ids and references, so a run that stops (an error, a kill) leaves whole batches
done or undone, never half a record, and the next run carries on with what is still due.
Audit rows are never disposed of (their class may only be retained or listed for transfer),
so ``tiaki audit verify`` still passes after every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.administration.policies import administered_agency_ids
from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused, policy_for
from tiaki.retention.classes import RECORD_CLASSES, RecordClass
from tiaki.retention.models import Disposal, DisposalRun, LegalHold
from tiaki.retention.policies import HOLD, may_manage_retention
from tiaki.retention.schedule import DISPOSING, Schedule, schedule

Progress = Callable[[str, int, int], None]


@dataclass
class ClassOutcome:
    code: str
    label: str
    action: str
    trigger: str
    period_days: int
    cutoff: dt.datetime
    due: int = 0  # past the period, not held, not yet disposed of
    held: int = 0  # past the period but under a legal hold
    disposed: int = 0
    kept: list[str] = field(default_factory=list)  # could not be disposed of (still referenced)


@dataclass
class RunReport:
    as_of: dt.datetime
    dry_run: bool
    schedule_version: str
    classes: list[ClassOutcome]
    run: DisposalRun | None = None

    @property
    def disposed(self) -> int:
        return sum(c.disposed for c in self.classes)

    @property
    def due(self) -> int:
        return sum(c.due for c in self.classes if c.action in DISPOSING)


def batch_size() -> int:
    return max(1, int(getattr(settings, "TIAKI_RETENTION_BATCH", 200)))


def _open_hold(rc: RecordClass) -> models.Exists:
    return models.Exists(LegalHold.objects.filter(record_class=rc.code, released_at__isnull=True,
                                                  object_id=models.OuterRef("pk")))


def _disposed(rc: RecordClass) -> models.Exists:
    return models.Exists(Disposal.objects.filter(record_class=rc.code,
                                                 object_id=models.OuterRef("pk")))


def _past(rc: RecordClass, cutoff: dt.datetime) -> models.QuerySet[Any]:
    return rc.started_before(cutoff).filter(~_disposed(rc))


def _pending(rc: RecordClass, cutoff: dt.datetime) -> models.QuerySet[Any]:
    """Records of the class due for disposal: past the period, not held, not done."""
    return _past(rc, cutoff).filter(~_open_hold(rc))


def _outcome(sched: Schedule, code: str, now: dt.datetime) -> tuple[RecordClass, ClassOutcome]:
    spec = sched.get(code)
    assert spec is not None
    rc = RECORD_CLASSES[code]
    days = sched.period_days(code) or spec.period_days
    cutoff = now - dt.timedelta(days=days)
    outcome = ClassOutcome(code=code, label=str(rc.label), action=spec.action,
                           trigger=str(rc.trigger_label), period_days=days, cutoff=cutoff)
    if spec.action in DISPOSING:
        past = _past(rc, cutoff)
        outcome.held = past.filter(_open_hold(rc)).count()
        outcome.due = past.count() - outcome.held
    else:
        outcome.due = rc.started_before(cutoff).count()
    return rc, outcome


def retention_due(*, now: dt.datetime) -> RunReport:
    """What a run as of ``now`` would dispose of, per class (nothing is written)."""
    return retention_run(now=now, dry_run=True)


def retention_run(*, now: dt.datetime, dry_run: bool, actor: Any = None,
                  progress: Progress | None = None, size: int | None = None) -> RunReport:
    """Apply the schedule as of ``now``; with ``dry_run`` only count what is due."""
    sched = schedule()
    outcomes = [_outcome(sched, spec.code, now) for spec in sched.classes()]
    report = RunReport(as_of=now, dry_run=dry_run, schedule_version=sched.version,
                       classes=[o for _, o in outcomes])
    if dry_run:
        return report
    run = DisposalRun.objects.create(
        as_of=now, schedule_version=sched.version, authority=sched.authority.reference,
        started_by=actor if getattr(actor, "is_authenticated", False) else None)
    report.run = run
    try:
        for rc, outcome in outcomes:
            if outcome.action in DISPOSING:
                _dispose_class(run, rc, outcome, sched, actor=actor, progress=progress,
                               size=size or batch_size())
            if rc.after_run is not None:
                rc.after_run(now)
            run.counts = _counts(report)
            DisposalRun.objects.filter(pk=run.pk).update(counts=run.counts)
    except Exception as exc:
        run.status = DisposalRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.counts = _counts(report)
        run.save(update_fields=["status", "error", "finished_at", "counts"])
        raise
    run.status = DisposalRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.counts = _counts(report)
    run.save(update_fields=["status", "finished_at", "counts"])
    return report


def _counts(report: RunReport) -> dict[str, Any]:
    return {o.code: {"action": o.action, "period_days": o.period_days, "due": o.due,
                     "held": o.held, "disposed": o.disposed, "kept": len(o.kept)}
            for o in report.classes}


def _dispose_class(run: DisposalRun, rc: RecordClass, outcome: ClassOutcome, sched: Schedule,
                   *, actor: Any, progress: Progress | None, size: int) -> None:
    total = outcome.due
    skipped: set[int] = set()
    number = 0
    while True:
        pks = list(_pending(rc, outcome.cutoff).exclude(pk__in=skipped).order_by("pk")
                   .values_list("pk", flat=True)[:size])
        if not pks:
            return
        number += 1
        done = _dispose_batch(run, rc, outcome, sched, pks, number, actor=actor)
        skipped.update(set(pks) - done)
        outcome.disposed += len(done)
        if progress is not None:
            progress(rc.code, outcome.disposed, total)


def _dispose_batch(run: DisposalRun, rc: RecordClass, outcome: ClassOutcome, sched: Schedule,
                   pks: list[int], number: int, *, actor: Any) -> set[int]:
    """One transaction: dispose of each record still due (re-checked under lock), record
    each, and write the batch's audit row. An exception undoes the whole batch."""
    action = outcome.action
    with transaction.atomic():
        rows = list(_pending(rc, outcome.cutoff).filter(pk__in=pks).order_by("pk")
                    .select_for_update(of=("self",)))
        done: list[tuple[int, str]] = []
        for obj in rows:
            pk, reference = obj.pk, rc.reference(obj)
            try:
                with transaction.atomic():  # a savepoint: one refused delete skips one record
                    if action == "destroy":
                        assert rc.destroy is not None
                        rc.destroy(obj)
                    else:
                        assert rc.anonymise is not None
                        rc.anonymise(obj)
            except (ProtectedError, RestrictedError, IntegrityError) as exc:
                outcome.kept.append(f"{reference}: {exc.__class__.__name__}")
                continue
            done.append((pk, reference))
        if not done:
            return set()
        Disposal.objects.bulk_create([
            Disposal(run=run, batch=number, record_class=rc.code, object_id=pk,
                     reference=reference, action=action) for pk, reference in done])
        verb = _("destroyed") if action == "destroy" else _("anonymised")
        audit_record(
            actor=actor, action=Action.PURGE, object_type="retention.disposalrun",
            object_id=str(run.pk),
            summary=f"Retention: {len(done)} {rc.code} {verb} (run {run.pk}, batch {number})",
            changes={"record_class": rc.code, "model": rc.model_label, "action": action,
                     "batch": number, "count": len(done), "ids": [pk for pk, _r in done],
                     "references": [r for _pk, r in done], "trigger": rc.trigger,
                     "period_days": outcome.period_days,
                     "cutoff": outcome.cutoff.isoformat(),
                     "schedule_version": sched.version,
                     "disposal_authority": sched.authority.reference,
                     "authority_confirmed": sched.authority.confirmed})
    return {pk for pk, _r in done}


# --------------------------------------------------------------------------- legal holds


def _located(actor: Any, rc: RecordClass, reference: str) -> tuple[int, int | None] | None:
    """The record a person named, if it exists within their agencies (else None: missing
    and outside one's agencies answer alike)."""
    rows = rc.lookup(reference)
    ids = administered_agency_ids(actor)
    if ids is not None:
        if not rc.agency_path:
            return None
        rows = rows.filter(**{f"{rc.agency_path}__in": ids})
    found = rows.values_list("pk", rc.agency_path or "pk").distinct().first()
    if found is None:
        return None
    return int(found[0]), (int(found[1]) if rc.agency_path and found[1] is not None else None)


def hold_place(*, actor: Any, record_class: str, reference: str, reason: str,
               authority: str = "", now: dt.datetime | None = None) -> LegalHold:
    """Put one record under a legal hold: no retention run disposes of it until released."""
    if not may_manage_retention(actor):
        raise Refused(_("only an administrator places legal holds"))
    rc = RECORD_CLASSES.get(record_class)
    if rc is None or not rc.holdable:
        raise Refused(_("records of this kind cannot be held"))
    reason = reason.strip()
    if not reason:
        raise Refused(_("say why the record is held (the reason is kept in the audit trail)"))
    located = _located(actor, rc, reference)
    if located is None:
        raise Refused(_("there is no record %(reference)s of that kind among the records you "
                        "manage") % {"reference": reference.strip()[:40]})
    pk, agency_id = located
    if Disposal.objects.filter(record_class=rc.code, object_id=pk).exists():
        raise Refused(_("this record has already been disposed of"))
    with transaction.atomic():
        if LegalHold.objects.select_for_update().filter(
                record_class=rc.code, object_id=pk, released_at__isnull=True).exists():
            raise Refused(_("this record is already under a legal hold"))
        record = rc.model._default_manager.get(pk=pk)
        hold = LegalHold.objects.create(
            record_class=rc.code, object_id=pk, reference=rc.reference(record),
            agency_id=agency_id, reason=reason, authority=authority.strip()[:300],
            placed_by=actor, placed_at=now or timezone.now())
        audit_record(actor=actor, action=Action.CREATE, obj=hold,
                     summary=f"Legal hold placed on {hold.reference} ({rc.code})",
                     changes={"record_class": rc.code, "object_id": pk,
                              "reference": hold.reference, "authority": hold.authority},
                     reason=reason)
    return hold


def hold_release(*, actor: Any, hold: LegalHold, reason: str,
                 now: dt.datetime | None = None) -> LegalHold:
    """Release a legal hold; the record is disposed of by the next run if it is due."""
    policy_for(LegalHold).check(actor, HOLD, hold)
    reason = reason.strip()
    if not reason:
        raise Refused(_("say why the hold is released (the reason is kept in the audit trail)"))
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if locked.released_at is not None:
            raise Refused(_("this hold has already been released"))
        locked.released_at = now or timezone.now()
        locked.released_by = actor
        locked.release_reason = reason
        locked.save(update_fields=["released_at", "released_by", "release_reason"])
        audit_record(actor=actor, action=Action.UPDATE, obj=locked,
                     summary=f"Legal hold on {locked.reference} released ({locked.record_class})",
                     changes={"released": True}, reason=reason)
    return locked
