"""Opening a case, its identifying details, its team and Oranga Tamariki for children (seed 004)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaki.accounts.models import Agency, User
from tiaki.audit.services import Action, audit_read, audit_record
from tiaki.cases.models import (
    CaseMember,
    ChildInvolvement,
    IdentifyingDetails,
    MinisterNotice,
    TraffickingEvent,
    VictimCase,
)
from tiaki.cases.policies import (
    ACKNOWLEDGE,
    CASE_ROLES,
    ORANGA_TAMARIKI,
    PROVIDER_ROLES,
    REVEAL,
)
from tiaki.cases.services.common import (
    CHILD_AGE,
    _age_from,
    _case_url,
    _check_case,
    _clean_identity,
    _clean_list,
    _decrypt_identity,
    _event,
    _next_reference,
    agency_staff,
    case_team,
)
from tiaki.cases.services.minister import case_notice
from tiaki.core import crypto
from tiaki.core.notifications import Kind
from tiaki.core.policy import Refused, policy_for, visible
from tiaki.core.services import notify

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
        raise Refused(_("only an investigator, senior officer or case manager may open a case"))
    details = _clean_identity(identity)
    today = timezone.localdate()
    if age is None and details.get("date_of_birth"):
        try:
            birth = dt.date.fromisoformat(details["date_of_birth"])
        except ValueError as exc:
            raise Refused(_("the date of birth is not a date (use YYYY-MM-DD)")) from exc
        if birth > today:
            raise Refused(_("the date of birth is in the future"))
        age = _age_from(birth, today)
    if age is not None and not 0 <= age <= 120:
        raise Refused(_("the age must be between 0 and 120"))
    is_child = apparent_child or (age is not None and age < CHILD_AGE)
    if relationship_to_trafficker:
        _clean_list([relationship_to_trafficker], "relationships_to_trafficker",
                    "relationship to trafficker")
    cleaned_events = []
    for event in events:
        kind = event.get("kind", "")
        if kind not in TraffickingEvent.Kind.values:
            raise Refused(_("unknown kind of place %(kind)s") % {"kind": repr(kind)})
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
            **source_links(actor, source_report, source_screening),
        )
        IdentifyingDetails.objects.create(case=case, ciphertext=crypto.encrypt_json(details))
        for event in cleaned_events:
            TraffickingEvent.objects.create(
                case=case, kind=event["kind"], place=str(event.get("place", "")).strip(),
                country=str(event.get("country", "")).strip(),
                date_from=event.get("date_from"), date_to=event.get("date_to"),
            )
        _event(case, actor, "opened", gettext_noop("Case opened by %(agency)s"),
               {"agency": actor.agency})
        audit_record(actor=actor, action=Action.CREATE, obj=case,
                     summary=f"Victim case {case.reference} opened",
                     changes={"reference": case.reference, "age": age, "is_child": is_child,
                              "identifying_fields": sorted(details)})
        if is_child:
            _involve_oranga_tamariki(case, actor)
        case_notice(actor=actor, case=case, kind=MinisterNotice.Kind.CASE_OPENED)
    return case


def _by_reference(actor: Any, model: Any, text: str, prefix: str) -> Any:
    number = text.strip().upper().removeprefix(prefix)
    if not number.isdigit():
        return None
    return visible(actor, model).filter(pk=int(number)).first()


def source_links(actor: Any, source_report: str, source_screening: str) -> dict[str, Any]:
    """Keys for the report, screening and border alert a case starts from, where they are
    in Tiaki and the actor may see them (a paper referral keeps its text reference only).
    A screening brings its report, and a report made from a border alert brings the alert."""
    from tiaki.intake.models import Report, Screening

    screening = _by_reference(actor, Screening, source_screening, "S-")
    report = _by_reference(actor, Report, source_report, "R-")
    if report is None and screening is not None and screening.report_id is not None:
        report = visible(actor, Report).filter(pk=screening.report_id).first()
    disposition = getattr(report, "alert_disposition", None) if report is not None else None
    return {"report": report, "screening": screening,
            "alert": disposition.alert if disposition is not None else None}


def _involve_oranga_tamariki(case: VictimCase, actor: Any) -> None:
    """Seed 004: "When children are involved, Oranga Tamariki works closely with New Zealand
    Police or MBIE". Called inside the caller's transaction."""
    ChildInvolvement.objects.get_or_create(case=case)
    _event(case, actor, "child", gettext_noop("Person under 18: Oranga Tamariki notified"))
    audit_record(actor=actor, action=Action.CREATE, object_type="cases.childinvolvement",
                 object_id=str(case.pk), summary=f"Oranga Tamariki notified of {case.reference}")
    notify(kind=Kind.CASE, recipients=agency_staff([ORANGA_TAMARIKI], PROVIDER_ROLES),
           subject=f"Child in trafficking case {case.reference}: acknowledge",
           body="A case involves a person under 18. Please acknowledge it in Tiaki.",
           url=reverse("cases:children"))


def identity_reveal(*, case: VictimCase, actor: Any, reason: str,
                    channel: str = "page") -> dict[str, Any]:
    """Decrypt the identifying details for the case team, writing an audit row every time."""
    _check_case(actor, case, REVEAL)
    reason = reason.strip()
    if len(reason) < 5:
        raise Refused(_("say why you need the identifying details"))
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
            raise Refused(_("the date of birth is not a date (use YYYY-MM-DD)")) from exc
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
        _event(case, actor, "identity", gettext_noop("Identifying details updated"))
        audit_record(actor=actor, action=Action.UPDATE, obj=case,
                     summary=f"Identifying details of {case.reference} updated",
                     changes={"identifying_fields": sorted(details)})


def member_add(*, case: VictimCase, actor: Any, username: str) -> CaseMember:
    _check_case(actor, case)
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise Refused(_("no active user called %(username)s") % {
            "username": repr(username.strip())})
    if CaseMember.objects.filter(case=case, user=user).exists():
        raise Refused(_("%(username)s is already on the case team") % {
            "username": user.username})
    with transaction.atomic():
        member = CaseMember.objects.create(case=case, user=user, added_by=actor)
        _event(case, actor, "team",
               gettext_noop("%(username)s (%(agency)s) added to the case team"),
               {"username": user.username, "agency": user.agency})
        audit_record(actor=actor, action=Action.CREATE, obj=member,
                     summary=f"{user.username} added to {case.reference}")
    notify(kind=Kind.CASE, recipients=[user], subject=f"You were added to case {case.reference}",
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
        _event(involvement.case, actor, "child",
               gettext_noop("Oranga Tamariki acknowledged the case"))
        audit_record(actor=actor, action=Action.UPDATE, obj=involvement,
                     summary=f"Oranga Tamariki acknowledged {involvement.case.reference}")
    notify(kind=Kind.CASE, recipients=case_team(involvement.case),
           subject=f"Oranga Tamariki acknowledged {involvement.case.reference}",
           url=_case_url(involvement.case))


