"""The three checks run on every traveller, without writing anything.

* watchlists: the matching engine (``tiaki.matching``), a ``Screener`` kept per watchlist
  version so the single-record API does not rebuild its index;
* the lost/stolen document register: exact and confusable number matching
  (``parsers.documents``, items 11-12);
* published risk profiles: the safe rule language (``rules``, item 9).

Each returns ``Hit`` objects that ``services`` turns into alerts.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import F, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from tiaki.matching import Screener
from tiaki.matching.engine import SAMPLE_ROWS, run
from tiaki.screening.models import (
    Alert,
    ListVersion,
    LostDocument,
    RiskProfileVersion,
    Traveller,
    WatchlistEntry,
)
from tiaki.screening.parsers.documents import (
    DocumentRegistry,
    RegisteredDocument,
    bulk_match,
    fold_number,
)
from tiaki.screening.rules import Rule, RuleError, compile_rule

WATCHLIST_THRESHOLD = 0.5  # the engine's screening default: an officer reviews every alert


@dataclass(frozen=True)
class Hit:
    traveller_id: int
    source: str
    ref_id: int
    explanation: str
    score: float | None = None
    # The row that fired, when the check already holds it (the lost document, the profile
    # version): the single-record API answers without reading it again. Not part of the
    # hit's identity.
    ref: Any = field(default=None, compare=False, repr=False)

    @property
    def dedupe_key(self) -> str:
        return f"{self.source}:{self.ref_id}:{self.traveller_id}"


def _today_or(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


def traveller_facts(t: Traveller, on: dt.date | None = None) -> dict[str, Any]:
    """The facts a risk profile can test (the field list is ``rules.FIELDS``)."""
    day = _today_or(t.arrival_date or on)
    age = birth_year = None
    if t.date_of_birth[:4].isdigit():
        birth_year = int(t.date_of_birth[:4])
        if len(t.date_of_birth) == 10:
            born = dt.date.fromisoformat(t.date_of_birth)
            age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        else:
            age = day.year - birth_year  # partial date: the age it most likely is
    expiry_days = None
    if len(t.document_expiry) == 10:
        try:
            expiry_days = (dt.date.fromisoformat(t.document_expiry) - day).days
        except ValueError:
            expiry_days = None
    route: list[str] = []
    for leg in t.itinerary:
        for key in ("departure_port", "arrival_port"):
            port = leg.get(key)
            if port and (not route or route[-1] != port):
                route.append(port)
    first = t.itinerary[0] if t.itinerary else {}
    email = t.emails[0] if t.emails else None
    return {
        "kind": t.kind, "role": t.role or None,
        "full_name": t.name_latin or t.full_name or None,
        "family_name": t.family_name or None, "given_names": t.given_names or None,
        "sex": t.sex or None, "age": age, "birth_year": birth_year,
        "nationality": t.nationality or None, "document_type": t.document_type or None,
        "document_number": t.document_number or None,
        "document_issuer": t.document_issuer or None,
        "document_expiry_days": expiry_days, "mrz_valid": t.mrz_valid,
        "carrier": first.get("carrier"), "flight_number": first.get("flight_number"),
        "departure_port": t.departure_port or None, "arrival_port": t.arrival_port or None,
        "route": route, "legs": len(t.itinerary),
        "sponsor": t.party("sponsor") or None, "employer": t.party("employer") or None,
        "agent": t.party("agent") or None,
        "phone": t.phones[0] if t.phones else None, "email": email,
        "email_domain": email.rsplit("@", 1)[-1].lower() if email and "@" in email else None,
        "address": t.address or None, "address_country": t.address_country or None,
    }


# A traveller's columns in the matching engine's input, as the database gives them: the
# batch screener reads them as values (``contract_row`` makes the same of an instance). The
# register's check reads three of them (``document_frame_hits``).
CONTRACT_READ: dict[str, Any] = {
    "full_name": F("full_name"), "given_name": F("given_names"),
    "family_name": F("family_name"), "date_of_birth": F("date_of_birth"), "sex": F("sex"),
    "nationality": F("nationality"), "document_number": F("document_number"),
    "document_country": F("document_issuer"), "phone": KT("phones__0"),
    "email": KT("emails__0"), "address": F("address"),
}
# ``contract_row``'s keys, in its order (a traveller has no postcode).
CONTRACT_COLUMNS = ("id", *CONTRACT_READ, "postcode")
CONTRACT_SCHEMA = dict.fromkeys(CONTRACT_COLUMNS, pl.String)


def contract_frame(travellers: Sequence[Traveller]) -> pl.DataFrame:
    """Travellers in the engine's input columns, a row each (``contract_row``)."""
    return pl.DataFrame([contract_row(t) for t in travellers], schema=CONTRACT_SCHEMA)


def contract_row(t: Traveller) -> dict[str, str | None]:
    """A traveller in the matching engine's input columns; ``id`` is the primary key."""
    return {
        "id": str(t.pk), "full_name": t.full_name or None, "given_name": t.given_names or None,
        "family_name": t.family_name or None, "date_of_birth": t.date_of_birth or None,
        "sex": t.sex or None, "nationality": t.nationality or None,
        "document_number": t.document_number or None,
        "document_country": t.document_issuer or None,
        "phone": t.phones[0] if t.phones else None, "email": t.emails[0] if t.emails else None,
        "address": t.address or None, "postcode": None,
    }


# --- watchlists -----------------------------------------------------------------------------

_lock = threading.Lock()
_screener_cache: dict[str, tuple[str, Screener | None]] = {}


WATCHLIST = "watchlist"
# Bumped (``services.bump_version``) by every service that publishes or retires a risk
# profile version, so each process can keep the compiled rules until they change.
PROFILES = "profiles"


def list_versions(*names: str) -> dict[str, str]:
    """The current version stamps of the named lists, in one indexed read ("" for a list
    never changed). The single-record API reads them all at once per request."""
    found = dict(ListVersion.objects.filter(name__in=names).values_list("name", "token"))
    return {name: found.get(name) or "" for name in names}


def watchlist_version() -> str:
    """Changed by every service that changes a watchlist (``services.watchlist_import``)."""
    return list_versions(WATCHLIST)[WATCHLIST]


def entries_in_force(day: dt.date) -> Any:
    """The watchlist entries that may raise an alert on ``day``: active and not lapsed (an
    entry is in force through its ``expires_on``)."""
    return WatchlistEntry.objects.filter(active=True).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=day))


# ``WatchlistEntry.contract_row``'s columns, read as values (the engine's contract).
_ENTRY_FIELDS = WatchlistEntry.CONTRACT_FIELDS
_ENTRY_COLUMNS = ("id", *_ENTRY_FIELDS)


def name_sample(day: dt.date) -> list[dict[str, str | None]]:
    """The names of the latest travellers who arrived in the system before ``day`` (at most
    ``engine.SAMPLE_ROWS``): with the watchlist's they tell the index how common a name is
    where travellers come from, so a short list's namesakes need more than the name
    (``engine.screening_reference``, decision 0007). Before the day, so that every process
    builds the same index for it. Names only: nothing else of a traveller enters the index."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    rows = (Traveller.objects.filter(created_at__lt=start).order_by("-created_at", "-pk")
            .values_list("pk", "full_name", "given_names", "family_name")[:SAMPLE_ROWS])
    return [{"id": str(pk), "full_name": full or None, "given_name": given or None,
             "family_name": family or None} for pk, full, given, family in rows]  # fmt: skip


def watchlist_screener(version: str | None = None, on: dt.date | None = None
                       ) -> tuple[Screener | None, str]:
    """The Screener for the current watchlist version on day ``on`` (today), built once per
    version and day (an entry lapses at midnight with no change to the version); pass the
    ``version`` when it has just been read."""
    if version is None:
        version = watchlist_version()
    day = _today_or(on)
    key = f"{version}@{day.isoformat()}"
    with _lock:
        cached = _screener_cache.get("watchlist")
        if cached is not None and cached[0] == key:
            return cached[1], version
    # Plain tuples, not model instances: for 100,000 entries building the instances cost
    # more than reading the rows.
    rows = [dict(zip(_ENTRY_COLUMNS, (str(pk), *(v or None for v in values)), strict=True))
            for pk, *values in entries_in_force(day).values_list("pk", *_ENTRY_FIELDS)
            .iterator(chunk_size=10_000)]
    screener = (Screener(rows, threshold=WATCHLIST_THRESHOLD, sample=name_sample(day) or None)
                if rows else None)  # fmt: skip
    with _lock:
        _screener_cache["watchlist"] = (key, screener)
    return screener, version


def watchlist_hits(travellers: Sequence[Traveller], on: dt.date | None = None) -> list[Hit]:
    return watchlist_frame_hits(contract_frame(travellers), on)


def watchlist_frame_hits(frame: pl.DataFrame, on: dt.date | None = None) -> list[Hit]:
    """``watchlist_hits`` of travellers given in the engine's columns (``contract_frame``, or
    read straight into them by the batch screener)."""
    screener, _ = watchlist_screener(on=on)
    if screener is None or frame.is_empty():
        return []
    hits = []
    for out in run("screen", screener.ref, [(0, frame)], screener.threshold):
        for entry_id, traveller_id, score, why in out.iter_rows():
            hits.append(Hit(int(traveller_id), Alert.Source.WATCHLIST, int(entry_id),
                            f"Watchlist match ({score:.2f}): {why}", float(score)))
    return hits


def watchlist_hits_one(traveller: Traveller, version: str | None = None,
                       on: dt.date | None = None) -> list[Hit]:
    """One record through the cached Screener (the synchronous API's fast path)."""
    screener, _ = watchlist_screener(version, on)
    if screener is None:
        return []
    return [Hit(traveller.pk, Alert.Source.WATCHLIST, int(a.watchlist_id),
                f"Watchlist match ({a.score:.2f}): {a.explanation}", float(a.score))
            for a in screener.screen(contract_row(traveller))]


# --- lost and stolen documents -------------------------------------------------------------

def _document_text(doc: LostDocument) -> str:
    return f"{doc.get_status_display()} document {doc.issuer} {doc.number}"


def document_hits(travellers: Sequence[Traveller]) -> list[Hit]:
    return document_frame_hits(contract_frame(travellers))


def document_frame_hits(frame: pl.DataFrame) -> list[Hit]:
    """A chunk of records (the engine's columns, ``contract_frame``) against the register:
    candidates come from the indexed folded number, then the parsers' vectorised matcher
    decides and explains each pair."""
    with_docs = frame.filter(pl.col("document_number").is_not_null())
    keys = {fold_number(n) for n in with_docs["document_number"].unique()} - {""}
    if not keys:
        return []
    register = list(LostDocument.objects.filter(active=True, number_folded__any_of=keys)
                    .values_list("pk", "number", "issuer"))
    if not register:
        return []
    reg = pl.DataFrame(register, schema={"doc_pk": pl.Int64, "document_number": pl.String,
                                         "issuer": pl.String}, orient="row")
    trav = with_docs.select(traveller_pk=pl.col("id").cast(pl.Int64),
                            document_number="document_number", issuer="document_country")
    found = bulk_match(trav, reg)
    docs = LostDocument.objects.in_bulk(set(found["doc_pk"].to_list()))
    return [
        Hit(int(tp), Alert.Source.LOST_DOCUMENT, int(dp),
            f"{_document_text(docs[int(dp)])}: {why}")
        for tp, dp, why in found.select("traveller_pk", "doc_pk", "explanation").iter_rows()
    ]


def document_hits_one(traveller: Traveller) -> list[Hit]:
    """One record against the register: the indexed folded number finds the few candidates,
    the parsers' registry explains each match."""
    if not traveller.document_number:
        return []
    docs = {str(d.pk): d for d in LostDocument.objects.filter(
        active=True, number_folded=fold_number(traveller.document_number))}
    if not docs:
        return []
    registry = DocumentRegistry(RegisteredDocument(d.number, d.issuer, d.doc_type, d.status, pk)
                                for pk, d in docs.items())
    found = registry.lookup(traveller.document_number, traveller.document_issuer or None)
    return [Hit(traveller.pk, Alert.Source.LOST_DOCUMENT, int(h.registered.reference or 0),
                f"{_document_text(docs[h.registered.reference or ''])}: {h.explanation}",
                ref=docs[h.registered.reference or ""])
            for h in found]


# --- risk profiles --------------------------------------------------------------------------


Versions = list[tuple[RiskProfileVersion, Rule]]
_versions_cache: dict[str, tuple[tuple[str, dt.date], Versions]] = {}


def active_versions(on: dt.date | None = None, stamp: str | None = None) -> Versions:
    """Published versions in effect on ``on`` (today), compiled.

    Kept per process, keyed by the profiles' version stamp and the day (a version's
    effective dates are whole days), so the single-record API neither reads nor compiles
    the rules on every request. ``stamp`` is the ``PROFILES`` stamp when it has just been
    read. The list and its rows are shared: callers must not change them.
    """
    day = _today_or(on)
    if stamp is None:
        stamp = list_versions(PROFILES)[PROFILES]
    key = (stamp, day)
    with _lock:
        cached = _versions_cache.get(PROFILES)
        if cached is not None and cached[0] == key:
            return cached[1]
    versions = RiskProfileVersion.objects.filter(
        status=RiskProfileVersion.Status.PUBLISHED, effective_from__lte=day,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day)).select_related("profile")
    out = []
    for version in versions:
        try:
            out.append((version, compile_rule(version.expression)))
        except RuleError:  # published rules were compiled before publishing; keep going
            continue
    with _lock:
        _versions_cache[PROFILES] = (key, out)
    return out


def profile_hits(travellers: Iterable[Traveller], versions: Versions) -> list[Hit]:
    hits: list[Hit] = []
    if not versions:  # no profile in effect: no facts to work out
        return hits
    for t in travellers:
        facts = traveller_facts(t)
        for version, rule in versions:
            if rule.matches(facts):
                used = ", ".join(f"{f}={facts.get(f)!r}" for f in sorted(rule.fields))
                hits.append(Hit(t.pk, Alert.Source.PROFILE, version.pk,
                                f"Risk profile {version} matched: {version.expression.strip()} "
                                f"(facts: {used})", ref=version))
    return hits
