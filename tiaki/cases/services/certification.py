"""Police certification of a victim: request, senior endorsement, decline, revocation (item 13)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaki.accounts.roles import Role
from tiaki.audit.services import Action, audit_record
from tiaki.cases import catalogue
from tiaki.cases.models import (
    Certification,
    MinisterNotice,
    Referral,
    TraffickingStatus,
    VictimCase,
)
from tiaki.cases.policies import (
    ENDORSE,
    POLICE,
    REQUEST_CERT,
    REVOKE,
)
from tiaki.cases.services.common import (
    _case_url,
    _check_case,
    _event,
    _next_reference,
    agency_staff,
    case_team,
    child_gate,
)
from tiaki.cases.services.minister import case_notice
from tiaki.cases.services.referrals import _close_referral
from tiaki.core.notifications import Kind
from tiaki.core.policy import Refused, policy_for
from tiaki.core.services import notify

# ---------------------------------------------------------------- certification

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
        raise Refused(_("certification %(reference)s is already %(status)s") % {
            "reference": active.reference, "status": active.get_status_display().lower()})
    cleaned: dict[str, dict[str, Any]] = {}
    for element in catalogue.s98d_elements():
        given = assessment.get(element.code) or {}
        allowed = {t.code for t in element.values}
        findings = sorted({f for f in given.get("findings", []) if f})
        unknown = [f for f in findings if f not in allowed]
        if unknown:
            raise Refused(_("%(label)s: unknown finding %(unknown)s") % {
                "label": element.label, "unknown": ", ".join(unknown)})
        evidence = str(given.get("evidence", "")).strip()
        # Palermo art. 3(c): for a child the means need not be shown (see the legal test file).
        optional = element.code == "means" and case.is_child
        if not optional and (not findings or not evidence):
            raise Refused(_("%(label)s: record what was found and the evidence for it") % {
                "label": element.label})
        cleaned[element.code] = {"findings": findings, "evidence": evidence}
    with transaction.atomic():
        cert = Certification.objects.create(
            case=case, reference=_next_reference(Certification, "PC"), requested_by=actor,
            assessment=cleaned, witness_statements=witness_statements.strip(),
        )
        _event(case, actor, "certification", gettext_noop("Certification %(reference)s requested"),
               {"reference": cert.reference}, certification=cert)
        audit_record(actor=actor, action=Action.CREATE, obj=cert,
                     summary=f"Certification {cert.reference} requested for {case.reference}",
                     changes={"findings": {k: v["findings"] for k, v in cleaned.items()}})
        seniors = [u for u in agency_staff([POLICE], [Role.SENIOR_OFFICER]) if u.pk != actor.pk]
        notify(recipients=seniors, subject=f"Certification {cert.reference} awaits endorsement",
               kind=Kind.CERTIFICATION,
               url=reverse("cases:certification", kwargs={"reference": cert.reference}))
    return cert


def certification_endorse(*, certification: Certification, actor: Any,
                          note: str = "") -> Certification:
    """A senior officer who did not request it endorses the certification (seed 002)."""
    policy_for(Certification).check(actor, ENDORSE, certification)
    case = certification.case
    if case.is_closed:
        raise Refused(_("case %(reference)s is closed") % {"reference": case.reference})
    child_gate(case)
    with transaction.atomic():
        certification.status = Certification.Status.ISSUED
        certification.endorsed_by = actor
        certification.decided_at = timezone.now()
        certification.decision_note = note.strip()
        certification.save()
        # The case says what the certificate says (HTCDS vic_TraffickingStatus).
        case.trafficking_status = TraffickingStatus.ACTUAL
        case.save(update_fields=["trafficking_status"])
        _event(case, actor, "certification",
               gettext_noop("Certification %(reference)s endorsed and issued"),
               {"reference": certification.reference}, certification=certification)
        audit_record(actor=actor, action=Action.UPDATE, obj=certification,
                     summary=f"Certification {certification.reference} issued",
                     changes={"status": "issued"})
        case_notice(actor=actor, case=case, kind=MinisterNotice.Kind.CERTIFIED,
                    certification=certification)
        notify(kind=Kind.CERTIFICATION, recipients=case_team(case),
               subject=f"Certification {certification.reference} issued", url=_case_url(case))
    return certification


def certification_decline(*, certification: Certification, actor: Any,
                          note: str) -> Certification:
    policy_for(Certification).check(actor, ENDORSE, certification)
    if not note.strip():
        raise Refused(_("say why the certification is declined"))
    with transaction.atomic():
        certification.status = Certification.Status.DECLINED
        certification.endorsed_by = actor
        certification.decided_at = timezone.now()
        certification.decision_note = note.strip()
        certification.save()
        _event(certification.case, actor, "certification",
               gettext_noop("Certification %(reference)s declined"),
               {"reference": certification.reference}, certification=certification)
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
        raise Refused(_("give the reason for revoking the certification"))
    case = certification.case
    with transaction.atomic():
        certification.status = Certification.Status.REVOKED
        certification.revoked_by = actor
        certification.revoked_at = timezone.now()
        certification.revoke_reason = reason
        certification.save()
        # Revocation means Police found the person was not trafficked (see above).
        case.trafficking_status = TraffickingStatus.NOT_VICTIM
        case.save(update_fields=["trafficking_status"])
        case_notice(actor=actor, case=case, kind=MinisterNotice.Kind.REVOKED,
                    certification=certification)
        _event(case, actor, "certification", gettext_noop("Certification %(reference)s revoked"),
               {"reference": certification.reference}, certification=certification)
        audit_record(actor=actor, action=Action.UPDATE, obj=certification,
                     summary=f"Certification {certification.reference} revoked",
                     changes={"status": "revoked"}, reason=reason)
        # Services that depend on certification end with it.
        dependent = case.referrals.filter(status__in=list(Referral.OPEN),
                                          certification=certification)
        for referral in dependent:
            _close_referral(referral, actor, Referral.Status.WITHDRAWN,
                            f"Certification {certification.reference} was revoked")
    notify(kind=Kind.CERTIFICATION, recipients=case_team(case),
           subject=f"Certification {certification.reference} revoked", url=_case_url(case))
    return certification




def certificate_pdf_export(*, certification: Certification, actor: Any) -> bytes:
    """The certificate as a PDF; every download is in the audit trail (who took a copy of
    which certificate, and when)."""
    from tiaki.cases.pdf import certificate_pdf

    data = certificate_pdf(certification)
    audit_record(actor=actor, action=Action.EXPORT, obj=certification,
                 summary=f"Certificate {certification.reference} downloaded as PDF",
                 changes={"format": "pdf", "bytes": len(data)})
    return data
