"""Watchlists and the lost/stolen document register: imports, entries, withdrawals."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from tiaki.accounts.models import Agency
from tiaki.audit.services import Action, audit_record
from tiaki.core.bulk import bulk_insert
from tiaki.core.policy import Refused, policy_for
from tiaki.screening import checks
from tiaki.screening.models import (
    ListVersion,
    LostDocument,
    WatchlistEntry,
)
from tiaki.screening.parsers.documents import fold_number, normalise_issuer, normalise_number
from tiaki.screening.policies import (
    MANAGE,
    can_manage_documents,
    is_analyst,
)

# --- watchlists and the document register --------------------------------------------------

_DOB_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
WATCHLIST_COLUMNS = ("id", "full_name", "given_name", "family_name", "date_of_birth", "sex",
                     "nationality", "document_number", "document_country", "phone", "email",
                     "address", "postcode")


# Rows read and written per round trip by the imports (one transaction for the whole file).
BULK_CHUNK = 5000
DOCUMENT_FIELDS = ("number", "number_normalised", "number_folded", "issuer", "doc_type",
                   "status", "reference", "reported_on")


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
        raise Refused(_("%(file_name)s: not UTF-8 text (byte %(start)s)") % {
                          "file_name": file_name, "start": exc.start}) from exc
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
    document_number, document_country, phone, email, address, postcode, and ``expires_on``,
    the entry's last day in force as YYYY-MM-DD). Rows are keyed by
    list and ``id``: importing the same file twice changes nothing. With ``replace`` the file
    is the whole list: people of that list not in it are taken off (kept, inactive, so the
    alerts they raised still name them)."""
    if not is_analyst(actor):
        raise Refused(_("only intelligence analysts manage watchlists"))
    list_name = list_name.strip()
    if not list_name:
        raise Refused(_("name the watchlist"))
    agency = owner_agency or actor.agency
    if agency is None:
        raise Refused(_("the watchlist needs an owner agency"))
    header, rows = _csv_rows(data, file_name)
    if "id" not in header:
        raise Refused(_("%(file_name)s: the header has no 'id' column (found: %(header)s)") % {
                          "file_name": file_name, "header": ', '.join(header) or 'none'})
    out = ImportOutcome()
    now = timezone.now()
    wanted: dict[str, dict[str, str]] = {}
    for line, row in rows:
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
        expires_on: dt.date | None = None
        if row.get("expires_on"):
            try:
                expires_on = dt.date.fromisoformat(row["expires_on"])
            except ValueError:
                out.problems.append(f"line {line}, field expires_on: {row['expires_on']!r} "
                                    "is not a date (YYYY-MM-DD); row skipped")
                continue
        values: dict[str, Any] = {c: row.get(c, "")[:300] for c in WATCHLIST_COLUMNS[1:]}
        values["expires_on"] = expires_on
        values["sex"] = values["sex"][:1].upper()
        values["nationality"] = values["nationality"][:3].upper()
        values["document_country"] = values["document_country"][:3].upper()
        wanted[row["id"][:100]] = values  # a repeated id: the later row is the one kept
    seen = set(wanted)
    fields = [*WATCHLIST_COLUMNS[1:], "expires_on", "reason", "active", "updated_at"]
    with transaction.atomic():
        # In batches: one read of what is held and one write each for new and changed rows,
        # instead of two round trips per row (100,000 entries took ten minutes that way).
        ids = list(wanted)
        # A list's first import holds nothing to compare with: asking once saves reading by
        # 5,000-id IN lists, whose parameters alone cost a third of a 100,000-row import.
        any_held = WatchlistEntry.objects.filter(list_name=list_name).exists()
        for start in range(0, len(ids), BULK_CHUNK):
            chunk = ids[start:start + BULK_CHUNK]
            held = {e.external_id: e for e in WatchlistEntry.objects.filter(
                list_name=list_name, external_id__in=chunk)} if any_held else {}
            new: list[dict[str, Any]] = []
            changed: list[WatchlistEntry] = []
            for external_id in chunk:
                values = wanted[external_id]
                entry = held.get(external_id)
                if entry is None:
                    new.append({"list_name": list_name, "external_id": external_id,
                                "reason": reason, "owner_agency_id": agency.pk,
                                "added_by_id": actor.pk, "updated_at": now, **values})
                elif any(getattr(entry, k) != v for k, v in values.items()) \
                        or not entry.active or entry.reason != reason:
                    for k, v in values.items():
                        setattr(entry, k, v)
                    entry.reason, entry.active, entry.updated_at = reason, True, now
                    changed.append(entry)
                else:
                    out.unchanged += 1
            bulk_insert(WatchlistEntry, new)
            WatchlistEntry.objects.bulk_update(changed, fields, batch_size=1000)
            out.added += len(new)
            out.updated += len(changed)
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
                              "added": out.added, "updated": out.updated,
                              "unchanged": out.unchanged, "removed": out.removed,
                              "problems": len(out.problems)})
    return out


def watchlist_expire(*, today: dt.date, actor: Any = None) -> dict[str, int]:
    """Take off every active watchlist entry whose last day in force was before ``today``
    (kept, inactive, like any entry taken off). Run daily by the scheduler
    (``expire_watchlist_entries``); screening already ignores a lapsed entry before this
    runs (``checks.entries_in_force``), so this keeps the lists' counts and pages true.
    One audit row per run, with the counts per list, even when nothing lapsed."""
    with transaction.atomic():
        lapsed = WatchlistEntry.objects.select_for_update().filter(
            active=True, expires_on__lt=today)
        counts: dict[str, int] = {}
        for name in lapsed.values_list("list_name", flat=True):
            counts[name] = counts.get(name, 0) + 1
        total = lapsed.update(active=False, updated_at=timezone.now())
        if total:
            bump_version(checks.WATCHLIST)
        audit_record(actor=actor, action=Action.UPDATE, object_type="screening.watchlistentry",
                     object_id="expiry",
                     summary=f"Watchlist expiry as of {today.isoformat()}: {total} lapsed "
                             f"entr{'y' if total == 1 else 'ies'} taken off",
                     changes={"as_of": today.isoformat(), "expired": total,
                              "by_list": dict(sorted(counts.items()))})
    return counts


def _document_values(number: str, issuer: str, doc_type: str, status: str, reference: str,
                     reported_on: dt.date | None) -> dict[str, Any]:
    norm = normalise_number(number)
    if not norm:
        raise Refused(_("the document number is empty"))
    iss = normalise_issuer(issuer)
    if not iss or not re.fullmatch(r"[A-Z]{3}", iss):
        raise Refused(_("issuing state %(issuer)s is not an ISO 3166 code") % {
                          "issuer": repr(issuer)})
    status = (status or LostDocument.Status.LOST).lower()
    if status not in LostDocument.Status.values:
        raise Refused(_("status %(status)s is not one of %(values)s") % {
                          "status": repr(status), "values": ', '.join(LostDocument.Status.values)})
    return {"number": number.strip()[:40], "number_normalised": norm[:40],
            "number_folded": fold_number(norm)[:40], "issuer": iss,
            "doc_type": doc_type.strip()[:10], "status": status,
            "reference": reference.strip()[:100], "reported_on": reported_on}


def lost_document_record(*, actor: Any, number: str, issuer: str, doc_type: str = "P",
                         status: str = "lost", reference: str = "",
                         reported_on: dt.date | None = None) -> tuple[LostDocument, bool]:
    """Add (or update) one entry of the lost/stolen document register (items 11-12)."""
    if not can_manage_documents(actor):
        raise Refused(_("only intelligence analysts and passport-issuing staff (DIA) manage "
                        "the lost and stolen document register"))
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
        raise Refused(_("say why the document is withdrawn from the register"))
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
        raise Refused(gettext("only intelligence analysts and passport-issuing staff (DIA) "
                              "manage the lost and stolen document register"))
    header, rows = _csv_rows(data, file_name)
    number_col = next((c for c in ("document_number", "number") if c in header), None)
    issuer_col = next((c for c in ("issuer", "issuing_country", "document_country")
                       if c in header), None)
    if number_col is None or issuer_col is None:
        raise Refused(gettext("%(file_name)s: the header needs document_number and issuer "
                              "columns (found: %(header)s)") % {
                          "file_name": file_name, "header": ', '.join(header) or 'none'})
    out = ImportOutcome()
    wanted: dict[tuple[str, str], dict[str, Any]] = {}
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
        wanted[(values["issuer"], values["number_normalised"])] = values
    fields = [*DOCUMENT_FIELDS, "active", "updated_at"]
    now = timezone.now()
    with transaction.atomic():
        keys = list(wanted)
        for start in range(0, len(keys), BULK_CHUNK):
            chunk = keys[start:start + BULK_CHUNK]
            held = {(d.issuer, d.number_normalised): d for d in LostDocument.objects.filter(
                number_normalised__in={n for _, n in chunk})}
            new, changed = [], []
            for key in chunk:
                values, doc = wanted[key], held.get(key)
                if doc is None:
                    new.append(LostDocument(**values, added_by=actor))
                elif doc.active and all(getattr(doc, k) == v for k, v in values.items()):
                    out.unchanged += 1
                else:
                    for k, v in values.items():
                        setattr(doc, k, v)
                    doc.active, doc.updated_at = True, now
                    changed.append(doc)
            LostDocument.objects.bulk_create(new, batch_size=BULK_CHUNK)
            LostDocument.objects.bulk_update(changed, fields, batch_size=1000)
            out.added += len(new)
            out.updated += len(changed)
        audit_record(actor=actor, action=Action.UPDATE, object_type="screening.lostdocument",
                     summary=f"Lost/stolen register imported from {file_name}: {out.added} "
                             f"added, {out.updated} updated, {out.unchanged} unchanged",
                     changes={"sha256": hashlib.sha256(data).hexdigest(),
                              "added": out.added, "updated": out.updated,
                              "unchanged": out.unchanged, "problems": len(out.problems)})
    return out


