"""Ingesting passenger lists and visa applications, and screening them into alerts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.db.models.base import ModelState
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.audit.services import Action, audit_record
from tiaki.core.bulk import bulk_insert
from tiaki.core.collector import collector_paused
from tiaki.core.policy import Refused
from tiaki.screening import checks
from tiaki.screening.loader import posts_ensure
from tiaki.screening.models import (
    Alert,
    IngestBatch,
    LostDocument,
    Post,
    RiskProfileVersion,
    Traveller,
    WatchlistEntry,
)
from tiaki.screening.parsers.record_builder import build_record, canonical_field
from tiaki.screening.parsers.record_model import (
    IngestResult,
    RecordIssue,
    SourceRef,
    TravellerRecord,
)
from tiaki.screening.parsers.records import detect_format, ingest
from tiaki.screening.policies import (
    can_ingest,
)
from tiaki.screening.services import resume
from tiaki.screening.services.common import MAX_PROBLEMS_KEPT, SCREEN_CHUNK, Progress

# --- ingestion ------------------------------------------------------------------------------


def _problem(issue: RecordIssue) -> dict[str, Any]:
    return {"severity": issue.severity, "line": issue.line, "field": issue.field or "",
            "reason": issue.reason, "value": (issue.value or "")[:200],
            "rejected": issue.row_rejected}


def read_source(data: bytes, kind: str | None = None) -> IngestResult:
    """Parse a file of any supported format, with every problem found (PAXLST parse
    problems included, with segment and column).

    ``kind`` says what a CSV or JSON file holds (travellers or visa applications); by default
    CSV is a traveller list and JSON visa applications. PAXLST is always travellers.
    """
    return ingest(data, kind=kind)  # type: ignore[arg-type]


def route_post(*, kind: str, arrival_port: str, posts: Sequence[Post] | None = None) -> Post:
    """The post whose queue a record's alerts go to (data/nz/border_posts.yaml)."""
    if posts is None:
        posts_ensure()
        posts = list(Post.objects.all())
    if kind == Traveller.Kind.VISA_APPLICATION:
        for post in posts:
            if post.handles_visas:
                return post
    port = arrival_port.upper()
    for post in posts:
        if port and port in post.ports:
            return post
    return next(p for p in posts if p.is_default)


def _date_only(value: str | None) -> dt.date | None:
    if value and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def traveller_from_record(rec: TravellerRecord,
                          posts: Sequence[Post] | None = None) -> Traveller:
    """An unsaved Traveller row holding a parsed record."""
    return Traveller(**_traveller_fields(rec, posts))


def traveller_row(rec: TravellerRecord, posts: Sequence[Post]) -> dict[str, Any]:
    """A parsed record as a plain row for ``bulk_insert`` (column attribute → value): an
    ingest stores thousands, and a model instance for each cost more than the insert."""
    fields = _traveller_fields(rec, posts)
    fields["post_id"] = fields.pop("post").pk
    return fields


def _traveller_fields(rec: TravellerRecord, posts: Sequence[Post] | None) -> dict[str, Any]:
    name = rec.name
    doc = rec.document
    legs = [{"carrier": leg.carrier, "flight_number": leg.flight_number,
             "departure_port": leg.departure_port, "departure": leg.departure,
             "arrival_port": leg.arrival_port, "arrival": leg.arrival} for leg in rec.itinerary]
    extra = dict(rec.extra)
    # The traveller's own port of debarkation (PAXLST LOC+179) beats the flight's last
    # arrival: on a multi-leg flight a passenger may leave at an intermediate port.
    arrival_port = extra.get("LOC+179") or next(
        (leg["arrival_port"] for leg in reversed(legs) if leg["arrival_port"]), "")
    departure_port = next((leg["departure_port"] for leg in legs if leg["departure_port"]), "")
    arrival = next((leg["arrival"] for leg in reversed(legs) if leg["arrival"]), None)
    kind = str(rec.kind)
    return dict(
        kind=kind, fingerprint=rec.fingerprint, source_format=rec.source.format,
        source_line=rec.source.line, external_id=(rec.external_id or "")[:100],
        full_name=(name.full if name else "")[:300],
        family_name=(name.family or "" if name else "")[:200],
        given_names=(name.given or "" if name else "")[:200],
        name_latin=(name.latin if name else "")[:300],
        other_names=[n.full for n in rec.names[1:]],
        date_of_birth=rec.date_of_birth.iso() if rec.date_of_birth else "",
        sex=rec.sex or "", nationality=(rec.nationality or "")[:3],
        document_type=(doc.doc_type or "")[:10] if doc else "",
        document_number=(doc.number or "")[:40] if doc else "",
        document_issuer=(doc.issuer or "")[:3] if doc else "",
        document_expiry=doc.expiry.iso() if doc and doc.expiry else "",
        mrz_valid=doc.mrz_valid if doc else None,
        role=extra.get("role", "")[:40], itinerary=legs,
        departure_port=(departure_port or "")[:5], arrival_port=(arrival_port or "")[:5],
        arrival_date=_date_only(arrival),
        parties=[{"role": p.role, "name": p.name, "phone": p.phone, "email": p.email,
                  "address": p.address.text if p.address else None} for p in rec.parties],
        phones=list(rec.phones), emails=list(rec.emails),
        address=rec.address.text if rec.address else "",
        address_country=(rec.address.country or "")[:3] if rec.address else "",
        extra=[list(pair) for pair in rec.extra],
        post=route_post(kind=kind, arrival_port=arrival_port or "", posts=posts),
    )


@dataclass
class IngestOutcome:
    batch: IngestBatch
    problems: list[dict[str, Any]] = field(default_factory=list)
    # Earlier batches holding some of these records whose screening never finished (their
    # screener crashed): screened again from where they stopped (``batch_screen``).
    unfinished: list[int] = field(default_factory=list)

    def summary(self) -> str:
        b = self.batch
        text = (_("%(file_name)s: %(format)s, %(read)s applications read, %(added)s added, "
                  "%(present)s already present, %(rejected)s rejected")
                if b.kind == Traveller.Kind.VISA_APPLICATION
                else _("%(file_name)s: %(format)s, %(read)s travellers read, %(added)s added, "
                       "%(present)s already present, %(rejected)s rejected"))
        return text % {"file_name": b.file_name, "format": b.format, "read": b.read_count,
                       "added": b.added_count, "present": b.present_count,
                       "rejected": b.rejected_count}


def ingest_file(*, actor: Any, data: bytes, file_name: str, kind: str | None = None,
                screen: bool = True, progress: Progress | None = None) -> IngestOutcome:
    """Read a PAXLST, CSV or JSON file, add the records not already held, then screen them.

    Idempotent: a record already held (same content fingerprint) is counted as already present
    and nothing about it changes. Rejected rows are reported with their line and reason; the
    other rows are kept (nothing is lost because one row is bad). Screening runs as a task.
    """
    if actor is not None and not can_ingest(actor):
        raise Refused(_("only intelligence analysts and border or visa officers ingest records"))
    if not data:
        raise Refused(_("%(file_name)s is empty") % {"file_name": file_name})
    if detect_format(data) == "unknown":
        raise Refused(_("%(file_name)s: not a PAXLST message, CSV or JSON file") % {
                          "file_name": file_name})
    if kind is not None and kind not in Traveller.Kind.values:
        raise Refused(_("kind must be one of %(values)s") % {
                          "values": ', '.join(Traveller.Kind.values)})
    # Parsing and storing make objects by the hundred thousand, none in cycles: the
    # collector, left on, spent more walking the heap than the work did (core.collector).
    with collector_paused():
        return _ingest(actor, data, file_name, kind, screen, progress)


def _ingest(actor: Any, data: bytes, file_name: str, kind: str | None, screen: bool,
            progress: Progress | None) -> IngestOutcome:
    result = read_source(data, kind)
    posts_ensure()
    posts = list(Post.objects.all())
    records = result.records
    problems = [_problem(i) for i in result.issues]
    rejected = sum(1 for i in result.issues if i.row_rejected)
    kinds = {r.kind for r in records}
    kind = kinds.pop() if len(kinds) == 1 else Traveller.Kind.TRAVELLER
    with transaction.atomic():
        batch = IngestBatch.objects.create(
            file_name=file_name[:255], sha256=hashlib.sha256(data).hexdigest(),
            format=result.format, kind=kind,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            read_count=len(records) + rejected, rejected_count=rejected,
            problems=problems[:MAX_PROBLEMS_KEPT],
        )
        added = present = 0
        holders: set[int | None] = set()
        for start in range(0, len(records), SCREEN_CHUNK):
            chunk = records[start:start + SCREEN_CHUNK]
            # Unordered: the model's default order made the server sort the rows found.
            held_by = dict(Traveller.objects.filter(
                fingerprint__any_of=[r.fingerprint for r in chunk]).order_by()
                .values_list("fingerprint", "batch_id"))
            holders.update(held_by.values())
            held = set(held_by)
            new: list[dict[str, Any]] = []
            for rec in chunk:
                if rec.fingerprint in held:
                    present += 1
                    continue
                held.add(rec.fingerprint)
                row = traveller_row(rec, posts)
                row["batch_id"] = batch.pk
                new.append(row)
            # COPY on PostgreSQL (``tiaki.core.bulk``): the screener reads the rows back by
            # batch, so their keys are not needed here.
            bulk_insert(Traveller, new)
            added += len(new)
            if progress is not None:
                progress(start + len(chunk), len(records))
        batch.added_count, batch.present_count = added, present
        batch.screen_total = added
        if added == 0:
            batch.status = IngestBatch.Status.DONE
        batch.save()
        audit_record(actor=actor, action=Action.CREATE, obj=batch,
                     summary=f"Ingested {batch.file_name}: {added} added, {present} present, "
                             f"{rejected} rejected",
                     changes={"sha256": batch.sha256, "format": batch.format,
                              "read": batch.read_count, "added": added, "present": present,
                              "rejected": rejected})
        unfinished = resume.unfinished(holders)
        if screen:
            from tiaki.screening.tasks import screen_batch

            to_screen = [*unfinished, batch.pk] if added else unfinished
            transaction.on_commit(lambda: [screen_batch.enqueue(batch_id=b) for b in to_screen])
    return IngestOutcome(batch, problems, unfinished)


def _create_alerts(hits: Iterable[checks.Hit], batch: IngestBatch | None) -> list[Alert]:
    hits = list(hits)
    if not hits:
        return []
    keys = [h.dedupe_key for h in hits]
    existing = set(Alert.objects.filter(dedupe_key__in=keys).values_list("dedupe_key",
                                                                         flat=True))
    posts = dict(Traveller.objects.filter(pk__in={h.traveller_id for h in hits})
                 .values_list("pk", "post_id"))
    new = []
    for hit in hits:
        if hit.dedupe_key in existing:
            continue
        existing.add(hit.dedupe_key)
        new.append(Alert(
            traveller_id=hit.traveller_id, post_id=posts[hit.traveller_id], source=hit.source,
            profile_version_id=hit.ref_id if hit.source == Alert.Source.PROFILE else None,
            watchlist_entry_id=hit.ref_id if hit.source == Alert.Source.WATCHLIST else None,
            lost_document_id=hit.ref_id if hit.source == Alert.Source.LOST_DOCUMENT else None,
            score=hit.score, explanation=hit.explanation[:4000], dedupe_key=hit.dedupe_key,
            batch=batch,
        ))
    # A concurrent screening of the same record may have raised the alert meanwhile.
    Alert.objects.bulk_create(new, ignore_conflicts=True)
    return new


def batch_screen(*, batch: IngestBatch, progress: Progress | None = None) -> int:
    """Screen a batch's records against watchlists, the document register and published
    profiles; returns the number of new alerts.

    Resumable: each chunk's alerts commit together with the batch's cursor (the last record
    screened), so after a crash the next call screens only the rest, and alerts are unique
    by their dedupe key, so none is raised twice. A batch another live screener holds is left
    to it (0 is returned).
    """
    if not resume.claim(batch.pk):
        return 0
    try:
        with collector_paused():  # as ``ingest_file``
            return _screen_claimed(batch.pk, progress)
    finally:
        resume.release(batch.pk)


# Traveller columns none of the checks reads (``checks.contract_row``, ``traveller_facts``,
# ``document_hits``).
_UNSCREENED = ("other_names", "extra", "source_format", "source_line", "external_id")


_SCREENED = tuple(f.attname for f in Traveller._meta.concrete_fields
                  if f.attname not in _UNSCREENED)

# The screened JSON columns (itinerary, parties, phones, emails) are read as their text and
# decoded here: most records carry none, and "[]" needs no decoder (Django's JSON converter
# costs a call chain per value, four values a record).
_JSON_SCREENED = frozenset(f.attname for f in Traveller._meta.concrete_fields
                           if f.attname in _SCREENED and isinstance(f, models.JSONField))
_AS_TEXT = {f"{name}_as_text": Cast(name, models.TextField()) for name in _JSON_SCREENED}
_READ = tuple(f"{name}_as_text" if name in _JSON_SCREENED else name for name in _SCREENED)
_JSON_AT = tuple(i for i, name in enumerate(_SCREENED) if name in _JSON_SCREENED)


def _json_value(text: str | None) -> Any:
    return [] if text == "[]" else (None if text is None else json.loads(text))


def _screen_chunk(batch_id: int, cursor: int) -> list[Traveller]:
    """The batch's next ``SCREEN_CHUNK`` records after ``cursor``, in key order, without the
    columns no check reads (decoding their JSON was a fifth of the read).

    Read as values and made into instances directly, as ``Model.from_db`` would with those
    columns deferred (a deferred column is still loaded if something reads it): building
    them through ``Model.__init__`` cost twice the read (24 against 13 µs a record)."""
    rows = (Traveller.objects.filter(batch_id=batch_id, pk__gt=cursor).order_by("pk")
            .annotate(**_AS_TEXT).values_list(*_READ)[:SCREEN_CHUNK])
    db = rows.db
    out = []
    for values in rows:
        fields = list(values)
        for i in _JSON_AT:
            fields[i] = _json_value(fields[i])
        traveller = Traveller.__new__(Traveller)
        traveller.__dict__.update(zip(_SCREENED, fields, strict=True))
        state = ModelState()
        state.adding, state.db = False, db
        traveller._state = state
        out.append(traveller)
    return out


def _contract_chunk(batch_id: int, cursor: int) -> tuple[pl.DataFrame, int]:
    """The batch's next ``SCREEN_CHUNK`` records after ``cursor`` in the engine's columns,
    read as values straight into a frame, and the last key read (``cursor`` when none).

    For a screening with no risk profile in effect, which reads nothing else. Reading
    10,000 travellers as instances (``_screen_chunk``) and making the frame from them
    (``checks.contract_frame``) took 0.16-0.18 s, a quarter of their screening against a
    100,000-entry watchlist; read this way, 0.03-0.05 s (the same frame, tested)."""
    names = list(checks.CONTRACT_READ)
    rows = list(Traveller.objects.filter(batch_id=batch_id, pk__gt=cursor).order_by("pk")
                .values_list("pk", *checks.CONTRACT_READ.values())[:SCREEN_CHUNK])
    if not rows:
        return pl.DataFrame(schema=checks.CONTRACT_SCHEMA), cursor
    frame = pl.DataFrame(rows, schema={"id": pl.Int64, **dict.fromkeys(names, pl.String)},
                         orient="row")
    # As ``contract_row``: the key as text, a blank value as none.
    frame = frame.select(
        pl.col("id").cast(pl.String),
        *(pl.when(pl.col(n) != "").then(pl.col(n)) for n in names),
        postcode=pl.lit(None, dtype=pl.String))
    return frame, int(rows[-1][0])


def _chunk_hits(batch_id: int, cursor: int, versions: checks.Versions
                ) -> tuple[list[checks.Hit], int, int]:
    """The hits of the batch's next chunk after ``cursor``, the chunk's last key and its
    size (0 when the batch is done). Risk profiles read the whole record; the watchlist and
    the register only the engine's columns, read alone when no profile is in effect."""
    if versions:
        travellers = _screen_chunk(batch_id, cursor)
        if not travellers:
            return [], cursor, 0
        frame = checks.contract_frame(travellers)
        profiled = checks.profile_hits(travellers, versions)
        last = travellers[-1].pk
    else:
        frame, last = _contract_chunk(batch_id, cursor)
        profiled = []
    hits = [*checks.watchlist_frame_hits(frame), *checks.document_frame_hits(frame), *profiled]
    return hits, last, frame.height


def _screen_claimed(batch_id: int, progress: Progress | None) -> int:
    batch = IngestBatch.objects.get(pk=batch_id)
    if batch.status == IngestBatch.Status.DONE:
        return 0
    IngestBatch.objects.filter(pk=batch_id).update(status=IngestBatch.Status.SCREENING,
                                                   screen_error="", heartbeat_at=timezone.now())
    versions = checks.active_versions()
    total_records = batch.travellers.count()
    cursor, done, total = batch.screen_cursor, batch.screen_done, 0
    resumed_from = cursor
    try:
        while True:
            hits, cursor, count = _chunk_hits(batch_id, cursor, versions)
            if not count:
                break
            done += count
            with transaction.atomic():
                created = _create_alerts(hits, batch)
                total += len(created)
                IngestBatch.objects.filter(pk=batch_id).update(
                    screen_cursor=cursor, screen_done=done, heartbeat_at=timezone.now(),
                    alert_count=F("alert_count") + len(created))
            if progress is not None:
                progress(done, total_records)
    except Exception as exc:
        IngestBatch.objects.filter(pk=batch_id).update(status=IngestBatch.Status.FAILED,
                                                       screen_error=str(exc)[:2000])
        raise
    with transaction.atomic():
        IngestBatch.objects.filter(pk=batch_id).update(status=IngestBatch.Status.DONE,
                                                       screen_done=total_records)
        batch.refresh_from_db()
        audit_record(actor=None, action=Action.UPDATE, obj=batch,
                     summary=f"Screened {batch.file_name}: {total_records} records, "
                             f"{batch.alert_count} alerts",
                     changes={"screened": total_records, "alerts": batch.alert_count,
                              "alerts_this_run": total,
                              "resumed": resumed_from > 0,
                              "profiles": [str(v) for v, _ in versions]})
    return total


def resume_stalled(*, progress: Progress | None = None) -> list[int]:
    """Screen the rest of every batch whose screener died; returns their ids."""
    stalled = resume.stalled_batches()
    for batch_id in stalled:
        batch_screen(batch=IngestBatch.objects.get(pk=batch_id), progress=progress)
    return stalled


@dataclass
class ScreenOutcome:
    traveller: Traveller
    created: bool
    alerts: list[Alert]


def record_screen(*, actor: Any, fields: dict[str, Any], kind: str,
                  on: dt.date | None = None) -> ScreenOutcome:
    """Screen one visa application or traveller synchronously (the API): keep the record
    (idempotently, by fingerprint), raise alerts for its hits and return them.

    This is the API's 50 ms path, so it reads as little as it can: the list version stamps
    in one query (the watchlist Screener and the compiled risk profiles are kept per process
    until their stamp changes), the register by its indexed folded number, and the alerts
    once, with everything the answer shows. ``on`` is the day screened (today): lapsed
    watchlist entries and profile versions not in effect that day do not fire.
    """
    if not can_ingest(actor):
        raise Refused(_("only intelligence analysts and border or visa officers screen records"))
    if kind not in Traveller.Kind.values:
        raise Refused(_("kind must be one of %(values)s") % {
                          "values": ', '.join(Traveller.Kind.values)})
    named = {}
    for key, value in fields.items():
        canon = canonical_field(key)
        if canon is not None and value not in (None, ""):
            named[canon] = (key, str(value))
    rec, issues = build_record(named, kind=kind,  # type: ignore[arg-type]
                               source=SourceRef("json", "api", None))
    if rec is None:
        raise Refused("; ".join(i.reason for i in issues) or _("the record names no one"))
    try:
        return _record_screen(actor=actor, rec=rec, kind=kind, on=on)
    except IntegrityError:
        # A concurrent request stored the same record or raised one of its alerts between
        # our read and our insert (both are unique). Everything above rolled back; the
        # second pass finds what the other request stored and answers with it.
        return _record_screen(actor=actor, rec=rec, kind=kind, on=on)


def _posts() -> list[Post]:
    """All posts in one read (loading the defaults only when there are none)."""
    posts = list(Post.objects.all())
    if not posts:
        posts_ensure()
        posts = list(Post.objects.all())
    return posts


def _record_screen(*, actor: Any, rec: TravellerRecord, kind: str,
                   on: dt.date | None) -> ScreenOutcome:
    with transaction.atomic():
        traveller = (Traveller.objects.select_related("post")
                     .filter(fingerprint=rec.fingerprint).first())
        created = traveller is None
        if traveller is None:
            traveller = traveller_from_record(rec, _posts())
            traveller.save()
        stamps = checks.list_versions(checks.WATCHLIST, checks.PROFILES)
        versions = checks.active_versions(on, stamp=stamps[checks.PROFILES])
        hits = [*checks.watchlist_hits_one(traveller, stamps[checks.WATCHLIST], on),
                *checks.document_hits_one(traveller),
                *checks.profile_hits([traveller], versions)]
        alerts = _record_alerts(traveller, hits, created=created)
        audit_record(actor=actor, action=Action.CREATE if created else Action.READ,
                     obj=traveller, summary=f"Screened one {kind.replace('_', ' ')}: "
                                            f"{len(alerts)} alert(s)")
    return ScreenOutcome(traveller, created, alerts)


_ALERT_RELATED = ("post", "profile_version__profile", "watchlist_entry", "lost_document",
                  "disposition")


def _record_alerts(traveller: Traveller, hits: Sequence[checks.Hit], *,
                   created: bool) -> list[Alert]:
    """The alerts for one record's hits, newest first (``Alert.Meta.ordering``): the ones
    already raised, read once with what the API shows, and the new ones, created here. A
    record stored in this transaction has no alerts yet (their keys name its new id).

    Unlike ``_create_alerts`` the insert does not ignore conflicts, so the new rows come
    back with their keys and need not be read again; a concurrent insert of the same alert
    raises ``IntegrityError``, which ``record_screen`` answers by screening again.
    """
    if not hits:
        return []
    found = {} if created else {a.dedupe_key: a for a in Alert.objects.filter(
        dedupe_key__in=[h.dedupe_key for h in hits]).select_related(*_ALERT_RELATED)}
    fresh: dict[str, checks.Hit] = {}
    for hit in hits:
        if hit.dedupe_key not in found:
            fresh.setdefault(hit.dedupe_key, hit)
    entries = WatchlistEntry.objects.in_bulk(
        [h.ref_id for h in fresh.values() if h.source == Alert.Source.WATCHLIST])
    new = []
    for hit in fresh.values():
        alert = Alert(traveller=traveller, post=traveller.post, source=hit.source,
                      score=hit.score, explanation=hit.explanation[:4000],
                      dedupe_key=hit.dedupe_key, batch=None)
        if hit.source == Alert.Source.PROFILE:
            alert.profile_version_id = hit.ref_id
            if isinstance(hit.ref, RiskProfileVersion):
                alert.profile_version = hit.ref
        elif hit.source == Alert.Source.WATCHLIST:
            alert.watchlist_entry_id = hit.ref_id
            if hit.ref_id in entries:
                alert.watchlist_entry = entries[hit.ref_id]
        elif hit.source == Alert.Source.LOST_DOCUMENT:
            alert.lost_document_id = hit.ref_id
            if isinstance(hit.ref, LostDocument):
                alert.lost_document = hit.ref
        new.append(alert)
    if new:
        Alert.objects.bulk_create(new)
        if any(a.pk is None for a in new):
            # A database that cannot return the keys of a bulk insert: read them back.
            found.update((a.dedupe_key, a) for a in Alert.objects.filter(
                dedupe_key__in=[a.dedupe_key for a in new]).select_related(*_ALERT_RELATED))
        else:
            for alert in new:
                # Just created, so it has no disposition: say so rather than ask.
                Alert.disposition.related.set_cached_value(alert, None)
                found[alert.dedupe_key] = alert
    return sorted(found.values(), key=lambda a: (a.created_at, a.pk), reverse=True)


