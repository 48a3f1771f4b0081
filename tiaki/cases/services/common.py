"""Shared pieces of the case services: vocabularies, references, case history, team look-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from tiaki.accounts.models import Agency, User
from tiaki.accounts.selectors import staff_of
from tiaki.cases import catalogue
from tiaki.cases.models import (
    CaseEvent,
    Certification,
    ChildInvolvement,
    IdentifyingDetails,
    Referral,
    VictimCase,
)
from tiaki.cases.policies import (
    CASE_ROLES,
    EDIT,
)
from tiaki.core import crypto
from tiaki.core.policy import Refused, policy_for
from tiaki.core.references import next_reference

CHILD_AGE = 18
IDENTITY_KEYS = ("given_names", "family_name", "other_names", "date_of_birth", "documents",
                 "phone", "email", "address")
# Kept in English (the case history and the HTCDS export store them); pages show them
# through the catalogue.
WITNESS_STATUSES = {
    "not_started": gettext_noop("Not started"),
    "planned": gettext_noop("Interview planned"),
    "taken": gettext_noop("Statement taken"),
    "signed": gettext_noop("Statement signed"),
    "declined": gettext_noop("Victim chose not to make a statement"),
}
CLOSURE_REASONS = {
    "returned_home": gettext_noop("Returned home (repatriated)"),
    "settled_nz": gettext_noop("Remains in New Zealand with support in place"),
    "support_complete": gettext_noop("Support completed"),
    "declined_support": gettext_noop("Victim declined further support"),
    "not_trafficking": gettext_noop("Found not to be trafficking"),
    "lost_contact": gettext_noop("Lost contact"),
    "transferred": gettext_noop("Transferred to another organisation"),
}
HTCDS_EXPORT = "htcds_export"
CHILD_SERVICE = "child_protection"
MFAT_SERVICE = "country_of_origin_liaison"


# ---------------------------------------------------------------- helpers

def _next_reference(model: type[models.Model], prefix: str) -> str:
    """From a locked counter (``tiaki.core.references``), so parallel writers never clash."""
    return next_reference(model, prefix)


def _event(case: VictimCase, actor: Any, kind: str, template: str,
           params: dict[str, Any] | None = None, *,
           certification: Certification | None = None,
           referral: Referral | None = None) -> None:
    """One line of the case history: ``template`` (English, marked for the catalogue) filled
    with ``params`` (English words, names, references and dates as text), kept both as the
    English line and as template and words, so each page shows it in its own language."""
    params = {key: str(value) for key, value in (params or {}).items()}
    summary = template % params if params else template
    CaseEvent.objects.create(case=case, actor=actor if getattr(actor, "pk", None) else None,
                             kind=kind, summary=summary[:300], template=template[:300],
                             params=params, certification=certification, referral=referral)


def _english(label: Any) -> str:
    """A choice's label as stored records keep it (the case history, notices, notifications):
    in the install's own language, whatever language the page that made the change was in."""
    with override(settings.LANGUAGE_CODE):
        return str(label)


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
        raise Refused(_("unknown %(what)s: %(unknown)s") % {"what": what,
                                                           "unknown": ", ".join(unknown)})
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
            _("case %(reference)s involves a person under 18: Oranga Tamariki must "
              "acknowledge it before anything else proceeds (Immigration New Zealand practice)") % {
                "reference": case.reference})


def _age_from(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _clean_identity(identity: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(identity) - set(IDENTITY_KEYS)
    if unknown:
        raise Refused(_("unknown identifying fields: %(unknown)s") % {
            "unknown": ", ".join(sorted(unknown))})
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


def certifications_newest_first(case: VictimCase) -> models.QuerySet[Certification]:
    """A case's certifications, the latest request first (the order `latest_certification`
    and the case page's panel share)."""
    return case.certifications.order_by("-requested_at", "-pk")


def latest_certification(case: VictimCase) -> Certification | None:
    return certifications_newest_first(case).first()


def issued_certification(case: VictimCase) -> Certification | None:
    return case.certifications.filter(status=Certification.Status.ISSUED).first()


