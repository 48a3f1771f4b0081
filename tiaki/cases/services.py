"""State changes on victim cases: each checks its rule, changes, and audits in one transaction.

Rules come from seed 002 (PROTECTION and PROSECUTION, items 13-28), seed 004 (Oranga
Tamariki when children are involved) and issue 4. Refusals raise ``Refused`` with a reason
in plain words. Identifying details are encrypted (``tiaki.core.crypto``); they are never
written to the audit trail, to case history or to notifications.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone

from tiaki.accounts.models import Agency, User
from tiaki.accounts.roles import Role
from tiaki.accounts.selectors import staff_of
from tiaki.audit.services import Action, audit_read, audit_record
from tiaki.cases import catalogue
from tiaki.cases.models import (
    CaseEvent,
    CaseMember,
    CaseStatus,
    Certification,
    ChildInvolvement,
    Consent,
    CourtDate,
    HumanitarianAssessment,
    IdentifyingDetails,
    ImmigrationApplication,
    InterviewPlan,
    MinisterNotice,
    Referral,
    Repatriation,
    RiskAssessment,
    TraffickingEvent,
    VictimCase,
)
from tiaki.cases.policies import (
    ACKNOWLEDGE,
    CASE_ROLES,
    EDIT,
    ENDORSE,
    ORANGA_TAMARIKI,
    POLICE,
    PROVIDER_ROLES,
    REQUEST_CERT,
    RESPOND,
    REVEAL,
    REVOKE,
    WITHDRAW,
)
from tiaki.core import crypto
from tiaki.core.policy import Refused, policy_for
from tiaki.core.services import notify

CHILD_AGE = 18
IDENTITY_KEYS = ("given_names", "family_name", "other_names", "date_of_birth", "documents",
                 "phone", "email", "address")
WITNESS_STATUSES = {
    "not_started": "Not started",
    "planned": "Interview planned",
    "taken": "Statement taken",
    "signed": "Statement signed",
    "declined": "Victim chose not to make a statement",
}
CLOSURE_REASONS = {
    "returned_home": "Returned home (repatriated)",
    "settled_nz": "Remains in New Zealand with support in place",
    "support_complete": "Support completed",
    "declined_support": "Victim declined further support",
    "not_trafficking": "Found not to be trafficking",
    "lost_contact": "Lost contact",
    "transferred": "Transferred to another organisation",
}
HTCDS_EXPORT = "htcds_export"
CHILD_SERVICE = "child_protection"
MFAT_SERVICE = "country_of_origin_liaison"


# ---------------------------------------------------------------- helpers

def _next_reference(model: type[models.Model], prefix: str) -> str:
    """The next ``PREFIX-YEAR-NNNN``: a number, not a name, so it identifies no one."""
    year = timezone.localdate().year
    stem = f"{prefix}-{year}-"
    # Longest first, so VC-2026-10000 sorts after VC-2026-9999.
    last = (model._default_manager.filter(reference__startswith=stem)
            .order_by(Length("reference").desc(), "-reference")
            .values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{number:04d}"


def _event(case: VictimCase, actor: Any, kind: str, summary: str, *,
           certification: Certification | None = None,
           referral: Referral | None = None) -> None:
    CaseEvent.objects.create(case=case, actor=actor if getattr(actor, "pk", None) else None,
                             kind=kind, summary=summary[:300], certification=certification,
                             referral=referral)


def _case_url(case: VictimCase) -> str:
    return reverse("cases:detail", kwargs={"reference": case.reference})


def case_team(case: VictimCase) -> list[User]:
    """Everyone who sees the case: owning agency's case roles and added members."""
    lineage = case.agency.lineage_ids()
    by_agency = User.objects.filter(agency_id__in=lineage, is_active=True,
                                    role_grants__role__in=list(CASE_ROLES))
    members = User.objects.filter(case_memberships__case=case, is_active=True)
    return list((by_agency | members).distinct())


def agency_staff(codes: Iterable[str], roles: Sequence[str]) -> list[User]:
    return list(staff_of(Agency.objects.filter(code__in=list(codes)), roles))


def _clean_list(values: Iterable[str], vocabulary: str, what: str) -> list[str]:
    allowed = {code for code, _ in catalogue.choices(vocabulary)}
    cleaned = sorted({v for v in values if v})
    unknown = [v for v in cleaned if v not in allowed]
    if unknown:
        raise Refused(f"unknown {what}: {', '.join(unknown)}")
    return cleaned


def _check_case(actor: Any, case: VictimCase, action: str = EDIT) -> None:
    policy_for(VictimCase).check(actor, action, case)


def child_gate(case: VictimCase) -> None:
    """A case with a person under 18 cannot proceed until Oranga Tamariki acknowledges it."""
    if not case.is_child:
        return
    involvement = ChildInvolvement.objects.filter(case=case).first()
    if involvement is None or involvement.acknowledged_at is None:
        raise Refused(
            f"case {case.reference} involves a person under 18: Oranga Tamariki must "
            "acknowledge it before anything else proceeds (seed 004)"
        )


def _age_from(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _clean_identity(identity: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(identity) - set(IDENTITY_KEYS)
    if unknown:
        raise Refused(f"unknown identifying fields: {', '.join(sorted(unknown))}")
    cleaned: dict[str, Any] = {}
    for key in IDENTITY_KEYS:
        value = identity.get(key)
        if key == "documents":
            docs = [
                {"type": str(d.get("type", "")).strip(), "number": str(d.get("number", "")).strip(),
                 "country": str(d.get("country", "")).strip()}
                for d in (value or []) if str(d.get("number", "")).strip()
            ]
            if docs:
                cleaned[key] = docs
        elif key == "date_of_birth" and value:
            cleaned[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
        elif value and str(value).strip():
            cleaned[key] = str(value).strip()
    return cleaned


def _decrypt_identity(case: VictimCase) -> dict[str, Any]:
    # Read the row afresh: a cached relation could hold ciphertext from before a rotation.
    row = IdentifyingDetails.objects.filter(case=case).first()
    return crypto.decrypt_json(row.ciphertext) if row is not None else {}


# ---------------------------------------------------------------- cases

def case_open(
    *,
    actor: Any,
    identity: Mapping[str, Any],
    age: int | None = None,
    apparent_child: bool = False,
    gender: str = "",
    nationality: str = "",
    languages: str = "",
    interpreter_needed: bool = False,
    exploitation_types: Iterable[str] = (),
    methods_of_control: Iterable[str] = (),
    recruitment_methods: Iterable[str] = (),
    relationship_to_trafficker: str = "",
    source_report: str = "",
    source_screening: str = "",
    referring_agency: Agency | None = None,
    events: Iterable[Mapping[str, Any]] = (),
) -> VictimCase:
    """Open a victim case owned by the actor's agency, under a pseudonymous reference."""
    if not actor.has_role(*CASE_ROLES) or actor.agency is None:
        raise Refused("only an investigator, senior officer or case manager may open a case")
    details = _clean_identity(identity)
    today = timezone.localdate()
    if age is None and details.get("date_of_birth"):
        try:
            birth = dt.date.fromisoformat(details["date_of_birth"])
        except ValueError as exc:
            raise Refused("the date of birth is not a date (use YYYY-MM-DD)") from exc
        if birth > today:
            raise Refused("the date of birth is in the future")
        age = _age_from(birth, today)
    if age is not None and not 0 <= age <= 120:
        raise Refused("the age must be between 0 and 120")
    is_child = apparent_child or (age is not None and age < CHILD_AGE)
    if relationship_to_trafficker:
        _clean_list([relationship_to_trafficker], "relationships_to_trafficker",
                    "relationship to trafficker")
    cleaned_events = []
    for event in events:
        kind = event.get("kind", "")
        if kind not in TraffickingEvent.Kind.values:
            raise Refused(f"unknown kind of place {kind!r}")
        if event.get("place") or event.get("country") or event.get("date_from"):
            cleaned_events.append(event)
    with transaction.atomic():
        case = VictimCase.objects.create(
            reference=_next_reference(VictimCase, "VC"), agency=actor.agency, created_by=actor,
            age=age, is_child=is_child, gender=gender, nationality=nationality.strip(),
            languages=languages.strip(), interpreter_needed=interpreter_needed,
            exploitation_types=_clean_list(exploitation_types, "exploitation_types",
                                           "type of exploitation"),
            methods_of_control=_clean_list(methods_of_control, "methods_of_control",
                                           "method of control"),
            recruitment_methods=_clean_list(recruitment_methods, "methods_of_recruitment",
                                            "method of recruitment"),
            relationship_to_trafficker=relationship_to_trafficker,
            source_report=source_report.strip(), source_screening=source_screening.strip(),
            referring_agency=referring_agency,
        )
        IdentifyingDetails.objects.create(case=case, ciphertext=crypto.encrypt_json(details))
        for event in cleaned_events:
            TraffickingEvent.objects.create(
                case=case, kind=event["kind"], place=str(event.get("place", "")).strip(),
                country=str(event.get("country", "")).strip(),
                date_from=event.get("date_from"), date_to=event.get("date_to"),
            )
        _event(case, actor, "opened", f"Case opened by {actor.agency}")
        audit_record(actor=actor, action=Action.CREATE, obj=case,
                     summary=f"Victim case {case.reference} opened",
                     changes={"reference": case.reference, "age": age, "is_child": is_child,
                              "identifying_fields": sorted(details)})
        if is_child:
            _involve_oranga_tamariki(case, actor)
    return case


def _involve_oranga_tamariki(case: VictimCase, actor: Any) -> None:
    """Seed 004: "When children are involved, Oranga Tamariki works closely with New Zealand
    Police or MBIE". Called inside the caller's transaction."""
    ChildInvolvement.objects.get_or_create(case=case)
    _event(case, actor, "child", "Person under 18: Oranga Tamariki notified")
    audit_record(actor=actor, action=Action.CREATE, object_type="cases.childinvolvement",
                 object_id=str(case.pk), summary=f"Oranga Tamariki notified of {case.reference}")
    notify(recipients=agency_staff([ORANGA_TAMARIKI], PROVIDER_ROLES),
           subject=f"Child in trafficking case {case.reference}: acknowledge",
           body="A case involves a person under 18. Please acknowledge it in Tiaki.",
           url=reverse("cases:children"))


def identity_reveal(*, case: VictimCase, actor: Any, reason: str,
                    channel: str = "page") -> dict[str, Any]:
    """Decrypt the identifying details for the case team, writing an audit row every time."""
    _check_case(actor, case, REVEAL)
    reason = reason.strip()
    if len(reason) < 5:
        raise Refused("say why you need the identifying details")
    with transaction.atomic():
        details: dict[str, Any] = _decrypt_identity(case)
        audit_read(actor=actor, obj=case, reason=reason,
                   summary=f"Identifying details of {case.reference} revealed ({channel})")
    return details


def identity_update(*, case: VictimCase, actor: Any, identity: Mapping[str, Any]) -> None:
    _check_case(actor, case)
    details = _clean_identity(identity)
    age = case.age
    if details.get("date_of_birth"):
        try:
            birth = dt.date.fromisoformat(details["date_of_birth"])
        except ValueError as exc:
            raise Refused("the date of birth is not a date (use YYYY-MM-DD)") from exc
        age = _age_from(birth, timezone.localdate())
    becomes_child = age is not None and age < CHILD_AGE and not case.is_child
    with transaction.atomic():
        if age != case.age or becomes_child:
            case.age = age
            case.is_child = case.is_child or becomes_child
            case.save(update_fields=["age", "is_child"])
        if becomes_child:
            _involve_oranga_tamariki(case, actor)
        IdentifyingDetails.objects.update_or_create(
            case=case, defaults={"ciphertext": crypto.encrypt_json(details),
                                 "updated_at": timezone.now()})
        _event(case, actor, "identity", "Identifying details updated")
        audit_record(actor=actor, action=Action.UPDATE, obj=case,
                     summary=f"Identifying details of {case.reference} updated",
                     changes={"identifying_fields": sorted(details)})


def member_add(*, case: VictimCase, actor: Any, username: str) -> CaseMember:
    _check_case(actor, case)
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise Refused(f"no active user called {username.strip()!r}")
    if CaseMember.objects.filter(case=case, user=user).exists():
        raise Refused(f"{user.username} is already on the case team")
    with transaction.atomic():
        member = CaseMember.objects.create(case=case, user=user, added_by=actor)
        _event(case, actor, "team", f"{user.username} ({user.agency}) added to the case team")
        audit_record(actor=actor, action=Action.CREATE, obj=member,
                     summary=f"{user.username} added to {case.reference}")
    notify(recipients=[user], subject=f"You were added to case {case.reference}",
           url=_case_url(case))
    return member


def child_acknowledge(*, involvement: ChildInvolvement, actor: Any, note: str = "") -> None:
    """Oranga Tamariki acknowledges a case with a child (seed 004)."""
    policy_for(ChildInvolvement).check(actor, ACKNOWLEDGE, involvement)
    with transaction.atomic():
        involvement.acknowledged_at = timezone.now()
        involvement.acknowledged_by = actor
        involvement.note = note.strip()
        involvement.save()
        _event(involvement.case, actor, "child", "Oranga Tamariki acknowledged the case")
        audit_record(actor=actor, action=Action.UPDATE, obj=involvement,
                     summary=f"Oranga Tamariki acknowledged {involvement.case.reference}")
    notify(recipients=case_team(involvement.case),
           subject=f"Oranga Tamariki acknowledged {involvement.case.reference}",
           url=_case_url(involvement.case))


# ---------------------------------------------------------------- certification

def latest_certification(case: VictimCase) -> Certification | None:
    return case.certifications.order_by("-requested_at", "-pk").first()


def issued_certification(case: VictimCase) -> Certification | None:
    return case.certifications.filter(status=Certification.Status.ISSUED).first()


def certification_request(
    *, case: VictimCase, actor: Any, assessment: Mapping[str, Mapping[str, Any]],
    witness_statements: str = "",
) -> Certification:
    """An investigator asks for certification, assessing the evidence against s98D (item 13)."""
    _check_case(actor, case, REQUEST_CERT)
    child_gate(case)
    active = case.certifications.filter(
        status__in=[Certification.Status.REQUESTED, Certification.Status.ISSUED]).first()
    if active is not None:
        raise Refused(f"certification {active.reference} is already "
                      f"{active.get_status_display().lower()}")
    cleaned: dict[str, dict[str, Any]] = {}
    for element in catalogue.s98d_elements():
        given = assessment.get(element.code) or {}
        allowed = {t.code for t in element.values}
        findings = sorted({f for f in given.get("findings", []) if f})
        unknown = [f for f in findings if f not in allowed]
        if unknown:
            raise Refused(f"{element.label}: unknown finding {', '.join(unknown)}")
        evidence = str(given.get("evidence", "")).strip()
        # Palermo art. 3(c): for a child the means need not be shown (see the legal test file).
        optional = element.code == "means" and case.is_child
        if not optional and (not findings or not evidence):
            raise Refused(f"{element.label}: record what was found and the evidence for it")
        cleaned[element.code] = {"findings": findings, "evidence": evidence}
    with transaction.atomic():
        cert = Certification.objects.create(
            case=case, reference=_next_reference(Certification, "PC"), requested_by=actor,
            assessment=cleaned, witness_statements=witness_statements.strip(),
        )
        _event(case, actor, "certification", f"Certification {cert.reference} requested",
               certification=cert)
        audit_record(actor=actor, action=Action.CREATE, obj=cert,
                     summary=f"Certification {cert.reference} requested for {case.reference}",
                     changes={"findings": {k: v["findings"] for k, v in cleaned.items()}})
        seniors = [u for u in agency_staff([POLICE], [Role.SENIOR_OFFICER]) if u.pk != actor.pk]
        notify(recipients=seniors, subject=f"Certification {cert.reference} awaits endorsement",
               url=reverse("cases:certification", kwargs={"reference": cert.reference}))
    return cert


def _minister_summary(case: VictimCase, cert: Certification) -> str:
    """Anonymised: no names, no reference the Minister's office could match to a person."""
    band = ("age unknown" if case.age is None else "under 18" if case.is_child
            else "18-24" if case.age < 25 else "25-39" if case.age < 40 else "40 or older")
    kinds = ", ".join(catalogue.label_of("exploitation_types", c)
                      for c in case.exploitation_types) or "not yet recorded"
    return (f"A suspected victim of trafficking was certified by Police on "
            f"{timezone.localdate():%d %B %Y}. Nationality: {case.nationality or 'unknown'}. "
            f"Age: {band}. Exploitation: {kinds}.")


def certification_endorse(*, certification: Certification, actor: Any,
                          note: str = "") -> Certification:
    """A senior officer who did not request it endorses the certification (seed 002)."""
    policy_for(Certification).check(actor, ENDORSE, certification)
    case = certification.case
    if case.is_closed:
        raise Refused(f"case {case.reference} is closed")
    child_gate(case)
    with transaction.atomic():
        certification.status = Certification.Status.ISSUED
        certification.endorsed_by = actor
        certification.decided_at = timezone.now()
        certification.decision_note = note.strip()
        certification.save()
        _event(case, actor, "certification",
               f"Certification {certification.reference} endorsed and issued",
               certification=certification)
        audit_record(actor=actor, action=Action.UPDATE, obj=certification,
                     summary=f"Certification {certification.reference} issued",
                     changes={"status": "issued"})
        notice = MinisterNotice.objects.create(certification=certification,
                                               summary=_minister_summary(case, certification))
        audit_record(actor=actor, action=Action.CREATE, obj=notice,
                     summary="Anonymised notice to the Minister's office")
        notify(recipients=User.objects.filter(role_grants__role=Role.MINISTER_OFFICE,
                                              is_active=True).distinct(),
               subject="New certified trafficking case", body=notice.summary,
               url=reverse("cases:minister"))
        notify(recipients=case_team(case),
               subject=f"Certification {certification.reference} issued", url=_case_url(case))
    return certification


def certification_decline(*, certification: Certification, actor: Any,
                          note: str) -> Certification:
    policy_for(Certification).check(actor, ENDORSE, certification)
    if not note.strip():
        raise Refused("say why the certification is declined")
    with transaction.atomic():
        certification.status = Certification.Status.DECLINED
        certification.endorsed_by = actor
        certification.decided_at = timezone.now()
        certification.decision_note = note.strip()
        certification.save()
        _event(certification.case, actor, "certification",
               f"Certification {certification.reference} declined",
               certification=certification)
        audit_record(actor=actor, action=Action.UPDATE, obj=certification,
                     summary=f"Certification {certification.reference} declined",
                     changes={"status": "declined"}, reason=note.strip())
    return certification


def certification_revoke(*, certification: Certification, actor: Any,
                         reason: str) -> Certification:
    """Police revoke a certification when the person was found not to be trafficked."""
    policy_for(Certification).check(actor, REVOKE, certification)
    reason = reason.strip()
    if not reason:
        raise Refused("give the reason for revoking the certification")
    case = certification.case
    with transaction.atomic():
        certification.status = Certification.Status.REVOKED
        certification.revoked_by = actor
        certification.revoked_at = timezone.now()
        certification.revoke_reason = reason
        certification.save()
        _event(case, actor, "certification",
               f"Certification {certification.reference} revoked", certification=certification)
        audit_record(actor=actor, action=Action.UPDATE, obj=certification,
                     summary=f"Certification {certification.reference} revoked",
                     changes={"status": "revoked"}, reason=reason)
        # Services that depend on certification end with it.
        dependent = case.referrals.filter(status__in=list(Referral.OPEN),
                                          certification=certification)
        for referral in dependent:
            _close_referral(referral, actor, Referral.Status.WITHDRAWN,
                            f"Certification {certification.reference} was revoked")
    notify(recipients=case_team(case), subject=f"Certification {certification.reference} revoked",
           url=_case_url(case))
    return certification


# ---------------------------------------------------------------- consent

def consent_current(case: VictimCase, purpose: str) -> Consent | None:
    return case.consents.filter(purpose=purpose).order_by("-version").first()


def consent_record(*, case: VictimCase, actor: Any, purpose: str, granted: bool,
                   how_obtained: str = "") -> Consent:
    """Record a new version of the victim's consent for one purpose (grant or withdrawal)."""
    _check_case(actor, case)
    if purpose not in catalogue.catalogue().purposes():
        raise Refused(f"unknown purpose {purpose!r}")
    current = consent_current(case, purpose)
    if current is not None and current.granted == granted:
        raise Refused("consent for this purpose is already "
                      + ("given" if granted else "withdrawn"))
    if current is None and not granted:
        raise Refused("consent for this purpose was never given")
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case, purpose=purpose, version=(current.version + 1) if current else 1,
            granted=granted, recorded_by=actor, how_obtained=how_obtained.strip(),
        )
        name = catalogue.catalogue().purposes()[purpose]
        verb = "given" if granted else "withdrawn"
        _event(case, actor, "consent", f"Consent {verb}: {name} (version {consent.version})")
        audit_record(actor=actor, action=Action.CREATE, obj=consent,
                     summary=f"Consent {verb} for {purpose} on {case.reference}",
                     changes={"purpose": purpose, "granted": granted,
                              "version": consent.version})
    return consent


def require_consent(case: VictimCase, purpose: str) -> Consent:
    """Refuse unless the newest consent for ``purpose`` is a grant."""
    consent = consent_current(case, purpose)
    name = catalogue.catalogue().purposes().get(purpose, purpose)
    if consent is None:
        raise Refused(f"the victim has not consented to sharing for: {name}")
    if not consent.granted:
        raise Refused(f"the victim withdrew consent for: {name}; nothing more may be shared")
    return consent


# ---------------------------------------------------------------- referrals

def referral_create(*, case: VictimCase, actor: Any, service: str, agency_code: str,
                    appointment: str = "", due_date: dt.date | None = None) -> Referral:
    """Refer the case to an agency for one service, after consent (items 14-28)."""
    _check_case(actor, case)
    spec = catalogue.service(service)
    if spec is None:
        raise Refused(f"unknown service {service!r}")
    if agency_code not in spec.agencies:
        raise Refused(f"{spec.name} is provided by {', '.join(spec.agencies)}, not {agency_code}")
    if service != CHILD_SERVICE:
        child_gate(case)
    certification = None
    if spec.requires_certification:
        latest = latest_certification(case)
        if latest is not None and latest.status == Certification.Status.REVOKED:
            raise Refused(f"certification {latest.reference} was revoked: {spec.name} needs a "
                          "Police certification")
        certification = issued_certification(case)
        if certification is None:
            raise Refused(f"{spec.name} is for Police-certified victims: this person is not "
                          "certified (seed 002)")
    consent = require_consent(case, service)
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise Refused(f"agency {agency_code} is not loaded")
    if case.referrals.filter(service=service, agency=agency,
                             status__in=list(Referral.OPEN)).exists():
        raise Refused(f"{agency} already has an open referral for {spec.name}")
    today = timezone.localdate()
    due = due_date or today + dt.timedelta(days=spec.due_days)
    if due < today:
        raise Refused("the due date is in the past")
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case, service=service, agency=agency, consent=consent,
            certification=certification, requested_by=actor, due_date=due,
            appointment=appointment.strip(),
        )
        _event(case, actor, "referral", f"Referred to {agency} for {spec.name}",
               referral=referral)
        audit_record(actor=actor, action=Action.CREATE, obj=referral,
                     summary=f"{case.reference} referred to {agency.code} for {service}",
                     changes={"service": service, "agency": agency.code,
                              "consent_version": consent.version, "due": due})
        notify(recipients=agency_staff([agency.code], PROVIDER_ROLES),
               subject=f"New referral for {spec.name}",
               url=reverse("cases:referral", kwargs={"pk": referral.pk}))
    return referral


TRANSITIONS: dict[str, dict[str, str]] = {
    "accept": {Referral.Status.REQUESTED: Referral.Status.ACCEPTED},
    "start": {Referral.Status.ACCEPTED: Referral.Status.IN_PROGRESS},
    "complete": {Referral.Status.ACCEPTED: Referral.Status.COMPLETED,
                 Referral.Status.IN_PROGRESS: Referral.Status.COMPLETED},
    "decline": {Referral.Status.REQUESTED: Referral.Status.DECLINED,
                Referral.Status.ACCEPTED: Referral.Status.DECLINED},
}


def _close_referral(referral: Referral, actor: Any, status: str, outcome: str) -> None:
    referral.status = status
    referral.outcome = outcome
    referral.updated_at = timezone.now()
    referral.save()
    label = Referral.Status(status).label.lower()
    _event(referral.case, actor, "referral", f"Referral to {referral.agency} {label}",
           referral=referral)
    audit_record(actor=actor, action=Action.UPDATE, obj=referral,
                 summary=f"Referral {referral.pk} {label}", changes={"status": status})


def referral_respond(*, referral: Referral, actor: Any, step: str,
                     outcome: str = "") -> Referral:
    """The receiving agency moves a referral: accept, start, complete (outcome), decline."""
    policy_for(Referral).check(actor, RESPOND, referral)
    cert = referral.certification
    if cert is not None and cert.status == Certification.Status.REVOKED:
        raise Refused(f"certification {cert.reference} was revoked: this referral cannot go on")
    moves = TRANSITIONS.get(step)
    if moves is None:
        raise Refused(f"unknown step {step!r}")
    new = moves.get(referral.status)
    if new is None:
        raise Refused(f"a {referral.get_status_display().lower()} referral cannot take the "
                      f"step {step!r}")
    if step in {"complete", "decline"} and not outcome.strip():
        raise Refused("record the outcome" if step == "complete" else "say why you decline")
    with transaction.atomic():
        referral.status = new
        referral.handled_by = actor
        referral.updated_at = timezone.now()
        if outcome.strip():
            referral.outcome = outcome.strip()
        referral.save()
        label = referral.get_status_display().lower()
        _event(referral.case, actor, "referral", f"Referral to {referral.agency} {label}",
               referral=referral)
        audit_record(actor=actor, action=Action.UPDATE, obj=referral,
                     summary=f"Referral {referral.pk} {label}", changes={"status": new})
        notify(recipients=[u for u in [referral.requested_by] if u is not None],
               subject=f"Referral to {referral.agency} {label}",
               url=reverse("cases:referral", kwargs={"pk": referral.pk}))
    return referral


def referral_withdraw(*, referral: Referral, actor: Any, reason: str) -> Referral:
    policy_for(Referral).check(actor, WITHDRAW, referral)
    if not reason.strip():
        raise Refused("say why the referral is withdrawn")
    with transaction.atomic():
        _close_referral(referral, actor, Referral.Status.WITHDRAWN, reason.strip())
    notify(recipients=agency_staff([referral.agency.code], PROVIDER_ROLES),
           subject="A referral was withdrawn",
           url=reverse("cases:referral", kwargs={"pk": referral.pk}))
    return referral


def _shared_value(case: VictimCase, referral: Referral, field: str,
                  identity: Mapping[str, Any]) -> Any:
    if field == "reference":
        return case.reference
    if field == "names":
        return " ".join(p for p in [identity.get("given_names"), identity.get("family_name")]
                        if p) + (f" (also: {identity['other_names']})"
                                 if identity.get("other_names") else "")
    if field == "date_of_birth":
        return identity.get("date_of_birth", "")
    if field == "documents":
        return "; ".join(f"{d['type']} {d['number']} ({d['country']})"
                         for d in identity.get("documents", []))
    if field == "contact":
        return ", ".join(p for p in [identity.get("phone"), identity.get("email")] if p)
    if field == "address":
        return identity.get("address", "")
    if field == "age":
        return case.age
    if field == "is_child":
        return "yes" if case.is_child else "no"
    if field == "gender":
        return case.get_gender_display()
    if field in {"nationality", "languages"}:
        return getattr(case, field)
    if field == "interpreter_needed":
        return "yes" if case.interpreter_needed else "no"
    if field == "exploitation_types":
        return ", ".join(catalogue.label_of("exploitation_types", c)
                         for c in case.exploitation_types)
    if field == "methods_of_control":
        return ", ".join(catalogue.label_of("methods_of_control", c)
                         for c in case.methods_of_control)
    if field == "certification":
        cert = issued_certification(case)
        return f"{cert.reference}, issued {cert.decided_at:%d %b %Y}" if cert and \
            cert.decided_at else "not certified"
    if field == "risk_level":
        risk = case.risks.first()
        return risk.get_level_display() if risk else "not assessed"
    if field == "repatriation":
        trip = case.repatriations.exclude(status=Repatriation.Status.CANCELLED).first()
        return f"to {trip.destination_country} on {trip.travel_date:%d %b %Y}" if trip else ""
    if field == "appointment":
        return referral.appointment
    raise KeyError(field)


def referral_disclose(*, referral: Referral, actor: Any, channel: str = "page") -> dict[str, Any]:
    """What the receiving agency may see: only its service's fields, and only with consent.

    Consent is checked again on every disclosure (page, API, export): a withdrawal stops the
    next read. Reading identifying fields decrypts them and writes an audit row.
    """
    policy_for(Referral).check(actor, RESPOND, referral)
    spec = catalogue.service(referral.service)
    if spec is None:
        raise Refused(f"unknown service {referral.service!r}")
    consent = require_consent(referral.case, referral.service)
    case = referral.case
    identifying = [f for f in spec.shares if f in catalogue.IDENTIFYING_FIELDS]
    with transaction.atomic():
        identity: dict[str, Any] = (_decrypt_identity(case)
                                    if identifying else {})
        shared = {f: _shared_value(case, referral, f, identity) for f in spec.shares}
        audit_read(
            actor=actor, obj=referral,
            reason=f"{spec.name} referral (consent version {consent.version})",
            summary=(f"Referral {referral.pk} for {case.reference} read ({channel}); "
                     f"fields: {', '.join(spec.shares)}"),
        )
    return shared


def referrals_remind_overdue(*, today: dt.date | None = None) -> int:
    """Remind receiving agencies (and the requester) of open referrals past their due date."""
    today = today or timezone.localdate()
    overdue = (Referral.objects.filter(status__in=list(Referral.OPEN), due_date__lt=today)
               .exclude(reminded_on=today).select_related("agency", "case", "requested_by"))
    count = 0
    for referral in overdue:
        spec = catalogue.service(referral.service)
        name = spec.name if spec else referral.service
        with transaction.atomic():
            people = agency_staff([referral.agency.code], PROVIDER_ROLES)
            if referral.requested_by is not None:
                people.append(referral.requested_by)
            notify(recipients=people, subject=f"Overdue referral: {name}",
                   body=f"Due {referral.due_date:%d %b %Y}; still "
                        f"{referral.get_status_display().lower()}.",
                   url=reverse("cases:referral", kwargs={"pk": referral.pk}))
            Referral.objects.filter(pk=referral.pk).update(reminded_on=today)
            audit_record(actor=None, action=Action.UPDATE, obj=referral,
                         summary=f"Overdue reminder for referral {referral.pk}")
        count += 1
    return count


# ---------------------------------------------------------------- safety (item 22)

def risk_assess(*, case: VictimCase, actor: Any, level: str, assessment: str,
                measures: str, review_on: dt.date, family_abroad_at_risk: bool = False
                ) -> RiskAssessment:
    """Police assess the danger to the victim and family abroad; high risk alerts the team."""
    _check_case(actor, case)
    if actor.agency is None or actor.agency.current().code != POLICE:
        raise Refused("risk assessments are made by Police (seed 002, item 22)")
    if level not in RiskAssessment.Level.values:
        raise Refused(f"unknown risk level {level!r}")
    if not assessment.strip():
        raise Refused("describe the risk assessed")
    if level != RiskAssessment.Level.LOW and not measures.strip():
        raise Refused("record the protective measures for a medium or high risk")
    if review_on < timezone.localdate():
        raise Refused("the review date is in the past")
    with transaction.atomic():
        risk = RiskAssessment.objects.create(
            case=case, assessed_by=actor, level=level, assessment=assessment.strip(),
            measures=measures.strip(), review_on=review_on,
            family_abroad_at_risk=family_abroad_at_risk,
        )
        _event(case, actor, "safety", f"Risk assessed: {risk.get_level_display()}")
        audit_record(actor=actor, action=Action.CREATE, obj=risk,
                     summary=f"Risk assessment on {case.reference}: {level}",
                     changes={"level": level, "review_on": review_on,
                              "family_abroad_at_risk": family_abroad_at_risk})
        if level == RiskAssessment.Level.HIGH:
            notify(recipients=case_team(case), subject=f"HIGH RISK: case {case.reference}",
                   body="Police assessed the risk to the victim as high. Check the measures.",
                   url=_case_url(case))
    return risk


# ---------------------------------------------------------------- repatriation and status

def humanitarian_assess(*, case: VictimCase, actor: Any, wishes_to_return: bool,
                        safe_to_return: bool, considerations: str,
                        recommendation: str) -> HumanitarianAssessment:
    _check_case(actor, case)
    if recommendation not in HumanitarianAssessment.Recommendation.values:
        raise Refused(f"unknown recommendation {recommendation!r}")
    if not considerations.strip():
        raise Refused("record the humanitarian and compassionate considerations")
    with transaction.atomic():
        found = HumanitarianAssessment.objects.create(
            case=case, assessed_by=actor, wishes_to_return=wishes_to_return,
            safe_to_return=safe_to_return, considerations=considerations.strip(),
            recommendation=recommendation,
        )
        _event(case, actor, "repatriation",
               f"Humanitarian assessment: {found.get_recommendation_display()}")
        audit_record(actor=actor, action=Action.CREATE, obj=found,
                     summary=f"Humanitarian assessment on {case.reference}",
                     changes={"recommendation": recommendation,
                              "wishes_to_return": wishes_to_return,
                              "safe_to_return": safe_to_return})
    return found


def repatriation_plan(*, case: VictimCase, actor: Any, destination_country: str,
                      travel_date: dt.date) -> Repatriation:
    """Plan a return home after a humanitarian assessment (item 14) and task MFAT (item 15)."""
    _check_case(actor, case)
    child_gate(case)
    assessment = case.humanitarian.first()
    if assessment is None:
        raise Refused("a humanitarian assessment is needed before a repatriation can be "
                      "planned (seed 002, item 14)")
    if assessment.recommendation != HumanitarianAssessment.Recommendation.RETURN:
        raise Refused("the latest humanitarian assessment does not recommend return")
    if not assessment.wishes_to_return:
        raise Refused("the victim has not said they wish to return home")
    if not destination_country.strip():
        raise Refused("name the country of return")
    if travel_date < timezone.localdate():
        raise Refused("the travel date is in the past")
    if case.repatriations.filter(status=Repatriation.Status.PLANNED).exists():
        raise Refused("a repatriation is already planned")
    with transaction.atomic():
        trip = Repatriation.objects.create(
            case=case, assessment=assessment, planned_by=actor,
            destination_country=destination_country.strip(), travel_date=travel_date,
        )
        audit_record(actor=actor, action=Action.CREATE, obj=trip,
                     summary=f"Repatriation planned for {case.reference}",
                     changes={"destination": trip.destination_country, "travel": travel_date})
        # Item 15: MFAT notifies the country of origin. A refusal here (no consent) undoes
        # the plan too, so there is never a repatriation without its MFAT task.
        trip.mfat_task = referral_create(
            case=case, actor=actor, service=MFAT_SERVICE, agency_code="MFAT",
            appointment=f"Arrival {travel_date:%d %b %Y}",
            due_date=min(travel_date, timezone.localdate() + dt.timedelta(days=5)),
        )
        trip.save(update_fields=["mfat_task"])
        _event(case, actor, "repatriation",
               f"Repatriation to {trip.destination_country} planned; MFAT tasked")
    return trip


def repatriation_complete(*, repatriation: Repatriation, actor: Any) -> Repatriation:
    _check_case(actor, repatriation.case)
    if repatriation.status != Repatriation.Status.PLANNED:
        raise Refused("only a planned repatriation can be completed")
    with transaction.atomic():
        repatriation.status = Repatriation.Status.COMPLETED
        repatriation.save(update_fields=["status"])
        _event(repatriation.case, actor, "repatriation", "Repatriation completed")
        audit_record(actor=actor, action=Action.UPDATE, obj=repatriation,
                     summary="Repatriation completed", changes={"status": "completed"})
    return repatriation


def immigration_lodge(*, case: VictimCase, actor: Any, kind: str,
                      lodged_on: dt.date) -> ImmigrationApplication:
    """Track an application for an immigration status (item 16)."""
    _check_case(actor, case)
    if kind not in ImmigrationApplication.Kind.values:
        raise Refused(f"unknown kind of application {kind!r}")
    if lodged_on > timezone.localdate():
        raise Refused("the lodgement date is in the future")
    with transaction.atomic():
        application = ImmigrationApplication.objects.create(
            case=case, kind=kind, lodged_on=lodged_on, recorded_by=actor)
        _event(case, actor, "immigration", f"{application.get_kind_display()} lodged")
        audit_record(actor=actor, action=Action.CREATE, obj=application,
                     summary=f"Immigration application on {case.reference}",
                     changes={"kind": kind, "lodged_on": lodged_on})
    return application


def immigration_decide(*, application: ImmigrationApplication, actor: Any, status: str,
                       decided_on: dt.date, note: str = "") -> ImmigrationApplication:
    _check_case(actor, application.case)
    if application.status != ImmigrationApplication.Status.LODGED:
        raise Refused("this application is already decided")
    if status not in {ImmigrationApplication.Status.GRANTED,
                      ImmigrationApplication.Status.DECLINED,
                      ImmigrationApplication.Status.WITHDRAWN}:
        raise Refused(f"unknown decision {status!r}")
    if decided_on < application.lodged_on:
        raise Refused("the decision date is before the application was lodged")
    with transaction.atomic():
        application.status = status
        application.decided_on = decided_on
        application.decision_note = note.strip()
        application.save()
        _event(application.case, actor, "immigration",
               f"{application.get_kind_display()}: {application.get_status_display()}")
        audit_record(actor=actor, action=Action.UPDATE, obj=application,
                     summary="Immigration decision recorded", changes={"status": status})
    return application


# ---------------------------------------------------------------- justice (items 24-28)

def interview_plan(*, case: VictimCase, actor: Any, planned_for: dt.datetime,
                   interpreter_language: str = "", support_person: bool = False,
                   breaks_every_minutes: int = 45, arrangements: str = "") -> InterviewPlan:
    """Plan a victim-friendly interview (item 24): interpreter, support person, breaks."""
    _check_case(actor, case)
    if case.interpreter_needed and not interpreter_language.strip():
        raise Refused("this victim needs an interpreter: give the interpreter's language")
    if not 10 <= breaks_every_minutes <= 120:
        raise Refused("plan a break every 10 to 120 minutes")
    with transaction.atomic():
        plan = InterviewPlan.objects.create(
            case=case, planned_for=planned_for, interpreter_language=interpreter_language.strip(),
            support_person=support_person, breaks_every_minutes=breaks_every_minutes,
            arrangements=arrangements.strip(), planned_by=actor,
        )
        if case.witness_statement == "not_started":
            case.witness_statement = "planned"
            case.save(update_fields=["witness_statement"])
        _event(case, actor, "justice", f"Interview planned for {planned_for:%d %b %Y}")
        audit_record(actor=actor, action=Action.CREATE, obj=plan,
                     summary=f"Interview planned on {case.reference}")
    return plan


def witness_statement_set(*, case: VictimCase, actor: Any, status: str) -> None:
    _check_case(actor, case)
    if status not in WITNESS_STATUSES:
        raise Refused(f"unknown statement status {status!r}")
    with transaction.atomic():
        case.witness_statement = status
        case.save(update_fields=["witness_statement"])
        _event(case, actor, "justice", f"Witness statement: {WITNESS_STATUSES[status]}")
        audit_record(actor=actor, action=Action.UPDATE, obj=case,
                     summary="Witness statement status", changes={"witness_statement": status})


def court_date_add(*, case: VictimCase, actor: Any, on: dt.date, court: str, hearing: str,
                   adviser_username: str = "") -> CourtDate:
    """A hearing with the Ministry of Justice adviser assigned to the victim (item 25)."""
    _check_case(actor, case)
    adviser = None
    if adviser_username.strip():
        adviser = User.objects.filter(username=adviser_username.strip(), is_active=True).first()
        if adviser is None or adviser.agency is None or adviser.agency.current().code != "MOJ":
            raise Refused("the adviser must be an active Ministry of Justice user")
    if not court.strip() or not hearing.strip():
        raise Refused("give the court and the kind of hearing")
    with transaction.atomic():
        hearing_row = CourtDate.objects.create(case=case, on=on, court=court.strip(),
                                               hearing=hearing.strip(), adviser=adviser,
                                               recorded_by=actor)
        _event(case, actor, "justice", f"Court date {on:%d %b %Y} ({hearing_row.hearing})")
        audit_record(actor=actor, action=Action.CREATE, obj=hearing_row,
                     summary=f"Court date on {case.reference}")
    if adviser is not None:
        notify(recipients=[adviser], subject=f"You are the adviser for a hearing on {on:%d %b %Y}",
               url=_case_url(case))
    return hearing_row


def court_outcome(*, court_date: CourtDate, actor: Any, outcome: str) -> CourtDate:
    _check_case(actor, court_date.case)
    if not outcome.strip():
        raise Refused("record the outcome")
    with transaction.atomic():
        court_date.outcome = outcome.strip()
        court_date.save(update_fields=["outcome"])
        _event(court_date.case, actor, "justice", f"Outcome of {court_date.on:%d %b %Y} hearing")
        audit_record(actor=actor, action=Action.UPDATE, obj=court_date, summary="Court outcome")
    return court_date


def compensation_informed(*, case: VictimCase, actor: Any, on: dt.date) -> None:
    """Record that the victim was told of their right to seek compensation (item 28)."""
    _check_case(actor, case)
    if on > timezone.localdate():
        raise Refused("the date is in the future")
    with transaction.atomic():
        case.compensation_informed_on = on
        case.save(update_fields=["compensation_informed_on"])
        _event(case, actor, "justice", "Victim informed of compensation and reparation")
        audit_record(actor=actor, action=Action.UPDATE, obj=case,
                     summary="Compensation information given", changes={"on": on})


# ---------------------------------------------------------------- closure and export

def case_close(*, case: VictimCase, actor: Any, reason: str, note: str = "",
               referred_on: bool = False) -> VictimCase:
    """Close a case with its outcome, which feeds the Plan's measures (items 14-28)."""
    _check_case(actor, case)
    if reason not in CLOSURE_REASONS:
        raise Refused(f"unknown reason {reason!r}")
    still_open = case.referrals.filter(status__in=list(Referral.OPEN)).count()
    if still_open:
        raise Refused(f"{still_open} referral(s) are still open: complete or withdraw them first")
    received = sorted(set(case.referrals.filter(status=Referral.Status.COMPLETED)
                          .values_list("service", flat=True)))
    with transaction.atomic():
        case.status = CaseStatus.CLOSED_REFERRED if referred_on else CaseStatus.CLOSED
        case.closed_at = timezone.now()
        case.closure_reason = reason
        case.closure_note = note.strip()
        case.services_received = received
        if reason == "not_trafficking":
            case.trafficking_status = "NotAVictimOfTrafficking"
        case.save()
        _event(case, actor, "closed", f"Case closed: {CLOSURE_REASONS[reason]}")
        audit_record(actor=actor, action=Action.UPDATE, obj=case,
                     summary=f"Case {case.reference} closed",
                     changes={"status": case.status, "reason": reason,
                              "services_received": received})
    return case


def case_export_htcds(*, case: VictimCase, actor: Any, reason: str,
                      channel: str = "page") -> dict[str, Any]:
    """The case in IOM HTCDS field names, for exchange with NGOs and IOM (issue 4, item 10).

    Needs the case team's permission and the victim's consent for this purpose, checked at
    the moment of export; the export is audited as an export and as a read of identity.
    """
    _check_case(actor, case, REVEAL)
    consent = require_consent(case, HTCDS_EXPORT)
    if len(reason.strip()) < 5:
        raise Refused("say why and to whom the case is exported")
    with transaction.atomic():
        identity: dict[str, Any] = _decrypt_identity(case)
        documents = identity.get("documents", [])
        cert = issued_certification(case)
        events = list(case.events.all())
        data: dict[str, Any] = {
            "cas_CaseId": case.reference,
            "cas_Status": case.status,
            "cas_ReferringOrganisation": case.referring_agency.name if case.referring_agency
            else "",
            "cas_IncomingReferralDate": case.created_at.date().isoformat(),
            "cas_CaseOwner": case.agency.name,
            "cas_ReasonForCaseClosure": CLOSURE_REASONS.get(case.closure_reason, ""),
            "con_Consent": True,
            "prs_FirstName": identity.get("given_names", ""),
            "prs_SecondName": identity.get("family_name", ""),
            "prs_Birthdate": identity.get("date_of_birth", ""),
            "prs_Gender": case.gender,
            "prs_Citizenship": [case.nationality] if case.nationality else [],
            "prs_PrimaryLanguage": (case.languages.split(",")[0].strip()
                                    if case.languages else ""),
            "prs_IdentityNumber": documents[0]["number"] if documents else "",
            "prs_Email": identity.get("email", ""),
            "prs_MobilePhone": identity.get("phone", ""),
            "prs_MailingStreet": identity.get("address", ""),
            "vic_TraffickingStatus": ("ActualVictimOfTrafficking" if cert
                                      else case.trafficking_status),
            "vic_TraffickingStatusDecisionMakingOrg": "New Zealand Police" if cert else "",
            "vic_RelationshipToTrafficker": case.relationship_to_trafficker,
            "vic_AgeWhenTrafficked": case.age,
            "vic_MethodOfRecruitment": case.recruitment_methods,
            "vic_MethodsOfControl": case.methods_of_control,
            "vic_TypeOfExploitation": case.exploitation_types,
            "vic_LocationOfRecruitment": ", ".join(
                e.place or e.country for e in events if e.kind == "recruitment"),
            "vic_LocationOfExploitation": ", ".join(
                e.place or e.country for e in events if e.kind == "exploitation"),
            "hte_Events": [
                {"hte_Type": e.kind, "hte_City": e.place, "hte_Country": e.country,
                 "hte_Date": e.date_from.isoformat() if e.date_from else ""}
                for e in events
            ],
        }
        audit_record(actor=actor, action=Action.EXPORT, obj=case, reason=reason.strip(),
                     summary=(f"{case.reference} exported in HTCDS fields ({channel}); "
                              f"consent version {consent.version}"))
        audit_read(actor=actor, obj=case, reason=reason.strip(),
                   summary=f"Identifying details of {case.reference} read for export")
    return data

