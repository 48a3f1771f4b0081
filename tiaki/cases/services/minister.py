"""Notices to the Minister's office "as they arise" (seed 002, "Review of the Plan of Action
implementation": "The Minister of Immigration will be informed of any cases of people
trafficking as they arise").

A notice is written when a report or a screening is triaged as suspected trafficking, when
a victim case opens, and again on certification, revocation and closure. It names the
record's reference, the agency, the region, the form of exploitation and an age band; it
never carries a name, a date of birth, a document or a place finer than a region. Called
inside the caller's transaction, so the notice and the change commit together.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.audit.services import Action, audit_record
from tiaki.cases.models import Certification, MinisterNotice
from tiaki.cases.services.common import _english
from tiaki.core.notifications import Kind
from tiaki.core.services import notify

# Stored in English (the notice is the record of what was sent); the Minister's page shows
# these words through the catalogue.
NOT_RECORDED = gettext_noop("not recorded")


def age_band(age: int | None, *, child: bool | None = None) -> str:
    """Coarse enough that nobody can be recognised by it."""
    if child or (age is not None and age < 18):
        return gettext_noop("under 18")
    if age is None:
        return gettext_noop("18 or older") if child is False else gettext_noop("age unknown")
    return "18-24" if age < 25 else "25-39" if age < 40 else gettext_noop("40 or older")


def minister_notify(*, actor: Any, kind: str, reference: str, agency: str, region: str = "",
                    exploitation: str = "", band: str = "",
                    certification: Certification | None = None) -> MinisterNotice:
    label = _english(MinisterNotice.Kind(kind).label)
    region = region or NOT_RECORDED
    exploitation = exploitation or NOT_RECORDED
    band = band or gettext_noop("age unknown")
    summary = (f"{label} on {timezone.localdate():%d %B %Y}: {reference} ({agency}). "
               f"Region: {region}. Exploitation: {exploitation}. Age: {band}.")
    notice = MinisterNotice.objects.create(
        kind=kind, certification=certification, reference=reference[:40], agency=agency[:200],
        region=region[:100], exploitation=exploitation[:300], age_band=band[:20],
        summary=summary)
    audit_record(actor=actor, action=Action.CREATE, obj=notice,
                 summary=f"Anonymised notice to the Minister's office: {label} ({reference})")
    notify(kind=Kind.MINISTER,
           recipients=User.objects.filter(role_grants__role=Role.MINISTER_OFFICE,
                                           is_active=True).distinct(),
           subject=f"{label}: {reference}", body=summary, url=reverse("cases:minister"))
    return notice


def case_notice(*, actor: Any, case: Any, kind: str,
                certification: Certification | None = None) -> MinisterNotice:
    """A notice about a victim case (opened, certified, revoked, closed)."""
    from tiaki.cases import catalogue

    kinds = ", ".join(catalogue.label_of("exploitation_types", c)
                      for c in case.exploitation_types)
    region = case.report.get_region_display() if case.report_id is not None else ""
    return minister_notify(actor=actor, kind=kind, reference=case.reference,
                           agency=str(case.agency), region=region, exploitation=kinds,
                           band=age_band(case.age, child=case.is_child or None),
                           certification=certification)
