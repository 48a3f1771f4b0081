"""The victim's consent, recorded per purpose and versioned; checked again on every disclosure."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaki.audit.services import Action, audit_record
from tiaki.cases import catalogue
from tiaki.cases.models import (
    Consent,
    VictimCase,
)
from tiaki.cases.services.common import _check_case, _event
from tiaki.core.policy import Refused

# ---------------------------------------------------------------- consent

def consent_current(case: VictimCase, purpose: str) -> Consent | None:
    return case.consents.filter(purpose=purpose).order_by("-version").first()


def consents_current(case: VictimCase) -> dict[str, Consent]:
    """The current version of the victim's consent for each purpose asked about, in one
    query (the case page showed one query per purpose: 14 of its 45, issue 16)."""
    current: dict[str, Consent] = {}
    for consent in case.consents.order_by("purpose", "-version"):
        current.setdefault(consent.purpose, consent)
    return current


def consent_record(*, case: VictimCase, actor: Any, purpose: str, granted: bool,
                   how_obtained: str = "") -> Consent:
    """Record a new version of the victim's consent for one purpose (grant or withdrawal)."""
    _check_case(actor, case)
    if purpose not in catalogue.catalogue().purposes():
        raise Refused(_("unknown purpose %(purpose)s") % {"purpose": repr(purpose)})
    current = consent_current(case, purpose)
    if current is not None and current.granted == granted:
        raise Refused(_("consent for this purpose is already given") if granted
                      else _("consent for this purpose is already withdrawn"))
    if current is None and not granted:
        raise Refused(_("consent for this purpose was never given"))
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case, purpose=purpose, version=(current.version + 1) if current else 1,
            granted=granted, recorded_by=actor, how_obtained=how_obtained.strip(),
        )
        name = catalogue.catalogue().purposes()[purpose]
        verb = "given" if granted else "withdrawn"
        _event(case, actor, "consent",
               gettext_noop("Consent given: %(name)s (version %(version)s)") if granted
               else gettext_noop("Consent withdrawn: %(name)s (version %(version)s)"),
               {"name": name, "version": consent.version})
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
        raise Refused(_("the victim has not consented to sharing for: %(name)s") % {"name": name})
    if not consent.granted:
        raise Refused(_("the victim withdrew consent for: %(name)s; nothing more may be shared")
                      % {"name": name})
    return consent


