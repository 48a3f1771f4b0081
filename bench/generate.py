"""A country's decade of data, generated into the configured database (``DATABASE_URL``).

    DATABASE_URL=postgres://…/scratch python -m bench generate [--cases 100000]
        [--audit 2000000] [--alerts 100000] [--reports 20000] [--years 10] [--seed 16]

Builds what the page and report benchmarks need at a country's scale: victim cases with their
identifying details (encrypted with the same field keys as ``case_open``), certifications,
consents, referrals, case history, safety, immigration, court and repatriation records;
border alerts on travellers with their watchlist and register entries and the officers'
dispositions; public reports with their routes; and the audit trail, sealed. Everything is
dated over ``--years`` years up to ``--until`` (default today) in the order it happened, and
the statuses agree with one another (a closed case has no open referral, an issued
certification has an endorser and a decision time, a child's case was acknowledged by Oranga
Tamariki before anything else).

It writes through bulk paths, not the services, so that 100,000 cases take minutes rather
than hours, and keeps the data valid the way the services would: references come from the
reference counters (``tiaki.core.references``), keys from the tables' own sequences
(``tiaki.core.bulk.reserve_ids``), rows go in with ``COPY`` on PostgreSQL, and audit rows are
given their MAC and their place in the chain by the audit app's bulk path
(``tiaki.audit.sealing.append_sealed``), so ``tiaki audit verify`` passes afterwards.

Agencies, the plan (``plans/nz-2009.yaml``) with its demo progress, the border posts and one
login per role (the demo personas) are loaded first through their own loaders. It refuses a
database that already holds cases, alerts, travellers or reports; migrate a fresh one.
Receipt codes of generated reports are not kept (nobody holds them, as with a reporter who
lost theirs), so their verifiers are random and no generated report can be opened by code.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import os
import random
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

CHUNK = 5_000
AUDIT_CHUNK = 50_000

GIVEN = ("Maria", "Ana", "Jose", "Li", "Wei", "Nguyen", "Siosaia", "Mele", "Priya", "Ravi",
         "Olga", "Irina", "Ahmed", "Fatima", "Somchai", "Malee", "Juan", "Rosa", "Tevita",
         "Sione", "Min-jun", "Ji-woo", "Arjun", "Deepa", "Grace", "John")
FAMILY = ("Santos", "Reyes", "Cruz", "Chen", "Wang", "Tran", "Fifita", "Taufa", "Sharma",
          "Patel", "Ivanova", "Petrov", "Hassan", "Ali", "Suksawat", "Garcia", "Lopez",
          "Havili", "Kim", "Lee", "Singh", "Kaur", "Smith", "Brown")
NATIONALITIES = ("Philippines", "China", "Viet Nam", "Tonga", "Samoa", "India", "Fiji",
                 "Thailand", "Malaysia", "Indonesia", "Republic of Korea", "Bangladesh",
                 "Nepal", "Russian Federation", "Brazil", "New Zealand")
ISO3 = ("PHL", "CHN", "VNM", "TON", "WSM", "IND", "FJI", "THA", "MYS", "IDN", "KOR", "BGD",
        "NPL", "RUS", "BRA", "NZL", "AUS", "USA", "GBR")
LANGUAGES = ("Tagalog", "Mandarin", "Vietnamese", "Tongan", "Samoan", "Hindi", "Thai",
             "Korean", "Russian", "Portuguese", "English")
GENDERS = ("Feminine", "Feminine", "Masculine", "Masculine", "Masculine", "TransgenderFeminine",
           "NonSpecifiedUnknown")
COURTS = ("Auckland District Court", "Manukau District Court", "Wellington High Court",
          "Christchurch District Court")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.settings")
    import django

    django.setup()


@dataclass
class Sizes:
    cases: int = 100_000
    audit: int = 2_000_000
    alerts: int = 100_000
    reports: int = 20_000
    watchlist: int = 5_000
    years: int = 10
    seed: int = 16
    until: dt.date | None = None  # default: today


@dataclass
class Generated:
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


class NotEmpty(Exception):
    """The database already holds operational data."""


def refuse_if_not_empty() -> None:
    from tiaki.cases.models import VictimCase
    from tiaki.intake.models import Report
    from tiaki.screening.models import Alert, Traveller

    held = {"victim cases": VictimCase.objects.count(), "alerts": Alert.objects.count(),
            "travellers": Traveller.objects.count(), "reports": Report.objects.count()}
    found = {k: v for k, v in held.items() if v}
    if found:
        listed = ", ".join(f"{v:,} {k}" for k, v in found.items())
        raise NotEmpty(f"the database already holds {listed}: the generator writes only into "
                       "a database without operational data (migrate a fresh one)")


class _Clock:
    """Instants over the generated span, as aware UTC datetimes (what the audit MAC and the
    database both print the same way)."""

    def __init__(self, until: dt.date, years: int, rng: random.Random) -> None:
        from django.utils import timezone

        self.rng = rng
        end_local = timezone.make_aware(dt.datetime.combine(until, dt.time.min))
        self.end = end_local.astimezone(dt.UTC)
        self.start = self.end.replace(year=self.end.year - years)
        self.span = (self.end - self.start).total_seconds()

    def sorted_instants(self, n: int) -> list[dt.datetime]:
        offsets = sorted(self.rng.random() * self.span for _ in range(n))
        return [self.start + dt.timedelta(seconds=o) for o in offsets]

    def after(self, moment: dt.datetime, lo_days: float, hi_days: float) -> dt.datetime | None:
        """A random instant ``lo_days``..``hi_days`` after ``moment``, or None if that is
        past the end (it has not happened yet)."""
        later = moment + dt.timedelta(days=self.rng.uniform(lo_days, hi_days))
        return later if later < self.end else None


def _progress(total: int, desc: str, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="rows", disable=quiet, smoothing=0.05,
                file=sys.stderr)


def _chunks(n: int, size: int) -> Iterator[range]:
    for start in range(0, n, size):
        yield range(start, min(n, start + size))


# ---------------------------------------------------------------- set-up through the loaders

def setup_reference_data() -> dict[str, Any]:
    """Agencies, the plan, border posts and one login per role, through their own loaders."""
    from django.conf import settings
    from django.db import transaction

    from tiaki.accounts.loader import agencies_load
    from tiaki.demo.personas import demo_users
    from tiaki.plan.demo import demo_progress
    from tiaki.plan.loader import plan_load
    from tiaki.screening.loader import posts_load

    agencies_load(path=settings.TIAKI_DATA_DIR / "nz" / "agencies.yaml")
    result = plan_load(path=settings.TIAKI_PLANS_DIR / "nz-2009.yaml")
    with transaction.atomic():
        users = {u.username: u for _, u in demo_users()}
        demo_progress(result.plan, users)
    posts_load()
    return users


# ---------------------------------------------------------------- cases

@dataclass
class _CaseIndex:
    """What the audit rows need to name real cases that existed at the time."""

    at: list[float] = field(default_factory=list)  # POSIX seconds, ascending
    ids: list[int] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)


def _actor(user: Any) -> int | None:
    return user.pk if user is not None else None


def generate_cases(sizes: Sizes, clock: _Clock, users: dict[str, Any], out: Generated,
                   quiet: bool) -> _CaseIndex:
    from django.db import transaction
    from django.utils import timezone

    from tiaki.accounts.models import Agency
    from tiaki.cases import catalogue
    from tiaki.cases.models import (
        CaseEvent,
        Certification,
        ChildInvolvement,
        Consent,
        CourtDate,
        HumanitarianAssessment,
        IdentifyingDetails,
        ImmigrationApplication,
        MinisterNotice,
        Referral,
        Repatriation,
        RiskAssessment,
        VictimCase,
    )
    from tiaki.cases.services.common import CLOSURE_REASONS
    from tiaki.core import crypto
    from tiaki.core.bulk import bulk_insert, reserve_ids
    from tiaki.core.references import next_references

    rng = clock.rng
    agencies = {a.code: a.pk for a in Agency.objects.all()}
    services = list(catalogue.catalogue().services.values())
    exploitation = [c for c, _ in catalogue.choices("exploitation_types")]
    control = [c for c, _ in catalogue.choices("methods_of_control")]
    owners = [("POLICE", users["investigator"])] * 4 + [("MBIE", users["mbie_investigator"])]
    senior, casemanager = users["senior"], users["casemanager"]
    social = users["socialworker"]
    reasons = list(CLOSURE_REASONS)
    index = _CaseIndex()
    created = clock.sorted_instants(sizes.cases)
    bar = _progress(sizes.cases, "victim cases", quiet)

    def refs_by_year(prefix: str, model: Any, moments: Sequence[dt.datetime]) -> list[str]:
        """References for rows dated ``moments`` (ascending), numbered within each year."""
        local = [timezone.localtime(m).year for m in moments]  # as the services number them
        pools = {y: iter(next_references(model, prefix, y, n))
                 for y, n in sorted(Counter(local).items())}
        return [next(pools[y]) for y in local]

    for chunk in _chunks(sizes.cases, CHUNK):
        moments = [created[i] for i in chunk]
        ids = reserve_ids(VictimCase, len(moments))
        refs = refs_by_year("VC", VictimCase, moments)
        cases, identities, children, events, notices = [], [], [], [], []
        risks, applications, courts, humanitarian, repatriations = [], [], [], [], []
        certs: list[dict[str, Any]] = []
        cert_ids_wanted: list[int] = []
        plans: list[dict[str, Any]] = []
        for case_id, ref, at in zip(ids, refs, moments, strict=True):
            owner_code, owner = rng.choice(owners)
            age = rng.choice((rng.randint(14, 17), *[rng.randint(18, 55)] * 11))
            types = sorted(set(rng.sample(exploitation, rng.choice((1, 1, 1, 2)))))
            case: dict[str, Any] = {
                "id": case_id, "reference": ref, "agency_id": agencies[owner_code],
                "created_by_id": owner.pk, "created_at": at, "age": age, "is_child": age < 18,
                "gender": rng.choice(GENDERS), "nationality": rng.choice(NATIONALITIES),
                "languages": rng.choice(LANGUAGES), "interpreter_needed": rng.random() < 0.6,
                "exploitation_types": types,
                "methods_of_control": sorted(set(rng.sample(control, 2))),
                "status": "Active", "trafficking_status": "PossibleVictimOfTrafficking",
                "services_received": [], "closed_at": None, "closure_reason": "",
                "compensation_informed_on": None,
            }
            identities.append({"case_id": case_id, "updated_at": at, "ciphertext":
                               crypto.encrypt_json({"given_names": rng.choice(GIVEN),
                                                    "family_name": rng.choice(FAMILY)})})
            events.append({"case_id": case_id, "at": at, "actor_id": owner.pk,
                           "kind": "opened", "summary": f"Case opened by {owner.agency}"})
            notices.append({"kind": "case_opened", "reference": ref, "created_at": at,
                            "agency": str(owner.agency), "exploitation": ", ".join(types),
                            "age_band": "under 18" if age < 18 else "18 and over",
                            "summary": f"Victim case {ref} opened"})
            start = at  # nothing proceeds for a child before Oranga Tamariki acknowledges
            if age < 18:
                acked = clock.after(at, 0.1, 3)
                children.append({"case_id": case_id, "notified_at": at, "acknowledged_at": acked,
                                 "acknowledged_by_id": social.pk if acked else None})
                events.append({"case_id": case_id, "at": at, "actor_id": owner.pk,
                               "kind": "child", "summary": "Person under 18: Oranga Tamariki "
                                                           "notified"})
                if acked is None:
                    cases.append(case)
                    index.at.append(at.timestamp())
                    index.ids.append(case_id)
                    index.refs.append(ref)
                    continue
                events.append({"case_id": case_id, "at": acked, "actor_id": social.pk,
                               "kind": "child", "summary": "Oranga Tamariki acknowledged the "
                                                           "case"})
                start = acked
            closed = clock.after(start, 30, 500) if rng.random() < 0.85 else None
            plan: dict[str, Any] = {"case": case, "start": start, "closed": closed,
                                    "owner": owner, "cert": None}
            if rng.random() < 0.5:
                requested = clock.after(start, 1, 20)
                if requested is not None and (closed is None or requested < closed):
                    decided = clock.after(requested, 3, 40)
                    if closed is not None and decided is not None and decided > closed:
                        decided = closed
                    roll = rng.random()
                    status = ("requested" if decided is None else "issued" if roll < 0.82
                              else "declined" if roll < 0.94 else "revoked")
                    revoked = (clock.after(decided, 20, 200) if status == "revoked" and decided
                               else None)
                    if status == "revoked" and revoked is None:
                        status = "issued"
                    cert = {"case_id": case_id, "status": status, "requested_at": requested,
                            "requested_by_id": owner.pk, "assessment": {},
                            "endorsed_by_id": senior.pk if status in {"issued", "revoked",
                                                                      "declined"} else None,
                            "decided_at": decided if status != "requested" else None,
                            "revoked_by_id": senior.pk if revoked else None,
                            "revoked_at": revoked,
                            "revoke_reason": "Further evidence" if revoked else ""}
                    certs.append(cert)
                    plan["cert"] = cert
                    if status in {"issued", "revoked"}:
                        case["trafficking_status"] = "ActualVictimOfTrafficking"
            plans.append(plan)
            cases.append(case)
            index.at.append(at.timestamp())
            index.ids.append(case_id)
            index.refs.append(ref)
        # Certifications, numbered by the year they were requested in.
        certs.sort(key=lambda c: c["requested_at"])
        cert_ids_wanted = reserve_ids(Certification, len(certs))
        cert_refs = refs_by_year("PC", Certification, [c["requested_at"] for c in certs])
        for cert, cert_id, ref in zip(certs, cert_ids_wanted, cert_refs, strict=True):
            cert["id"], cert["reference"] = cert_id, ref
            case_id, owner_id = cert["case_id"], cert["requested_by_id"]
            events.append({"case_id": case_id, "at": cert["requested_at"], "actor_id": owner_id,
                           "kind": "certification", "certification_id": cert_id,
                           "summary": f"Certification {ref} requested"})
            if cert["decided_at"] is not None:
                verb = "declined" if cert["status"] == "declined" else "issued"
                events.append({"case_id": case_id, "at": cert["decided_at"],
                               "actor_id": senior.pk, "kind": "certification",
                               "certification_id": cert_id,
                               "summary": f"Certification {ref} {verb}"})
                if verb == "issued":
                    notices.append({"kind": "certified", "certification_id": cert_id,
                                    "reference": ref, "created_at": cert["decided_at"],
                                    "summary": f"Victim certified ({ref})"})
            if cert["revoked_at"] is not None:
                events.append({"case_id": case_id, "at": cert["revoked_at"],
                               "actor_id": senior.pk, "kind": "certification",
                               "certification_id": cert_id,
                               "summary": f"Certification {ref} revoked"})
        # Consent then referrals (on average 1.18 a case), closure, and the rest.
        consents: list[dict[str, Any]] = []
        referrals: list[dict[str, Any]] = []
        for plan in plans:
            case, closed, owner, cert = plan["case"], plan["closed"], plan["owner"], plan["cert"]
            certified = cert is not None and cert["status"] in {"issued", "revoked"} and \
                cert["decided_at"] is not None
            wanted = rng.choices((0, 1, 2, 3), weights=(20, 50, 22, 8))[0]
            offered = [s for s in services if certified or not s.requires_certification]
            for spec in rng.sample(offered, min(wanted, len(offered))):
                after = cert["decided_at"] if spec.requires_certification else plan["start"]
                requested = clock.after(after, 0.5, 30)
                if requested is None or (closed is not None and requested >= closed):
                    continue
                consent = {"case_id": case["id"], "purpose": spec.code, "version": 1,
                           "granted": True, "recorded_by_id": casemanager.pk,
                           "recorded_at": requested, "how_obtained": "In person, interpreted"}
                consents.append(consent)
                ended = closed or clock.after(requested, 5, 120)
                if ended is None:
                    status = rng.choice(("requested", "accepted", "in_progress"))
                    updated = requested
                else:
                    status = rng.choices(("completed", "declined", "withdrawn"), (85, 10, 5))[0]
                    updated = min(ended, clock.after(requested, 1, 60) or ended)
                referrals.append({
                    "case_id": case["id"], "service": spec.code,
                    "agency_id": agencies[rng.choice(spec.agencies)], "status": status,
                    "consent": consent, "certification_id": (cert["id"] if
                                                              spec.requires_certification
                                                              else None),
                    "requested_by_id": casemanager.pk, "requested_at": requested,
                    "due_date": (requested + dt.timedelta(days=spec.due_days)).date(),
                    "updated_at": updated, "outcome": "Service provided"
                    if status == "completed" else ""})
                if status == "completed":
                    case["services_received"].append(spec.code)
            if closed is not None:
                reason = rng.choice(reasons)
                case.update(status="ClosedReferred" if reason == "transferred" else "Closed",
                            closed_at=closed, closure_reason=reason,
                            services_received=sorted(set(case["services_received"])))
                if reason == "not_trafficking":
                    case["trafficking_status"] = "NotAVictimOfTrafficking"
                events.append({"case_id": case["id"], "at": closed, "actor_id": casemanager.pk,
                               "kind": "closed",
                               "summary": f"Case closed: {CLOSURE_REASONS[reason]}"})
                notices.append({"kind": "closed", "reference": case["reference"],
                                "created_at": closed,
                                "summary": f"Victim case {case['reference']} closed"})
                if reason == "returned_home":
                    humanitarian.append({"case_id": case["id"], "assessed_by_id": owner.pk,
                                         "assessed_at": closed - dt.timedelta(days=20),
                                         "wishes_to_return": True, "safe_to_return": True,
                                         "considerations": "Family support at home",
                                         "recommendation": "return"})
                    repatriations.append({"case_id": case["id"], "planned_by_id": owner.pk,
                                          "planned_at": closed - dt.timedelta(days=14),
                                          "destination_country": case["nationality"],
                                          "travel_date": (closed - dt.timedelta(days=2)).date(),
                                          "status": "completed"})
            elif rng.random() < 0.3:
                case["status"] = "FollowUp"
            if rng.random() < 0.3:
                at = clock.after(plan["start"], 1, 25)
                if at is not None:
                    level = rng.choices(("low", "medium", "high"), (50, 35, 15))[0]
                    risks.append({"case_id": case["id"], "assessed_by_id": owner.pk,
                                  "assessed_at": at, "level": level,
                                  "family_abroad_at_risk": rng.random() < 0.2,
                                  "assessment": "Assessed with the victim",
                                  "review_on": (at + dt.timedelta(days=90)).date()})
                    events.append({"case_id": case["id"], "at": at, "actor_id": owner.pk,
                                   "kind": "safety", "summary": f"Risk assessed: {level}"})
            if certified and rng.random() < 0.4:
                lodged = clock.after(cert["decided_at"], 2, 30)
                if lodged is not None:
                    decided_on = clock.after(lodged, 10, 90)
                    applications.append({
                        "case_id": case["id"], "kind": rng.choice(("temporary", "residence")),
                        "lodged_on": lodged.date(), "recorded_by_id": casemanager.pk,
                        "status": rng.choice(("granted", "granted", "declined"))
                        if decided_on else "lodged",
                        "decided_on": decided_on.date() if decided_on else None})
            if rng.random() < 0.1:
                on = clock.after(plan["start"], 60, 400)
                if on is not None:
                    courts.append({"case_id": case["id"], "on": on.date(),
                                   "court": rng.choice(COURTS), "hearing": "Trial",
                                   "adviser_id": users["interpreter"].pk
                                   if rng.random() < 0.7 else None,
                                   "recorded_by_id": owner.pk})
                    informed = clock.after(on, -30, 0)
                    case["compensation_informed_on"] = informed.date() if informed else None
        consent_ids = reserve_ids(Consent, len(consents))
        for consent, consent_id in zip(consents, consent_ids, strict=True):
            consent["id"] = consent_id
        referral_ids = reserve_ids(Referral, len(referrals))
        for referral, referral_id in zip(referrals, referral_ids, strict=True):
            referral["id"] = referral_id
            referral["consent_id"] = referral.pop("consent")["id"]
            agency_name = referral["service"]
            events.append({"case_id": referral["case_id"], "at": referral["requested_at"],
                           "actor_id": casemanager.pk, "kind": "referral",
                           "referral_id": referral_id,
                           "summary": f"Referred for {agency_name}"})
            if referral["status"] not in Referral.OPEN:
                events.append({"case_id": referral["case_id"], "at": referral["updated_at"],
                               "actor_id": casemanager.pk, "kind": "referral",
                               "referral_id": referral_id,
                               "summary": f"Referral for {agency_name} {referral['status']}"})
        humanitarian_ids = reserve_ids(HumanitarianAssessment, len(humanitarian))
        for assessment, repatriation, hid in zip(humanitarian, repatriations, humanitarian_ids,
                                                 strict=True):
            assessment["id"] = hid
            repatriation["assessment_id"] = hid
        with transaction.atomic():
            bulk_insert(VictimCase, cases)
            bulk_insert(IdentifyingDetails, identities)
            bulk_insert(ChildInvolvement, children)
            bulk_insert(Certification, certs)
            bulk_insert(Consent, consents)
            bulk_insert(Referral, referrals)
            bulk_insert(CaseEvent, events)
            bulk_insert(MinisterNotice, notices)
            bulk_insert(RiskAssessment, risks)
            bulk_insert(ImmigrationApplication, applications)
            bulk_insert(CourtDate, courts)
            bulk_insert(HumanitarianAssessment, humanitarian)
            bulk_insert(Repatriation, repatriations)
        out.counts.update({"victim cases": len(cases), "certifications": len(certs),
                           "consents": len(consents), "referrals": len(referrals),
                           "case events": len(events), "minister notices": len(notices),
                           "child involvements": len(children), "risk assessments": len(risks),
                           "immigration applications": len(applications),
                           "court dates": len(courts), "repatriations": len(repatriations)})
        bar.update(len(chunk))
    bar.close()
    return index


# ---------------------------------------------------------------- border alerts

def generate_alerts(sizes: Sizes, clock: _Clock, users: dict[str, Any], out: Generated,
                    quiet: bool) -> None:
    from django.db import transaction

    from tiaki.accounts.models import Agency
    from tiaki.core.bulk import bulk_insert, reserve_ids
    from tiaki.screening.checks import WATCHLIST
    from tiaki.screening.models import (
        Alert,
        Disposition,
        IngestBatch,
        LostDocument,
        Post,
        Traveller,
        WatchlistEntry,
    )
    from tiaki.screening.services.lists import bump_version

    if sizes.alerts <= 0:
        return
    rng = clock.rng
    posts = list(Post.objects.select_related("agency"))
    officers = {"CUSTOMS": users["border"], "MBIE": users["visa"]}
    customs = Agency.objects.get(code="CUSTOMS")
    analyst = users["analyst"]
    first = clock.start
    with transaction.atomic():
        watch_ids = reserve_ids(WatchlistEntry, sizes.watchlist)
        bulk_insert(WatchlistEntry, [
            {"id": wid, "list_name": "Generated watchlist", "owner_agency_id": customs.pk,
             "external_id": f"G{n:07d}", "given_name": rng.choice(GIVEN),
             "family_name": rng.choice(FAMILY),
             "date_of_birth": f"19{rng.randint(60, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
             "nationality": rng.choice(ISO3), "document_number": f"W{n:08d}",
             "reason": "Generated for the benchmarks", "added_by_id": analyst.pk,
             "updated_at": first}
            for n, wid in enumerate(watch_ids)])
        bump_version(WATCHLIST)  # a process's cached matcher is stale now
    # One ingest batch a month, as a passenger-list feed would deliver them.
    months = max(1, sizes.years * 12)
    moments = clock.sorted_instants(sizes.alerts)
    month_of = [min(months - 1, int((m - clock.start).total_seconds() / clock.span * months))
                for m in moments]
    with transaction.atomic():
        batch_ids = reserve_ids(IngestBatch, months)
        bulk_insert(IngestBatch, [
            {"id": bid, "file_name": f"paxlst-{n:03d}.csv", "sha256": f"{bid:064x}",
             "format": "csv", "uploaded_by_id": users["analyst"].pk,
             "created_at": clock.start + dt.timedelta(seconds=n * clock.span / months),
             "status": "done", "read_count": month_of.count(n), "added_count": month_of.count(n),
             "screen_total": month_of.count(n), "screen_done": month_of.count(n),
             "alert_count": month_of.count(n)}
            for n, bid in enumerate(batch_ids)])
    bar = _progress(sizes.alerts, "border alerts", quiet)
    for chunk in _chunks(sizes.alerts, CHUNK):
        traveller_ids = reserve_ids(Traveller, len(chunk))
        alert_ids = reserve_ids(Alert, len(chunk))
        travellers, alerts, dispositions, lost = [], [], [], []
        lost_wanted = []
        for i, tid, aid in zip(chunk, traveller_ids, alert_ids, strict=True):
            post = rng.choice(posts)
            at = moments[i]
            family, given = rng.choice(FAMILY), rng.choice(GIVEN)
            number = f"P{tid:09d}"
            travellers.append({
                "id": tid, "kind": "visa_application" if post.handles_visas else "traveller",
                "fingerprint": hashlib.sha256(f"{tid}|{family}|{given}|{at}".encode()).hexdigest(),
                "batch_id": batch_ids[month_of[i]], "source_format": "csv",
                "source_line": i + 2, "full_name": f"{given} {family}", "family_name": family,
                "given_names": given, "name_latin": f"{given} {family}".upper(),
                "date_of_birth": f"19{rng.randint(60, 99)}-0{rng.randint(1, 9)}-1"
                                 f"{rng.randint(0, 9)}",
                "sex": rng.choice("FM"), "nationality": rng.choice(ISO3),
                "document_type": "P", "document_number": number,
                "document_issuer": rng.choice(ISO3),
                "arrival_port": (post.ports or [""])[0][:5],
                "arrival_date": at.date(), "post_id": post.pk, "created_at": at})
            if rng.random() < 0.3:
                source, watch = "lost_document", None
                lost_wanted.append((len(alerts), number, travellers[-1]["document_issuer"]))
                explanation = "Document number on the lost/stolen register"
            else:
                source, watch = "watchlist", rng.choice(watch_ids)
                explanation = "Name and date of birth close to a watchlist entry"
            alerts.append({"id": aid, "traveller_id": tid, "post_id": post.pk,
                           "source": source, "watchlist_entry_id": watch,
                           "score": round(rng.uniform(0.8, 1.0), 3), "explanation": explanation,
                           "dedupe_key": f"{source}:{watch or 0}:{tid}",
                           "batch_id": batch_ids[month_of[i]], "created_at": at})
            decided = clock.after(at, 0.01, 3)
            if decided is not None and rng.random() < 0.97:
                outcome = rng.choices(("cleared", "referred", "trafficking"), (85, 13, 2))[0]
                officer = officers.get(post.agency.code, users["border"])
                alerts[-1]["decided"] = True
                dispositions.append({"alert_id": aid, "outcome": outcome,
                                     "officer_id": officer.pk, "agency_id": officer.agency_id,
                                     "decided_at": decided, "note": ""})
        lost_ids = reserve_ids(LostDocument, len(lost_wanted))
        for (position, number, issuer), lid in zip(lost_wanted, lost_ids, strict=True):
            lost.append({"id": lid, "number": number, "number_normalised": number,
                         "number_folded": number, "issuer": issuer, "doc_type": "P",
                         "status": rng.choice(("lost", "stolen")),
                         "reported_on": (alerts[position]["created_at"]
                                         - dt.timedelta(days=rng.randint(10, 400))).date(),
                         "added_by_id": analyst.pk, "updated_at": first})
            alert = alerts[position]
            alert["lost_document_id"] = lid
            alert["dedupe_key"] = f"lost_document:{lid}:{alert['traveller_id']}"
        with transaction.atomic():
            bulk_insert(Traveller, travellers)
            bulk_insert(LostDocument, lost)
            bulk_insert(Alert, alerts)
            bulk_insert(Disposition, dispositions)
        out.counts.update({"travellers": len(travellers), "alerts": len(alerts),
                           "dispositions": len(dispositions), "lost documents": len(lost)})
        bar.update(len(chunk))
    bar.close()
    out.counts["watchlist entries"] += len(watch_ids)
    out.counts["ingest batches"] += len(batch_ids)


# ---------------------------------------------------------------- public reports

def generate_reports(sizes: Sizes, clock: _Clock, users: dict[str, Any], out: Generated,
                     quiet: bool) -> None:
    from django.db import transaction

    from tiaki.accounts.models import Agency
    from tiaki.core.bulk import bulk_insert, reserve_ids
    from tiaki.intake import receipts
    from tiaki.intake.models import Industry, Region, Report, ReportRoute
    from tiaki.intake.routing import routing

    if sizes.reports <= 0:
        return
    rng = clock.rng
    receivers = list(Agency.objects.filter(code__in=routing().public_reports))
    ngo = Agency.objects.filter(code="NGOS").first()
    triage = users["investigator"]
    regions = [r for r in Region.values if r != Region.UNKNOWN] + [Region.UNKNOWN]
    industries = list(Industry.values)
    outcomes = list(Report.Outcome.values)
    moments = clock.sorted_instants(sizes.reports)
    bar = _progress(sizes.reports, "public reports", quiet)
    for chunk in _chunks(sizes.reports, CHUNK):
        ids = reserve_ids(Report, len(chunk))
        reports, routes = [], []
        for i, rid in zip(chunk, ids, strict=True):
            # Reports keep their time to the hour only (anonymous reporters).
            at = moments[i].replace(minute=0, second=0, microsecond=0)
            channel = rng.choices(("portal", "public_api", "partner"), (80, 10, 10))[0]
            acted = clock.after(at, 0.05, 5)
            closed = clock.after(acted, 5, 120) if acted is not None else None
            reports.append({
                "id": rid, "lookup_digest": receipts.lookup_digest(receipts.new_code()),
                "code_salt": secrets.token_hex(16), "code_hash": secrets.token_hex(32),
                "channel": channel, "source_agency_id": ngo.pk if channel == "partner" and ngo
                else None, "language": rng.choice(("en", "en", "en", "mi", "zh", "to", "sm")),
                "received_at": at, "what_seen": "Workers living at the site and not paid; "
                                                "their passports are kept by the employer.",
                "region": rng.choice(regions), "industry": rng.choice(industries),
                "children": rng.choices(("no", "unknown", "yes"), (70, 25, 5))[0],
                "risk_to_life": rng.random() < 0.03,
                "status": "closed" if closed else "in_progress" if acted else "new",
                "priority": "3_normal", "assignee_id": triage.pk if acted else None,
                "outcome": rng.choice(outcomes) if closed else "",
                "first_action_at": acted, "closed_at": closed})
            routes += [{"report_id": rid, "agency_id": agency.pk,
                        "reason": "receives reports"}
                       for agency in receivers]
        with transaction.atomic():
            bulk_insert(Report, reports)
            bulk_insert(ReportRoute, routes)
        out.counts.update({"reports": len(reports), "report routes": len(routes)})
        bar.update(len(chunk))
    bar.close()


# ---------------------------------------------------------------- audit trail

def generate_audit(sizes: Sizes, clock: _Clock, users: dict[str, Any], index: _CaseIndex,
                   out: Generated, quiet: bool) -> None:
    """Audit rows in the order they happened: reads and changes of cases that existed at
    the time, by the people who work on them, sealed as they go in."""
    from tiaki.audit.sealing import append_sealed, audit_seal

    if sizes.audit <= 0:
        return
    audit_seal()  # the set-up's own rows take the first places in the chain
    rng = clock.rng
    people = [users[n] for n in ("investigator", "senior", "casemanager", "provider",
                                 "auditor", "minister", "analyst", "border")]
    described = []
    for user in people:
        described.append({"actor_id": user.pk, "actor_username": user.username,
                          "actor_agency": user.agency.code if user.agency else "",
                          "actor_roles": ",".join(sorted(user.role_codes()))})
    bar = _progress(sizes.audit, "audit rows", quiet)
    step = clock.span / sizes.audit
    first_case = index.at[0] if index.at else clock.end.timestamp()
    for chunk in _chunks(sizes.audit, AUDIT_CHUNK):
        rows = []
        for i in chunk:
            at = clock.start + dt.timedelta(seconds=(i + rng.random()) * step)
            actor = rng.choice(described)
            known = bisect.bisect_right(index.at, at.timestamp()) if at.timestamp() >= \
                first_case else 0
            roll = rng.random()
            if known and roll < 0.9:
                n = rng.randrange(max(0, known - 5000), known)  # recent cases are busiest
                action = "read" if roll < 0.8 else "update"
                verb = "read" if action == "read" else "updated"
                rows.append({"at": at, **actor, "action": action,
                             "object_type": "cases.victimcase", "object_id": str(index.ids[n]),
                             "summary": f"Victim case {index.refs[n]} {verb}",
                             "changes": {} if action == "read" else {"status": "Active"}})
            elif roll < 0.95:
                rows.append({"at": at, **actor, "action": "login", "object_type": "accounts.user",
                             "object_id": str(actor["actor_id"]), "summary": "Signed in"})
            else:
                rows.append({"at": at, **actor, "action": "read", "object_type": "screening.alert",
                             "object_id": str(rng.randint(1, max(1, sizes.alerts))),
                             "summary": "Alert read"})
        append_sealed(rows)
        out.counts["audit rows"] += len(rows)
        bar.update(len(chunk))
    bar.close()


# ---------------------------------------------------------------- the whole run

def generate(sizes: Sizes, *, quiet: bool = False,
             log: Callable[[str], None] = lambda s: print(s, file=sys.stderr)) -> Generated:
    from django.db import connection
    from django.utils import timezone

    began = time.perf_counter()
    refuse_if_not_empty()
    out = Generated()
    users = setup_reference_data()
    until = sizes.until or timezone.localdate()
    clock = _Clock(until, sizes.years, random.Random(sizes.seed))
    log(f"generating {sizes.years} years up to {until} (seed {sizes.seed})")
    index = generate_cases(sizes, clock, users, out, quiet)
    generate_alerts(sizes, clock, users, out, quiet)
    generate_reports(sizes, clock, users, out, quiet)
    generate_audit(sizes, clock, users, index, out, quiet)
    if connection.vendor == "postgresql":
        # Fresh statistics, so the planner sees the volume, and the visibility map set so
        # counts can read an index alone: what autovacuum does for a database in service,
        # done now (VACUUM cannot run inside a transaction, as under a test).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    out.seconds = time.perf_counter() - began
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench generate",
                                 description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--cases", type=int, default=Sizes.cases)
    ap.add_argument("--audit", type=int, default=Sizes.audit, help="audit rows")
    ap.add_argument("--alerts", type=int, default=Sizes.alerts)
    ap.add_argument("--reports", type=int, default=Sizes.reports, help="public reports")
    ap.add_argument("--watchlist", type=int, default=Sizes.watchlist)
    ap.add_argument("--years", type=int, default=Sizes.years)
    ap.add_argument("--seed", type=int, default=Sizes.seed)
    ap.add_argument("--until", type=dt.date.fromisoformat, default=None,
                    help="last day of the data, YYYY-MM-DD (default today)")
    ap.add_argument("--quiet", action="store_true", help="no progress bars")
    args = ap.parse_args(argv)
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    sizes = Sizes(cases=args.cases, audit=args.audit, alerts=args.alerts, reports=args.reports,
                  watchlist=args.watchlist, years=args.years, seed=args.seed, until=args.until)
    try:
        result = generate(sizes, quiet=args.quiet)
    except NotEmpty as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    for name, count in sorted(result.counts.items()):
        print(f"{name:>26}: {count:,}")
    print(f"{'seconds':>26}: {result.seconds:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
