"""The record classes the retention schedule can name, and how each is disposed of.

The schedule file (``data/legal/<cc>/retention.yaml``) says how long and which action; this
module says what a class is: its model, the event that starts its clock, the actions it
supports, how a record is named, and what "anonymise" removes. Anonymising keeps the row and
the coded facts the Plan's measures count (``tiaki.cases.metrics``, ``tiaki.intake.metrics``,
``tiaki.screening.metrics``, ``tiaki.investigations.metrics``) and removes names, identities,
contact details, people links and free text (Privacy Act 2020, IPP 9).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RecordClass:
    code: str
    label: Any  # a lazy translation
    model_label: str  # "app.Model"
    trigger: str
    trigger_label: Any
    actions: frozenset[str]
    # The queryset of records whose clock started before ``cutoff``.
    started_before: Callable[[dt.datetime], models.QuerySet[Any]]
    reference: Callable[[Any], str]
    # The rows named by a reference a person types ("VC-2026-0001", "R-000012").
    lookup: Callable[[str], models.QuerySet[Any]]
    agency_path: str = ""  # the lookup from the record to its owning agency
    anonymise: Callable[[Any], None] | None = None
    destroy: Callable[[Any], None] | None = None
    holdable: bool = True
    after_run: Callable[[dt.datetime], None] | None = None
    # Fields the anonymised row keeps, listed for the page and the docs.
    kept: tuple[str, ...] = field(default=())

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


def _model(label: str) -> Any:
    return apps.get_model(label)


def _by_pk(label: str, prefix: str) -> Callable[[str], models.QuerySet[Any]]:
    """Lookup for references printed as PREFIX-000123 from the primary key."""

    def lookup(text: str) -> models.QuerySet[Any]:
        rows = _model(label).objects.all()
        match = re.fullmatch(rf"(?:{re.escape(prefix)}-?)?0*(\d{{1,12}})", text.strip(),
                             re.IGNORECASE)
        return rows.filter(pk=int(match.group(1))) if match else rows.none()

    return lookup


def _by_reference(label: str) -> Callable[[str], models.QuerySet[Any]]:
    def lookup(text: str) -> models.QuerySet[Any]:
        return _model(label).objects.filter(reference__iexact=text.strip())

    return lookup


# --------------------------------------------------------------------------- public reports


def _reports_due(cutoff: dt.datetime) -> models.QuerySet[Any]:
    report = _model("intake.Report")
    return report.objects.filter(status=report.Status.CLOSED, closed_at__lt=cutoff)


def _report_destroy(report: Any) -> None:
    from tiaki.intake.services import _discard

    files = [a.file.name for a in report.attachments.all()]
    report.delete()
    transaction.on_commit(lambda names=files: _discard(names))  # type: ignore[misc]


def _reports_after(now: dt.datetime) -> None:
    from tiaki.intake import pow as proof

    proof.forget_expired(now)


# --------------------------------------------------------------------------- victim cases


def _cases_due(cutoff: dt.datetime) -> models.QuerySet[Any]:
    case = _model("cases.VictimCase")
    return case.objects.filter(status__in=["Closed", "ClosedReferred"], closed_at__lt=cutoff)


def _case_anonymise(case: Any) -> None:
    """Remove who the victim is and what was written about them; keep what is counted
    (status, trafficking status, age and child flag, gender, nationality, exploitation
    types, closure reason, services received, and the dated, coded child rows)."""
    from tiaki.cases import models as m

    m.IdentifyingDetails.objects.filter(case=case).delete()
    m.CaseMember.objects.filter(case=case).delete()
    m.CaseEvent.objects.filter(case=case).delete()
    m.TraffickingEvent.objects.filter(case=case).update(place="")
    m.ChildInvolvement.objects.filter(case=case).update(note="", acknowledged_by=None)
    m.Certification.objects.filter(case=case).update(
        assessment={}, witness_statements="", decision_note="", revoke_reason="",
        requested_by=None, endorsed_by=None, revoked_by=None)
    m.Consent.objects.filter(case=case).update(how_obtained="", recorded_by=None)
    m.Referral.objects.filter(case=case).update(appointment="", outcome="", requested_by=None,
                                                handled_by=None)
    m.RiskAssessment.objects.filter(case=case).update(assessment="", measures="",
                                                      assessed_by=None)
    m.HumanitarianAssessment.objects.filter(case=case).update(considerations="",
                                                              assessed_by=None)
    m.Repatriation.objects.filter(case=case).update(planned_by=None)
    m.ImmigrationApplication.objects.filter(case=case).update(decision_note="",
                                                              recorded_by=None)
    m.InterviewPlan.objects.filter(case=case).update(arrangements="", planned_by=None)
    # The adviser stays: "with or without an adviser" is a Plan measure (court support).
    m.CourtDate.objects.filter(case=case).update(outcome="", recorded_by=None)
    m.VictimCase.objects.filter(pk=case.pk).update(
        created_by=None, languages="", relationship_to_trafficker="", source_report="",
        source_screening="", report=None, screening=None, alert=None, closure_note="",
        methods_of_control=[], recruitment_methods=[])


# --------------------------------------------------------------------------- investigations


def _investigations_due(cutoff: dt.datetime) -> models.QuerySet[Any]:
    investigation = _model("investigations.Investigation")
    return investigation.objects.filter(status=investigation.Status.CLOSED,
                                        closed_at__lt=cutoff)


def _investigation_anonymise(inv: Any) -> None:
    """Remove suspects' names and identifiers and every free-text note; keep the coded
    record (offences, charge and appeal outcomes, sentences, dates, closure reason)."""
    from tiaki.investigations import models as m

    m.Suspect.objects.filter(investigation=inv).update(
        name="(anonymised)", registration_number="", role="", added_by=None)
    m.Charge.objects.filter(suspect__investigation=inv).update(particulars="", decision_note="",
                                                               laid_by=None)
    m.Sentence.objects.filter(charge__suspect__investigation=inv).update(detail="",
                                                                         recorded_by=None)
    m.Appeal.objects.filter(charge__suspect__investigation=inv).update(note="",
                                                                       recorded_by=None)
    m.Hearing.objects.filter(investigation=inv).update(outcome="", recorded_by=None)
    m.Communication.objects.filter(investigation=inv).update(summary="", actor=None)
    m.Task.objects.filter(investigation=inv).update(detail="", outcome="")
    m.Interview.objects.filter(investigation=inv).update(note="")
    m.Link.objects.filter(investigation=inv).update(note="", linked_by=None)
    m.Exhibit.objects.filter(investigation=inv).update(description="(anonymised)",
                                                       seized_from="")
    m.CustodyEntry.objects.filter(exhibit__investigation=inv).update(purpose="",
                                                                     recorded_by=None)
    m.Disclosure.objects.filter(investigation=inv).update(item="(anonymised)", reason="")
    m.Event.objects.filter(investigation=inv).update(summary="", actor=None)
    m.Investigation.objects.filter(pk=inv.pk).update(title=inv.reference, summary="",
                                                     closure_note="", opened_by=None)


# --------------------------------------------------------------------------- intelligence


def _intel_due(cutoff: dt.datetime) -> models.QuerySet[Any]:
    return _model("intelligence.Report").objects.filter(created_at__lt=cutoff)


def _intel_anonymise(report: Any) -> None:
    """Remove the report's text, entities' details and judgement reasons; keep its grades,
    handling, release and the record of what was disseminated (and to whom)."""
    from tiaki.intelligence import models as m

    entities = m.Entity.objects.filter(report=report)
    m.Judgement.objects.filter(models.Q(left__in=entities) | models.Q(right__in=entities)) \
        .update(reason="")
    m.WatchlistNomination.objects.filter(entity__in=entities).update(phone="", reason="")
    m.Link.objects.filter(report=report).update(label="")
    entities.update(properties={}, caption="(anonymised)", created_by=None)
    m.Report.objects.filter(pk=report.pk).update(title=report.reference, text="",
                                                 provenance={}, author=None)


# --------------------------------------------------------------------------- screenings


def _screenings_due(cutoff: dt.datetime) -> models.QuerySet[Any]:
    return _model("intake.Screening").objects.filter(decided_at__lt=cutoff)


def _screening_anonymise(screening: Any) -> None:
    """Remove who was screened and what was written; keep the indicators, recommendation,
    decision, age and agency the screening measures count."""
    _model("intake.Screening").objects.filter(pk=screening.pk).update(
        subject_label="(anonymised)", setting="", notes="", decision_note="", facts={},
        official=None)


# --------------------------------------------------------------------------- travellers


def _travellers_due(cutoff: dt.datetime) -> models.QuerySet[Any]:
    traveller = _model("screening.Traveller")
    # A traveller whose alert is still to be decided is kept until it is decided.
    return traveller.objects.filter(created_at__lt=cutoff).exclude(alerts__decided=False)


def _traveller_anonymise(traveller: Any) -> None:
    """Remove names, documents, contacts and itineraries; keep kind, nationality, sex, ports,
    dates and post (the border measures count travellers and alerts by post and source)."""
    _model("screening.Alert").objects.filter(traveller=traveller).update(explanation="")
    _model("screening.Traveller").objects.filter(pk=traveller.pk).update(
        fingerprint=f"anonymised:{traveller.pk}", external_id="", full_name="", family_name="",
        given_names="", name_latin="", other_names=[], date_of_birth="", document_type="",
        document_number="", document_issuer="", document_expiry="", itinerary=[], parties=[],
        phones=[], emails=[], address="", extra=[], source_line=None)


# --------------------------------------------------------------------------- audit rows


def _audit_due(cutoff: dt.datetime) -> models.QuerySet[Any]:
    return _model("audit.AuditEvent").objects.filter(at__lt=cutoff)


_CLASSES = (
    RecordClass("public_reports", _("Public reports"), "intake.Report", "report_closed",
                _("report closed"), frozenset({"destroy"}), _reports_due,
                lambda r: r.reference, _by_pk("intake.Report", "R"), "routes__agency",
                destroy=_report_destroy, after_run=_reports_after),
    RecordClass("victim_cases", _("Victim cases"), "cases.VictimCase", "case_closed",
                _("case closed"), frozenset({"anonymise"}), _cases_due,
                lambda c: c.reference, _by_reference("cases.VictimCase"), "agency",
                anonymise=_case_anonymise,
                kept=("status", "trafficking_status", "age", "is_child", "gender",
                      "nationality", "exploitation_types", "closure_reason",
                      "services_received")),
    RecordClass("investigations", _("Investigations"), "investigations.Investigation",
                "investigation_concluded", _("investigation concluded"),
                frozenset({"anonymise"}), _investigations_due, lambda i: i.reference,
                _by_reference("investigations.Investigation"), "lead_agency",
                anonymise=_investigation_anonymise),
    RecordClass("intelligence_reports", _("Intelligence reports"), "intelligence.Report",
                "report_recorded", _("report recorded"), frozenset({"anonymise"}),
                _intel_due, lambda r: r.reference, _by_reference("intelligence.Report"),
                "agency", anonymise=_intel_anonymise),
    RecordClass("screenings", _("Screenings"), "intake.Screening", "screening_decided",
                _("screening decided"), frozenset({"anonymise"}), _screenings_due,
                lambda s: s.reference, _by_pk("intake.Screening", "S"), "agency",
                anonymise=_screening_anonymise),
    RecordClass("travellers", _("Traveller lists and alerts"), "screening.Traveller",
                "traveller_received", _("traveller list received"), frozenset({"anonymise"}),
                _travellers_due, lambda t: f"T-{t.pk:06d}", _by_pk("screening.Traveller", "T"),
                "post__agency", anonymise=_traveller_anonymise),
    # Never disposed of by Tiaki: the hash chain must keep verifying (docs/architecture.md).
    RecordClass("audit_rows", _("Audit trail"), "audit.AuditEvent", "event_recorded",
                _("event recorded"), frozenset({"retain", "transfer"}), _audit_due,
                lambda e: f"#{e.pk}", _by_pk("audit.AuditEvent", "#"), holdable=False),
)

RECORD_CLASSES: dict[str, RecordClass] = {c.code: c for c in _CLASSES}
