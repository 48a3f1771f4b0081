"""State changes in border screening: ingesting records, screening them into alerts, the
lists they are screened against, risk profiles, and officers' dispositions.

Every function checks its policy, makes its change and writes its audit row in one
transaction (docs/architecture.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tiaki.accounts.models import Agency, User
from tiaki.accounts.roles import Role
from tiaki.accounts.selectors import staff_of
from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused, policy_for
from tiaki.core.services import notify
from tiaki.screening import checks
from tiaki.screening.loader import posts_ensure
from tiaki.screening.models import (
    Alert,
    Disposition,
    IngestBatch,
    ListVersion,
    LostDocument,
    Post,
    ProfileTestCase,
    RiskProfile,
    RiskProfileVersion,
    Traveller,
    WatchlistEntry,
)
from tiaki.screening.parsers.documents import fold_number, normalise_issuer, normalise_number
from tiaki.screening.parsers.record_builder import build_record, canonical_field
from tiaki.screening.parsers.record_model import (
    IngestResult,
    RecordIssue,
    SourceRef,
    TravellerRecord,
)
from tiaki.screening.parsers.records import detect_format, ingest
from tiaki.screening.policies import (
    AUTHOR,
    DISPOSE,
    MANAGE,
    PUBLISH,
    can_ingest,
    can_manage_documents,
    is_analyst,
)
from tiaki.screening.rules import RuleError, compile_rule, parse_facts

SCREEN_CHUNK = 2000
MAX_PROBLEMS_KEPT = 1000
Progress = Callable[[int, int], None]


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
    return Traveller(
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

    def summary(self) -> str:
        b = self.batch
        noun = "applications" if b.kind == Traveller.Kind.VISA_APPLICATION else "travellers"
        return (f"{b.file_name}: {b.format}, {b.read_count} {noun} read, {b.added_count} added, "
                f"{b.present_count} already present, {b.rejected_count} rejected")


def ingest_file(*, actor: Any, data: bytes, file_name: str, kind: str | None = None,
                screen: bool = True, progress: Progress | None = None) -> IngestOutcome:
    """Read a PAXLST, CSV or JSON file, add the records not already held, then screen them.

    Idempotent: a record already held (same content fingerprint) is counted as already present
    and nothing about it changes. Rejected rows are reported with their line and reason; the
    other rows are kept (nothing is lost because one row is bad). Screening runs as a task.
    """
    if actor is not None and not can_ingest(actor):
        raise Refused("only intelligence analysts and border or visa officers ingest records")
    if not data:
        raise Refused(f"{file_name} is empty")
    if detect_format(data) == "unknown":
        raise Refused(f"{file_name}: not a PAXLST message, CSV or JSON file")
    if kind is not None and kind not in Traveller.Kind.values:
        raise Refused(f"kind must be one of {', '.join(Traveller.Kind.values)}")
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
        for start in range(0, len(records), SCREEN_CHUNK):
            chunk = records[start:start + SCREEN_CHUNK]
            held = set(Traveller.objects.filter(
                fingerprint__in=[r.fingerprint for r in chunk]).values_list("fingerprint",
                                                                           flat=True))
            new: list[Traveller] = []
            for rec in chunk:
                if rec.fingerprint in held:
                    present += 1
                    continue
                held.add(rec.fingerprint)
                row = traveller_from_record(rec, posts)
                row.batch = batch
                new.append(row)
            Traveller.objects.bulk_create(new)
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
        if screen and added:
            from tiaki.screening.tasks import screen_batch

            batch_id = batch.pk
            transaction.on_commit(lambda: screen_batch.enqueue(batch_id=batch_id))
    return IngestOutcome(batch, problems)


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
    """Screen a batch's new records against watchlists, the document register and published
    profiles; returns the number of new alerts. Progress is saved on the batch per chunk."""
    IngestBatch.objects.filter(pk=batch.pk).update(status=IngestBatch.Status.SCREENING,
                                                   screen_done=0, screen_error="")
    versions = checks.active_versions()
    ids = list(batch.travellers.order_by("pk").values_list("pk", flat=True))
    total = 0
    try:
        for start in range(0, len(ids), SCREEN_CHUNK):
            chunk = list(Traveller.objects.filter(pk__in=ids[start:start + SCREEN_CHUNK])
                         .order_by("pk"))
            hits = [*checks.watchlist_hits(chunk), *checks.document_hits(chunk),
                    *checks.profile_hits(chunk, versions)]
            with transaction.atomic():
                created = _create_alerts(hits, batch)
                total += len(created)
                IngestBatch.objects.filter(pk=batch.pk).update(
                    screen_done=start + len(chunk), alert_count=F("alert_count") + len(created))
            if progress is not None:
                progress(start + len(chunk), len(ids))
    except Exception as exc:
        IngestBatch.objects.filter(pk=batch.pk).update(status=IngestBatch.Status.FAILED,
                                                       screen_error=str(exc)[:2000])
        raise
    with transaction.atomic():
        IngestBatch.objects.filter(pk=batch.pk).update(status=IngestBatch.Status.DONE,
                                                       screen_done=len(ids))
        audit_record(actor=None, action=Action.UPDATE, obj=batch,
                     summary=f"Screened {batch.file_name}: {len(ids)} records, {total} alerts",
                     changes={"screened": len(ids), "alerts": total,
                              "profiles": [str(v) for v, _ in versions]})
    return total


@dataclass
class ScreenOutcome:
    traveller: Traveller
    created: bool
    alerts: list[Alert]


def record_screen(*, actor: Any, fields: dict[str, Any], kind: str) -> ScreenOutcome:
    """Screen one visa application or traveller synchronously (the API): keep the record
    (idempotently, by fingerprint), raise alerts for its hits and return them.

    This is the API's 50 ms path, so it reads as little as it can: the list version stamps
    in one query (the watchlist Screener and the compiled risk profiles are kept per process
    until their stamp changes), the register by its indexed folded number, and the alerts
    once, with everything the answer shows.
    """
    if not can_ingest(actor):
        raise Refused("only intelligence analysts and border or visa officers screen records")
    if kind not in Traveller.Kind.values:
        raise Refused(f"kind must be one of {', '.join(Traveller.Kind.values)}")
    named = {}
    for key, value in fields.items():
        canon = canonical_field(key)
        if canon is not None and value not in (None, ""):
            named[canon] = (key, str(value))
    rec, issues = build_record(named, kind=kind,  # type: ignore[arg-type]
                               source=SourceRef("json", "api", None))
    if rec is None:
        raise Refused("; ".join(i.reason for i in issues) or "the record names no one")
    try:
        return _record_screen(actor=actor, rec=rec, kind=kind)
    except IntegrityError:
        # A concurrent request stored the same record or raised one of its alerts between
        # our read and our insert (both are unique). Everything above rolled back; the
        # second pass finds what the other request stored and answers with it.
        return _record_screen(actor=actor, rec=rec, kind=kind)


def _posts() -> list[Post]:
    """All posts in one read (loading the defaults only when there are none)."""
    posts = list(Post.objects.all())
    if not posts:
        posts_ensure()
        posts = list(Post.objects.all())
    return posts


def _record_screen(*, actor: Any, rec: TravellerRecord, kind: str) -> ScreenOutcome:
    with transaction.atomic():
        traveller = (Traveller.objects.select_related("post")
                     .filter(fingerprint=rec.fingerprint).first())
        created = traveller is None
        if traveller is None:
            traveller = traveller_from_record(rec, _posts())
            traveller.save()
        stamps = checks.list_versions(checks.WATCHLIST, checks.PROFILES)
        versions = checks.active_versions(stamp=stamps[checks.PROFILES])
        hits = [*checks.watchlist_hits_one(traveller, stamps[checks.WATCHLIST]),
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


# --- watchlists and the document register --------------------------------------------------

_DOB_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
WATCHLIST_COLUMNS = ("id", "full_name", "given_name", "family_name", "date_of_birth", "sex",
                     "nationality", "document_number", "document_country", "phone", "email",
                     "address", "postcode")


@dataclass
class ImportOutcome:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    problems: list[str] = field(default_factory=list)


def bump_version(name: str) -> None:
    """Tell every process its cached matcher for list ``name`` is stale (in the caller's
    transaction, so a rolled-back change does not bump)."""
    ListVersion.objects.get_or_create(name=name)
    ListVersion.objects.filter(name=name).update(number=F("number") + 1, token=uuid.uuid4().hex,
                                                 changed_at=timezone.now())


def _csv_rows(data: bytes, file_name: str) -> tuple[list[str], Iterable[tuple[int, dict[str,
                                                                                       str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused(f"{file_name}: not UTF-8 text (byte {exc.start})") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header

    def rows() -> Iterable[tuple[int, dict[str, str]]]:
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}

    return header, rows()


def watchlist_import(*, actor: Any, data: bytes, file_name: str, list_name: str,
                     reason: str, owner_agency: Agency | None = None,
                     replace: bool = False) -> ImportOutcome:
    """Import watchlist persons from a CSV in the matching contract's columns (``id`` required;
    any of full_name, given_name, family_name, date_of_birth, sex, nationality,
    document_number, document_country, phone, email, address, postcode). Rows are keyed by
    list and ``id``: importing the same file twice changes nothing. With ``replace`` the file
    is the whole list: people of that list not in it are taken off (kept, inactive, so the
    alerts they raised still name them)."""
    if not is_analyst(actor):
        raise Refused("only intelligence analysts manage watchlists")
    list_name = list_name.strip()
    if not list_name:
        raise Refused("name the watchlist")
    agency = owner_agency or actor.agency
    if agency is None:
        raise Refused("the watchlist needs an owner agency")
    header, rows = _csv_rows(data, file_name)
    if "id" not in header:
        raise Refused(f"{file_name}: the header has no 'id' column (found: "
                      f"{', '.join(header) or 'none'})")
    out = ImportOutcome()
    now = timezone.now()
    seen: set[str] = set()
    with transaction.atomic():
        for line, row in rows:
            if row.get("id"):
                seen.add(row["id"][:100])
            if not row.get("id"):
                out.problems.append(f"line {line}: empty id; row skipped")
                continue
            if row.get("date_of_birth") and not _DOB_RE.match(row["date_of_birth"]):
                out.problems.append(f"line {line}, field date_of_birth: "
                                    f"{row['date_of_birth']!r} is not YYYY, YYYY-MM or "
                                    "YYYY-MM-DD; row skipped")
                continue
            if not any(row.get(c) for c in ("full_name", "given_name", "family_name",
                                            "document_number")):
                out.problems.append(f"line {line}: no name and no document; row skipped")
                continue
            values = {c: row.get(c, "")[:300] for c in WATCHLIST_COLUMNS[1:]}
            values["sex"] = values["sex"][:1].upper()
            values["nationality"] = values["nationality"][:3].upper()
            values["document_country"] = values["document_country"][:3].upper()
            entry = WatchlistEntry.objects.filter(list_name=list_name,
                                                  external_id=row["id"][:100]).first()
            if entry is None:
                WatchlistEntry.objects.create(
                    list_name=list_name, external_id=row["id"][:100], reason=reason,
                    owner_agency=agency, added_by=actor, updated_at=now, **values)
                out.added += 1
            elif any(getattr(entry, k) != v for k, v in values.items()) or not entry.active \
                    or entry.reason != reason:
                for k, v in values.items():
                    setattr(entry, k, v)
                entry.reason, entry.active, entry.updated_at = reason, True, now
                entry.save()
                out.updated += 1
            else:
                out.unchanged += 1
        if replace:
            out.removed = WatchlistEntry.objects.filter(list_name=list_name, active=True).exclude(
                external_id__in=seen).update(active=False, updated_at=now)
        if out.added or out.updated or out.removed:
            bump_version(checks.WATCHLIST)
        audit_record(actor=actor, action=Action.UPDATE, object_type="screening.watchlistentry",
                     object_id=list_name[:100],
                     summary=f"Watchlist {list_name} imported from {file_name}: {out.added} "
                             f"added, {out.updated} updated, {out.unchanged} unchanged, "
                             f"{out.removed} removed",
                     changes={"sha256": hashlib.sha256(data).hexdigest(),
                              "problems": len(out.problems)})
    return out


def _document_values(number: str, issuer: str, doc_type: str, status: str, reference: str,
                     reported_on: dt.date | None) -> dict[str, Any]:
    norm = normalise_number(number)
    if not norm:
        raise Refused("the document number is empty")
    iss = normalise_issuer(issuer)
    if not iss or not re.fullmatch(r"[A-Z]{3}", iss):
        raise Refused(f"issuing state {issuer!r} is not an ISO 3166 code")
    status = (status or LostDocument.Status.LOST).lower()
    if status not in LostDocument.Status.values:
        raise Refused(f"status {status!r} is not one of {', '.join(LostDocument.Status.values)}")
    return {"number": number.strip()[:40], "number_normalised": norm[:40],
            "number_folded": fold_number(norm)[:40], "issuer": iss,
            "doc_type": doc_type.strip()[:10], "status": status,
            "reference": reference.strip()[:100], "reported_on": reported_on}


def lost_document_record(*, actor: Any, number: str, issuer: str, doc_type: str = "P",
                         status: str = "lost", reference: str = "",
                         reported_on: dt.date | None = None) -> tuple[LostDocument, bool]:
    """Add (or update) one entry of the lost/stolen document register (items 11-12)."""
    if not can_manage_documents(actor):
        raise Refused("only intelligence analysts and passport-issuing staff (DIA) manage the "
                      "lost and stolen document register")
    values = _document_values(number, issuer, doc_type, status, reference, reported_on)
    with transaction.atomic():
        doc, created = LostDocument.objects.update_or_create(
            issuer=values["issuer"], number_normalised=values["number_normalised"],
            defaults={**values, "active": True, "added_by": actor,
                      "updated_at": timezone.now()})
        audit_record(actor=actor, action=Action.CREATE if created else Action.UPDATE, obj=doc,
                     summary=f"Lost/stolen register: {doc}")
    return doc, created


def lost_document_withdraw(*, actor: Any, document: LostDocument, reason: str) -> LostDocument:
    """Take a document off the register (found again, or entered in error)."""
    policy_for(LostDocument).check(actor, MANAGE, document)
    if not reason.strip():
        raise Refused("say why the document is withdrawn from the register")
    with transaction.atomic():
        document.active = False
        document.updated_at = timezone.now()
        document.save(update_fields=["active", "updated_at"])
        audit_record(actor=actor, action=Action.UPDATE, obj=document,
                     summary=f"Withdrawn from the register: {document}", reason=reason)
    return document


def lost_documents_import(*, actor: Any, data: bytes, file_name: str) -> ImportOutcome:
    """Import register entries from CSV: ``document_number`` (or ``number``), ``issuer`` (or
    ``issuing_country``), optional ``doc_type``, ``status``, ``reference``, ``reported_on``."""
    if not can_manage_documents(actor):
        raise Refused("only intelligence analysts and passport-issuing staff (DIA) manage the "
                      "lost and stolen document register")
    header, rows = _csv_rows(data, file_name)
    number_col = next((c for c in ("document_number", "number") if c in header), None)
    issuer_col = next((c for c in ("issuer", "issuing_country", "document_country")
                       if c in header), None)
    if number_col is None or issuer_col is None:
        raise Refused(f"{file_name}: the header needs document_number and issuer columns "
                      f"(found: {', '.join(header) or 'none'})")
    out = ImportOutcome()
    with transaction.atomic():
        for line, row in rows:
            try:
                reported = (dt.date.fromisoformat(row["reported_on"])
                            if row.get("reported_on") else None)
                values = _document_values(row.get(number_col, ""), row.get(issuer_col, ""),
                                          row.get("doc_type", "P") or "P",
                                          row.get("status", "lost"), row.get("reference", ""),
                                          reported)
            except (Refused, ValueError) as exc:
                out.problems.append(f"line {line}: {exc}; row skipped")
                continue
            doc = LostDocument.objects.filter(
                issuer=values["issuer"], number_normalised=values["number_normalised"]).first()
            if doc is None:
                LostDocument.objects.create(**values, added_by=actor)
                out.added += 1
            elif doc.active and all(getattr(doc, k) == v for k, v in values.items()):
                out.unchanged += 1
            else:
                for k, v in values.items():
                    setattr(doc, k, v)
                doc.active, doc.updated_at = True, timezone.now()
                doc.save()
                out.updated += 1
        audit_record(actor=actor, action=Action.UPDATE, object_type="screening.lostdocument",
                     summary=f"Lost/stolen register imported from {file_name}: {out.added} "
                             f"added, {out.updated} updated, {out.unchanged} unchanged",
                     changes={"sha256": hashlib.sha256(data).hexdigest(),
                              "problems": len(out.problems)})
    return out


# --- risk profiles ----------------------------------------------------------------------------


def _check_rule(expression: str) -> str:
    expression = expression.strip()
    try:
        compile_rule(expression)
    except RuleError as exc:
        raise Refused(f"the rule has an error at {exc}") from exc
    return expression


def _check_dates(effective_from: dt.date | None,
                 effective_to: dt.date | None) -> tuple[dt.date, dt.date | None]:
    start = effective_from or timezone.localdate()
    if effective_to is not None and effective_to < start:
        raise Refused("the profile cannot end before it starts")
    return start, effective_to


def profile_create(*, actor: Any, name: str, description: str, expression: str,
                   effective_from: dt.date | None = None,
                   effective_to: dt.date | None = None) -> RiskProfile:
    """A new risk profile with its first (draft) version."""
    if not is_analyst(actor):
        raise Refused("only intelligence analysts write risk profiles")
    if actor.agency is None:
        raise Refused("you do not belong to an agency")
    name = name.strip()
    if not name:
        raise Refused("give the profile a name")
    expression = _check_rule(expression)
    start, end = _check_dates(effective_from, effective_to)
    with transaction.atomic():
        profile = RiskProfile.objects.create(name=name[:200], description=description.strip(),
                                             owner=actor, owner_agency=actor.agency)
        version = RiskProfileVersion.objects.create(
            profile=profile, number=1, expression=expression, effective_from=start,
            effective_to=end, created_by=actor, note="first version")
        audit_record(actor=actor, action=Action.CREATE, obj=profile,
                     summary=f"Risk profile {profile.name} written",
                     changes={"version": version.number, "expression": expression})
    return profile


def profile_version_save(*, actor: Any, profile: RiskProfile, expression: str,
                         effective_from: dt.date | None = None,
                         effective_to: dt.date | None = None,
                         note: str = "") -> RiskProfileVersion:
    """Every edit makes a new draft version; published versions stay as they were."""
    policy_for(RiskProfile).check(actor, AUTHOR, profile)
    expression = _check_rule(expression)
    start, end = _check_dates(effective_from, effective_to)
    with transaction.atomic():
        last = RiskProfile.objects.select_for_update().get(pk=profile.pk).versions.first()
        number = (last.number if last else 0) + 1
        version = RiskProfileVersion.objects.create(
            profile=profile, number=number, expression=expression, effective_from=start,
            effective_to=end, created_by=actor, note=note.strip()[:300])
        audit_record(actor=actor, action=Action.CREATE, obj=version,
                     summary=f"{profile.name}: version {number} drafted",
                     changes={"expression": expression, "effective_from": start,
                              "effective_to": end})
    return version


def profile_test_add(*, actor: Any, profile: RiskProfile, label: str, facts: str,
                     must_hit: bool) -> ProfileTestCase:
    policy_for(RiskProfile).check(actor, AUTHOR, profile)
    label = label.strip()
    if not label:
        raise Refused("describe the test record")
    try:
        parse_facts(facts)
    except RuleError as exc:
        raise Refused(f"the test record has an error at {exc}") from exc
    with transaction.atomic():
        case = ProfileTestCase.objects.create(profile=profile, label=label[:200],
                                              facts=facts.strip(), must_hit=must_hit,
                                              created_by=actor)
        audit_record(actor=actor, action=Action.CREATE, obj=case,
                     summary=f"{profile.name}: test '{case.label}' "
                             f"({'must hit' if must_hit else 'must not hit'})")
    return case


def profile_test_remove(*, actor: Any, case: ProfileTestCase) -> None:
    policy_for(ProfileTestCase).check(actor, AUTHOR, case)
    with transaction.atomic():
        audit_record(actor=actor, action=Action.DELETE, obj=case,
                     summary=f"{case.profile.name}: test '{case.label}' removed")
        case.delete()


@dataclass(frozen=True)
class TestResult:
    case: ProfileTestCase
    hit: bool
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and self.hit == self.case.must_hit


def profile_tests_run(version: RiskProfileVersion) -> list[TestResult]:
    """Run the profile's test set against one version (reads only)."""
    rule = compile_rule(version.expression)
    results = []
    for case in version.profile.tests.all():
        try:
            results.append(TestResult(case, rule.matches(parse_facts(case.facts))))
        except RuleError as exc:
            results.append(TestResult(case, False, str(exc)))
    return results


def profile_publish(*, actor: Any, version: RiskProfileVersion) -> RiskProfileVersion:
    """Publish a draft: its rule compiles and every test passes, and the profile has at least
    one record that must hit. The previously published version is retired."""
    policy_for(RiskProfileVersion).check(actor, PUBLISH, version)
    _check_rule(version.expression)
    results = profile_tests_run(version)
    if not any(r.case.must_hit for r in results):
        raise Refused("add at least one test record that must hit before publishing")
    failed = [r for r in results if not r.passed]
    if failed:
        names = "; ".join(f"'{r.case.label}' should {'' if r.case.must_hit else 'not '}hit"
                          for r in failed)
        raise Refused(f"{len(failed)} test(s) failed: {names}")
    with transaction.atomic():
        previous = list(RiskProfileVersion.objects.select_for_update().filter(
            profile=version.profile, status=RiskProfileVersion.Status.PUBLISHED))
        for old in previous:
            old.status = RiskProfileVersion.Status.RETIRED
            old.save(update_fields=["status"])
        version.status = RiskProfileVersion.Status.PUBLISHED
        version.published_by = actor
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_by", "published_at"])
        bump_version(checks.PROFILES)
        audit_record(actor=actor, action=Action.UPDATE, obj=version,
                     summary=f"{version} published",
                     changes={"expression": version.expression, "tests": len(results),
                              "retired": [str(v) for v in previous]})
        from tiaki.screening.tasks import screen_pending

        version_id = version.pk
        transaction.on_commit(lambda: screen_pending.enqueue(version_id=version_id))
    return version


PENDING_APPLICATION_DAYS = 30


def pending_screen(*, version: RiskProfileVersion) -> int:
    """Run a newly published version over the records it can still make a difference to:
    travellers who have not arrived yet (arrival today or later) and visa applications
    received in the last 30 days. Returns the number of new alerts."""
    if version.status != RiskProfileVersion.Status.PUBLISHED:
        return 0
    rule = compile_rule(version.expression)
    today = timezone.localdate()
    since = timezone.now() - dt.timedelta(days=PENDING_APPLICATION_DAYS)
    pending = Traveller.objects.filter(
        Q(kind=Traveller.Kind.TRAVELLER, arrival_date__gte=today)
        | Q(kind=Traveller.Kind.VISA_APPLICATION, created_at__gte=since)).order_by("pk")
    total = checked = 0
    for start in range(0, pending.count(), SCREEN_CHUNK):
        chunk = list(pending[start:start + SCREEN_CHUNK])
        checked += len(chunk)
        with transaction.atomic():
            total += len(_create_alerts(checks.profile_hits(chunk, [(version, rule)]), None))
    with transaction.atomic():
        audit_record(actor=None, action=Action.UPDATE, obj=version,
                     summary=f"{version} run over {checked} pending records: {total} alerts",
                     changes={"checked": checked, "alerts": total})
    return total


def profile_retire(*, actor: Any, version: RiskProfileVersion, reason: str) -> None:
    """Stop a published version from raising alerts (its alerts keep naming it)."""
    policy_for(RiskProfileVersion).check(actor, AUTHOR, version)
    if version.status != RiskProfileVersion.Status.PUBLISHED:
        raise Refused("only a published version can be retired")
    if not reason.strip():
        raise Refused("say why the profile is retired (the periodic review keeps the reason)")
    with transaction.atomic():
        version.status = RiskProfileVersion.Status.RETIRED
        version.save(update_fields=["status"])
        bump_version(checks.PROFILES)
        audit_record(actor=actor, action=Action.UPDATE, obj=version,
                     summary=f"{version} retired", reason=reason)


# --- dispositions -------------------------------------------------------------------------------


def _investigators() -> list[User]:
    """Police and MBIE investigators, who jointly investigate trafficking (seed 004)."""
    return list(staff_of(Agency.objects.filter(code__in=("POLICE", "MBIE")),
                         [Role.INVESTIGATOR]))


def screening_link(alert: Alert) -> str:
    """The address of the intake app's frontline screening form, opened for this alert.

    The form takes a label, not a name (intake: "identity belongs in a case"), the place,
    and the age group, which picks the indicator set (children have their own, seed 002).
    """
    try:
        base = reverse("intake:screening_new")
    except NoReverseMatch:
        return ""
    traveller = alert.traveller
    leg = traveller.itinerary[-1] if traveller.itinerary else {}
    flight = f"{leg.get('carrier') or ''}{leg.get('flight_number') or ''}".strip()
    label = f"Border alert {alert.pk}" + (f", flight {flight}" if flight else "")
    age = checks.traveller_facts(traveller).get("age")
    age_group = "" if age is None else ("child" if age < 18 else "adult")
    setting = f"{alert.post.name}, border screening"
    return f"{base}?{urlencode({'subject_label': label, 'setting': setting,
                                'age_group': age_group, 'alert': alert.pk})}"


def _report_trafficking(*, actor: Any, alert: Alert) -> tuple[str, str]:
    """A border officer's report of suspected trafficking (item 10): Police and MBIE
    investigators, who jointly investigate (seed 004), are told at once, and the officer is
    sent on to a frontline screening of the person. Returns (what happened, where next)."""
    count = notify(
        recipients=_investigators(),
        subject=f"Suspected trafficking reported at {alert.post}",
        body=(f"{actor.get_full_name() or actor.get_username()} ({actor.agency}) reported "
              f"suspected trafficking on a {alert.get_source_display().lower()} alert. "
              "Open the alert in Tiaki for the details."),
        url=reverse("screening:alert", args=[alert.pk]),
    )
    link = screening_link(alert)
    told = f"reported to {count} Police and MBIE investigator(s)"
    if link:
        return f"Frontline screening opened; {told}", link
    return told[:1].upper() + told[1:], ""


def alert_dispose(*, actor: Any, alert: Alert, outcome: str, note: str = "") -> Disposition:
    """Record an officer's disposition: cleared, referred, or suspected trafficking reported
    (which opens a frontline screening). Dispositions are the measure of items 9 and 10."""
    policy_for(Alert).check(actor, DISPOSE, alert)
    if outcome not in Disposition.Outcome.values:
        raise Refused(f"choose one of: {', '.join(Disposition.Outcome.labels)}")
    note = note.strip()
    if outcome != Disposition.Outcome.CLEARED and not note:
        raise Refused("say why the alert is referred or reported (a note is required)")
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if Disposition.objects.filter(alert=locked).exists():
            raise Refused("this alert already has a disposition")
        disposition = Disposition(alert=locked, outcome=outcome, note=note, officer=actor,
                                  agency=actor.agency)
        if outcome == Disposition.Outcome.TRAFFICKING:
            disposition.follow_up, disposition.follow_up_url = _report_trafficking(
                actor=actor, alert=locked)
        disposition.save()
        audit_record(actor=actor, action=Action.CREATE, obj=disposition,
                     summary=f"Alert {alert.pk}: {disposition.get_outcome_display()}",
                     changes={"alert": alert.pk, "outcome": outcome,
                              "follow_up": disposition.follow_up})
    return disposition


def post_membership_set(*, actor: Any, user: User, posts: Sequence[Post]) -> None:
    """Assign an officer to the posts whose queues they work (administrators)."""
    if not actor.has_role(Role.ADMINISTRATOR):
        raise Refused("only administrators assign officers to posts")
    from tiaki.screening.models import PostMembership

    with transaction.atomic():
        PostMembership.objects.filter(user=user).exclude(post__in=posts).delete()
        for post in posts:
            PostMembership.objects.get_or_create(user=user, post=post)
        audit_record(actor=actor, action=Action.UPDATE, obj=user,
                     summary=f"{user} works the queues of {', '.join(p.code for p in posts)}")
