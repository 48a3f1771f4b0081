"""Consent-gated referrals to services, each agency seeing only the fields its service needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaki.accounts.models import Agency
from tiaki.audit.services import Action, audit_read, audit_record
from tiaki.cases import catalogue
from tiaki.cases.models import (
    CaseStatus,
    Certification,
    Referral,
    Repatriation,
    VictimCase,
)
from tiaki.cases.policies import (
    PROVIDER_ROLES,
    RESPOND,
    WITHDRAW,
)
from tiaki.cases.services.common import (
    CHILD_SERVICE,
    _check_case,
    _decrypt_identity,
    _english,
    _event,
    agency_staff,
    child_gate,
    issued_certification,
    latest_certification,
)
from tiaki.cases.services.consent import require_consent
from tiaki.core.notifications import Kind
from tiaki.core.policy import Refused, policy_for
from tiaki.core.services import notify

# ---------------------------------------------------------------- referrals


# The case history says "Referral to MSD accepted" with the status in lower case; these are
# those words for the catalogue.
_STATUS_WORDS = (gettext_noop("requested"), gettext_noop("accepted"), gettext_noop("in progress"),
                 gettext_noop("completed"), gettext_noop("declined"), gettext_noop("withdrawn"))


def referral_create(*, case: VictimCase, actor: Any, service: str, agency_code: str,
                    appointment: str = "", due_date: dt.date | None = None) -> Referral:
    """Refer the case to an agency for one service, after consent (items 14-28)."""
    _check_case(actor, case)
    spec = catalogue.service(service)
    if spec is None:
        raise Refused(_("unknown service %(service)s") % {"service": repr(service)})
    if agency_code not in spec.agencies:
        raise Refused(_("%(name)s is provided by %(agencies)s, not %(agency_code)s") % {
            "name": spec.name, "agencies": ", ".join(spec.agencies), "agency_code": agency_code})
    if service != CHILD_SERVICE:
        child_gate(case)
    certification = None
    if spec.requires_certification:
        latest = latest_certification(case)
        if latest is not None and latest.status == Certification.Status.REVOKED:
            raise Refused(_("certification %(reference)s was revoked: %(name)s needs a Police "
                            "certification") % {"reference": latest.reference, "name": spec.name})
        certification = issued_certification(case)
        if certification is None:
            raise Refused(_("%(name)s is for Police-certified victims: this person is not "
                            "certified (Plan of Action)") % {"name": spec.name})
    consent = require_consent(case, service)
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise Refused(_("agency %(agency_code)s is not loaded") % {"agency_code": agency_code})
    if case.referrals.filter(service=service, agency=agency,
                             status__in=list(Referral.OPEN)).exists():
        raise Refused(_("%(agency)s already has an open referral for %(name)s") % {
            "agency": agency, "name": spec.name})
    today = timezone.localdate()
    due = due_date or today + dt.timedelta(days=spec.due_days)
    if due < today:
        raise Refused(_("the due date is in the past"))
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case, service=service, agency=agency, consent=consent,
            certification=certification, requested_by=actor, due_date=due,
            appointment=appointment.strip(),
        )
        _event(case, actor, "referral", gettext_noop("Referred to %(agency)s for %(service)s"),
               {"agency": agency, "service": spec.name}, referral=referral)
        audit_record(actor=actor, action=Action.CREATE, obj=referral,
                     summary=f"{case.reference} referred to {agency.code} for {service}",
                     changes={"service": service, "agency": agency.code,
                              "consent_version": consent.version, "due": due})
        notify(kind=Kind.REFERRAL, recipients=agency_staff([agency.code], PROVIDER_ROLES),
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
    label = _english(Referral.Status(status).label).lower()
    _event(referral.case, actor, "referral", gettext_noop("Referral to %(agency)s %(status)s"),
           {"agency": referral.agency, "status": label}, referral=referral)
    audit_record(actor=actor, action=Action.UPDATE, obj=referral,
                 summary=f"Referral {referral.pk} {label}", changes={"status": status})


def referral_respond(*, referral: Referral, actor: Any, step: str,
                     outcome: str = "") -> Referral:
    """The receiving agency moves a referral: accept, start, complete (outcome), decline."""
    policy_for(Referral).check(actor, RESPOND, referral)
    cert = referral.certification
    if cert is not None and cert.status == Certification.Status.REVOKED:
        raise Refused(_("certification %(reference)s was revoked: this referral cannot go on")
                      % {"reference": cert.reference})
    moves = TRANSITIONS.get(step)
    if moves is None:
        raise Refused(_("unknown step %(step)s") % {"step": repr(step)})
    new = moves.get(referral.status)
    if new is None:
        raise Refused(_("a %(status)s referral cannot take the step %(step)s") % {
            "status": referral.get_status_display().lower(), "step": repr(step)})
    if step in {"complete", "decline"} and not outcome.strip():
        raise Refused(_("record the outcome") if step == "complete" else _("say why you decline"))
    with transaction.atomic():
        referral.status = new
        referral.handled_by = actor
        referral.updated_at = timezone.now()
        if outcome.strip():
            referral.outcome = outcome.strip()
        referral.save()
        label = _english(Referral.Status(referral.status).label).lower()
        _event(referral.case, actor, "referral",
               gettext_noop("Referral to %(agency)s %(status)s"),
               {"agency": referral.agency, "status": label}, referral=referral)
        audit_record(actor=actor, action=Action.UPDATE, obj=referral,
                     summary=f"Referral {referral.pk} {label}", changes={"status": new})
        notify(kind=Kind.REFERRAL, recipients=[u for u in [referral.requested_by] if u is not None],
               subject=f"Referral to {referral.agency} {label}",
               url=reverse("cases:referral", kwargs={"pk": referral.pk}))
    return referral


def referral_withdraw(*, referral: Referral, actor: Any, reason: str) -> Referral:
    policy_for(Referral).check(actor, WITHDRAW, referral)
    if not reason.strip():
        raise Refused(_("say why the referral is withdrawn"))
    with transaction.atomic():
        _close_referral(referral, actor, Referral.Status.WITHDRAWN, reason.strip())
    notify(kind=Kind.REFERRAL, recipients=agency_staff([referral.agency.code], PROVIDER_ROLES),
           subject="A referral was withdrawn",
           url=reverse("cases:referral", kwargs={"pk": referral.pk}))
    return referral


def _shared_value(case: VictimCase, referral: Referral, field: str,
                  identity: Mapping[str, Any]) -> Any:
    if field == "reference":
        return case.reference
    if field == "names":
        return " ".join(p for p in [identity.get("given_names"), identity.get("family_name")]
                        if p) + (_(" (also: %(other_names)s)") % {
                                     "other_names": identity["other_names"]}
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
        return _("yes") if case.is_child else _("no")
    if field == "gender":
        return case.get_gender_display()
    if field in {"nationality", "languages"}:
        return getattr(case, field)
    if field == "interpreter_needed":
        return _("yes") if case.interpreter_needed else _("no")
    if field == "exploitation_types":
        return ", ".join(catalogue.label_of("exploitation_types", c)
                         for c in case.exploitation_types)
    if field == "methods_of_control":
        return ", ".join(catalogue.label_of("methods_of_control", c)
                         for c in case.methods_of_control)
    if field == "certification":
        cert = issued_certification(case)
        # Shown in the install's time zone, as the certificate itself prints it.
        return (_("%(reference)s, issued %(date)s") % {
            "reference": cert.reference,
            "date": date_format(timezone.localtime(cert.decided_at), "d M Y")}
            if cert and cert.decided_at else _("not certified"))
    if field == "risk_level":
        risk = case.risks.first()
        return risk.get_level_display() if risk else _("not assessed")
    if field == "repatriation":
        trip = case.repatriations.exclude(status=Repatriation.Status.CANCELLED).first()
        return _("to %(country)s on %(date)s") % {
            "country": trip.destination_country,
            "date": date_format(trip.travel_date, "d M Y")} if trip else ""
    if field == "appointment":
        return referral.appointment
    raise KeyError(field)


CLOSED_CASE = frozenset({CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED})


def referral_disclosure_refusal(referral: Referral) -> str | None:
    """Why the receiving agency may not (or may no longer) see the referral's shared fields.

    The one check behind every disclosure (page, API, any export), made against the
    referral's, the consent's and the case's current rows in the database.
    """
    try:
        _disclosure_state(referral)
    except Refused as refused:
        return str(refused)
    return None


def _disclosure_state(referral: Referral) -> tuple[Referral, VictimCase, Any]:
    current = (Referral.objects.select_related("case", "agency")
               .filter(pk=referral.pk).first())
    if current is None:
        raise Refused(_("the referral no longer exists; nothing is shared"))
    if current.status not in Referral.OPEN:
        raise Refused(_("the referral is %(status)s; nothing more is shared") % {
            "status": current.get_status_display().lower()})
    case = current.case
    if case.status in CLOSED_CASE:
        raise Refused(_("case %(reference)s is closed; nothing more is shared") % {
            "reference": case.reference})
    consent = require_consent(case, current.service)
    return current, case, consent


def referral_disclose(*, referral: Referral, actor: Any, channel: str = "page") -> dict[str, Any]:
    """What the receiving agency may see: only its service's fields, and only with consent.

    Consent is checked again on every disclosure (page, API, export): a withdrawal stops the
    next read. Reading identifying fields decrypts them and writes an audit row.
    """
    policy_for(Referral).check(actor, RESPOND, referral)
    spec = catalogue.service(referral.service)
    if spec is None:
        raise Refused(_("unknown service %(service)s") % {"service": repr(referral.service)})
    identifying = [f for f in spec.shares if f in catalogue.IDENTIFYING_FIELDS]
    with transaction.atomic():
        # The state is read again inside the transaction that decrypts, never taken from
        # the caller's (possibly stale) objects: a withdrawal, a declined or finished
        # referral, a withdrawn consent or a closed case ends the disclosure at the next read.
        referral, case, consent = _disclosure_state(referral)
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
            notify(kind=Kind.REFERRAL, recipients=people, subject=f"Overdue referral: {name}",
                   body=f"Due {referral.due_date:%d %b %Y}; still "
                        f"{_english(Referral.Status(referral.status).label).lower()}.",
                   url=reverse("cases:referral", kwargs={"pk": referral.pk}))
            Referral.objects.filter(pk=referral.pk).update(reminded_on=today)
            audit_record(actor=None, action=Action.UPDATE, obj=referral,
                         summary=f"Overdue reminder for referral {referral.pk}")
        count += 1
    return count


