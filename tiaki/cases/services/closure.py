"""Closing a case, and the audited HTCDS export."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaki.audit.services import Action, audit_read, audit_record
from tiaki.cases.models import (
    CaseStatus,
    MinisterNotice,
    Referral,
    VictimCase,
)
from tiaki.cases.policies import (
    REVEAL,
)
from tiaki.cases.services.common import (
    CLOSURE_REASONS,
    HTCDS_EXPORT,
    _check_case,
    _decrypt_identity,
    _event,
    issued_certification,
)
from tiaki.cases.services.consent import require_consent
from tiaki.cases.services.minister import case_notice
from tiaki.core.policy import Refused

# ---------------------------------------------------------------- closure and export

def case_close(*, case: VictimCase, actor: Any, reason: str, note: str = "",
               referred_on: bool = False) -> VictimCase:
    """Close a case with its outcome, which feeds the Plan's measures (items 14-28)."""
    _check_case(actor, case)
    if reason not in CLOSURE_REASONS:
        raise Refused(_("unknown reason %(reason)s") % {"reason": repr(reason)})
    still_open = case.referrals.filter(status__in=list(Referral.OPEN)).count()
    if still_open:
        raise Refused(_("%(still_open)s referral(s) are still open: complete or withdraw them "
                        "first") % {"still_open": still_open})
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
        _event(case, actor, "closed", gettext_noop("Case closed: %(reason)s"),
               {"reason": CLOSURE_REASONS[reason]})
        audit_record(actor=actor, action=Action.UPDATE, obj=case,
                     summary=f"Case {case.reference} closed",
                     changes={"status": case.status, "reason": reason,
                              "services_received": received})
        case_notice(actor=actor, case=case, kind=MinisterNotice.Kind.CLOSED)
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
        raise Refused(_("say why and to whom the case is exported"))
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

