"""State changes on privacy requests and breaches: each checks its rule, changes and audits
in one transaction (policies in ``tiaki.privacy.policies``; rules in ``tiaki.privacy.rules``).

Access and correction (Privacy Act 2020, Part 4; IPP 6 and 7): a request is recorded against
the victim's case, acknowledged, perhaps extended by notice, decided (granted, granted in
part or refused on a ground from the rules file) or transferred, and closed once the
information was made available (an audited export) or the correction made or a statement
of correction attached. Breaches (Part 6): recorded, assessed against the serious-harm
factors (s 113), decided notifiable or not with a reason, notified to the Commissioner and
to each affected person (or an exception recorded with its reason), closed.

Refusals raise ``Refused`` with the reason in plain words. Dates come from the caller
(``on``/``today``/``now``; the pages pass today's), so nothing here depends on the clock
in tests. Identifying details are never written to the audit trail or to history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaki.accounts.models import User
from tiaki.audit import reads
from tiaki.audit.services import Action, audit_record
from tiaki.cases.models import CaseEvent, IdentifyingDetails, VictimCase
from tiaki.cases.services.common import IDENTITY_KEYS, _clean_identity, _decrypt_identity
from tiaki.core import crypto
from tiaki.core.notifications import Kind
from tiaki.core.policy import Refused, get_visible, policy_for
from tiaki.core.references import next_reference
from tiaki.core.services import notify
from tiaki.privacy.models import AccessRequest, AffectedPerson, Breach, PrivacyEvent
from tiaki.privacy.policies import ACT, OFFICER_ROLES, is_privacy_officer
from tiaki.privacy.rules import Rules, privacy_rules

Status = AccessRequest.Status

# ---------------------------------------------------------------- helpers


def _rules(rules: Rules | None) -> Rules:
    return rules if rules is not None else privacy_rules()


def _today(on: dt.date | None) -> dt.date:
    return on if on is not None else timezone.localdate()


def _english(label: Any) -> str:
    """A choice's label in the source language: history is stored, so it reads the same
    whoever wrote it and in whichever language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def _event(actor: Any, summary: str, *, request: AccessRequest | None = None,
           breach: Breach | None = None) -> None:
    PrivacyEvent.objects.create(request=request, breach=breach, summary=summary[:300],
                                actor=actor if getattr(actor, "pk", None) else None)


def _check(actor: Any, obj: AccessRequest | Breach, action: str = ACT) -> None:
    policy_for(type(obj)).check(actor, action, obj)


def _officer(actor: Any) -> None:
    if not is_privacy_officer(actor):
        raise Refused(_("only a privacy officer may handle privacy requests and breaches"))


def _held_case(actor: Any, reference: str) -> VictimCase:
    """A case held by the officer's agency; another agency's case answers like a missing one."""
    reference = reference.strip()
    case = VictimCase.objects.filter(reference=reference,
                                     agency_id__in=actor.agency.lineage_ids()).first()
    if case is None:
        raise Refused(_("your agency holds no case %(reference)s") % {
            "reference": reference or _("(none given)")})
    return case


def _not_future(day: dt.date, today: dt.date) -> None:
    if day > today:
        raise Refused(_("the received date is in the future"))


def privacy_officers(agency_id: int) -> list[User]:
    """The active privacy officers of an agency (and of its successor)."""
    from tiaki.accounts.models import Agency

    agency = Agency.objects.get(pk=agency_id).current()
    return list(User.objects.filter(agency_id__in=agency.lineage_ids(), is_active=True,
                                    role_grants__role__in=list(OFFICER_ROLES)).distinct())


def _url(request: AccessRequest) -> str:
    return reverse("privacy:request", kwargs={"reference": request.reference})


# ---------------------------------------------------------------- access and correction


def request_record(*, actor: Any, case_reference: str, kind: str, summary: str,
                   identity_checked: str, requester: str = AccessRequest.Requester.VICTIM,
                   received_on: dt.date, today: dt.date | None = None,
                   rules: Rules | None = None) -> AccessRequest:
    """Record a victim's request to see or correct their information, with its deadlines:
    a decision within the rules' working days of receipt (s 44), a transfer within its own
    limit (s 43)."""
    _officer(actor)
    rules = _rules(rules)
    today = _today(today)
    if kind not in AccessRequest.Kind.values:
        raise Refused(_("unknown kind of request: %(kind)s") % {"kind": kind})
    if requester not in AccessRequest.Requester.values:
        raise Refused(_("unknown requester: %(requester)s") % {"requester": requester})
    if len(summary.strip()) < 5:
        raise Refused(_("say what the person asks to see or correct"))
    if len(identity_checked.strip()) < 5:
        raise Refused(_("say how the requester was identified as the person in the case"))
    _not_future(received_on, today)
    case = _held_case(actor, case_reference)
    due_on = rules.add_working_days(received_on, rules.decision_days)
    transfer_due_on = rules.add_working_days(received_on, rules.transfer_days)
    with transaction.atomic():
        request = AccessRequest.objects.create(
            reference=next_reference(AccessRequest, "PR"), agency=case.agency.current(),
            case=case, kind=kind, requester=requester,
            identity_checked=identity_checked.strip()[:300], summary=summary.strip(),
            received_on=received_on, due_on=due_on, transfer_due_on=transfer_due_on,
            created_by=actor)
        _event(actor, f"Request received on {received_on:%d %b %Y}; decision due "
               f"{due_on:%d %b %Y} ({rules.decision_provision})", request=request)
        audit_record(actor=actor, action=Action.CREATE, obj=request,
                     summary=f"Privacy request {request.reference} recorded for {case.reference}",
                     changes={"case": case.reference, "kind": kind, "requester": requester,
                              "received_on": received_on, "due_on": due_on,
                              "transfer_due_on": transfer_due_on, "rules": rules.version})
    return request


def request_get(*, actor: Any, reference: str, channel: str = "page") -> AccessRequest:
    """Fetch (404 alike for missing and forbidden) and record the read, in one call."""
    request = get_visible(actor, AccessRequest.objects.select_related("case", "agency"),
                          reference=reference)
    with transaction.atomic():
        reads.audit_read(actor=actor, objects=request, purpose="privacy request",
                         channel=channel)
    return request


# Each refused step is one whole sentence, so a translation need not build it from pieces.
_CANNOT_BE = {
    "acknowledged": gettext_lazy("request %(reference)s is %(status)s: it cannot be "
                                 "acknowledged"),
    "extended": gettext_lazy("request %(reference)s is %(status)s: it cannot be extended"),
    "decided": gettext_lazy("request %(reference)s is %(status)s: it cannot be decided"),
    "transferred": gettext_lazy("request %(reference)s is %(status)s: it cannot be "
                                "transferred"),
}


def _open(request: AccessRequest, step: str) -> None:
    if not request.is_open:
        raise Refused(str(_CANNOT_BE[step]) % {
            "reference": request.reference, "status": request.get_status_display().lower()})


def request_acknowledge(*, request: AccessRequest, actor: Any,
                        on: dt.date | None = None) -> AccessRequest:
    """Record that the requester was told the request arrived (once)."""
    _check(actor, request)
    on = _today(on)
    _open(request, "acknowledged")
    if request.acknowledged_on is not None:
        raise Refused(_("request %(reference)s was already acknowledged on %(date)s") % {
            "reference": request.reference, "date": f"{request.acknowledged_on:%d %b %Y}"})
    if on < request.received_on:
        raise Refused(_("a request cannot be acknowledged before it was received"))
    with transaction.atomic():
        request.acknowledged_on = on
        request.status = Status.ACKNOWLEDGED
        request.save(update_fields=["acknowledged_on", "status"])
        _event(actor, f"Acknowledged on {on:%d %b %Y}", request=request)
        audit_record(actor=actor, action=Action.UPDATE, obj=request,
                     summary=f"Privacy request {request.reference} acknowledged",
                     changes={"acknowledged_on": on})
    return request


def request_extend(*, request: AccessRequest, actor: Any, reason: str, working_days: int,
                   notice_on: dt.date, note: str = "",
                   rules: Rules | None = None) -> AccessRequest:
    """Extend the decision deadline by notice to the requester (s 48): for a reason the
    rules allow, by a stated number of working days, with notice given before the original
    deadline passes. A request is extended once."""
    _check(actor, request)
    rules = _rules(rules)
    _open(request, "extended")
    if request.extended_to is not None:
        raise Refused(_("request %(reference)s was already extended to %(date)s") % {
            "reference": request.reference, "date": f"{request.extended_to:%d %b %Y}"})
    if reason not in {r.code for r in rules.extension_reasons}:
        raise Refused(_("%(reason)s is not a reason for extending the time limit "
                        "(%(provision)s)") % {"reason": reason or _("no reason"),
                                               "provision": rules.extension_provision})
    if not 1 <= working_days <= rules.extension_max_days:
        raise Refused(_("an extension is from 1 to %(days)s working days") % {
            "days": rules.extension_max_days})
    if notice_on < request.received_on:
        raise Refused(_("the notice cannot be before the request was received"))
    if notice_on > request.due_on:
        raise Refused(_("notice of an extension must be given by the deadline, %(date)s; it "
                        "is too late to extend") % {"date": f"{request.due_on:%d %b %Y}"})
    new_date = rules.add_working_days(request.due_on, working_days)
    with transaction.atomic():
        request.extended_to = new_date
        request.extension_reason = reason
        request.extension_notice_on = notice_on
        request.extension_note = note.strip()
        request.save(update_fields=["extended_to", "extension_reason", "extension_notice_on",
                                    "extension_note"])
        _event(actor, f"Deadline extended by {working_days} working days to "
               f"{new_date:%d %b %Y}: {rules.extension_label(reason)}", request=request)
        audit_record(actor=actor, action=Action.UPDATE, obj=request,
                     summary=f"Privacy request {request.reference} extended",
                     changes={"extended_to": new_date, "reason": reason,
                              "working_days": working_days, "notice_on": notice_on})
    return request


def request_decide(*, request: AccessRequest, actor: Any, decision: str,
                   grounds: Iterable[str] = (), withheld_parts: Iterable[str] = (),
                   note: str = "", on: dt.date | None = None,
                   rules: Rules | None = None) -> AccessRequest:
    """Decide the request (s 44): grant, grant in part or refuse. Withholding anything needs
    a ground from the rules file; a partial grant of access names the parts withheld."""
    _check(actor, request)
    rules = _rules(rules)
    on = _today(on)
    _open(request, "decided")
    if decision not in AccessRequest.Decision.values:
        raise Refused(_("unknown decision: %(decision)s") % {"decision": decision})
    chosen = sorted(set(grounds))
    unknown = [g for g in chosen if rules.ground(g) is None]
    if unknown:
        raise Refused(_("not a ground for withholding: %(grounds)s") % {
            "grounds": ", ".join(unknown)})
    parts = sorted(set(withheld_parts))
    if [p for p in parts if p not in rules.export_parts]:
        raise Refused(_("the parts of a record are: %(parts)s") % {
            "parts": ", ".join(rules.export_parts)})
    if decision == AccessRequest.Decision.GRANT and (chosen or parts):
        raise Refused(_("a full grant withholds nothing: choose 'granted in part' to "
                        "withhold"))
    if decision != AccessRequest.Decision.GRANT and not chosen:
        raise Refused(_("give the ground for withholding or refusing (the requester must be "
                        "told the reason)"))
    if (decision == AccessRequest.Decision.PART and request.kind == AccessRequest.Kind.ACCESS
            and not parts):
        raise Refused(_("name the parts of the record that are withheld"))
    if decision == AccessRequest.Decision.REFUSE:
        parts = list(rules.export_parts)
    if on < request.received_on:
        raise Refused(_("a request cannot be decided before it was received"))
    late = on > request.deadline
    with transaction.atomic():
        request.decision = decision
        request.grounds = chosen
        request.withheld_parts = parts if request.kind == AccessRequest.Kind.ACCESS else []
        request.decision_note = note.strip()
        request.decided_on = on
        request.decided_by = actor
        request.status = Status.DECIDED
        request.save(update_fields=["decision", "grounds", "withheld_parts", "decision_note",
                                    "decided_on", "decided_by", "status"])
        _event(actor, f"Decided on {on:%d %b %Y}: {_english(request.get_decision_display())}"
               + (f" ({', '.join(rules.ground_label(g) for g in chosen)})" if chosen else "")
               + (" — after the deadline" if late else ""), request=request)
        audit_record(actor=actor, action=Action.UPDATE, obj=request,
                     summary=f"Privacy request {request.reference} decided: {decision}",
                     changes={"decision": decision, "grounds": chosen,
                              "withheld_parts": request.withheld_parts, "decided_on": on,
                              "late": late})
    return request


def request_transfer(*, request: AccessRequest, actor: Any, to: str, reason: str,
                     on: dt.date | None = None) -> AccessRequest:
    """Transfer the request to the agency that holds the information or whose functions it
    concerns more closely (s 43), within the transfer limit; a late transfer is recorded
    as late."""
    _check(actor, request)
    on = _today(on)
    _open(request, "transferred")
    if len(to.strip()) < 2:
        raise Refused(_("name the agency the request is transferred to"))
    if len(reason.strip()) < 5:
        raise Refused(_("say why the request is transferred"))
    if on < request.received_on:
        raise Refused(_("a request cannot be transferred before it was received"))
    late = on > request.transfer_due_on
    with transaction.atomic():
        request.transferred_to = to.strip()[:200]
        request.transferred_on = on
        request.decision_note = reason.strip()
        request.status = Status.TRANSFERRED
        request.save(update_fields=["transferred_to", "transferred_on", "decision_note",
                                    "status"])
        _event(actor, f"Transferred to {request.transferred_to} on {on:%d %b %Y}"
               + (" — after the transfer limit" if late else ""), request=request)
        audit_record(actor=actor, action=Action.UPDATE, obj=request,
                     summary=f"Privacy request {request.reference} transferred",
                     changes={"to": request.transferred_to, "on": on, "late": late},
                     reason=reason.strip())
    return request


def _export_data(request: AccessRequest, parts: Iterable[str], rules: Rules) -> dict[str, Any]:
    case = request.case
    wanted = set(parts)
    data: dict[str, Any] = {}
    if "case" in wanted:
        data["case"] = {
            "reference": case.reference, "agency": case.agency.name,
            "opened": case.created_at.date(), "status": case.get_status_display(),
            "trafficking_status": case.get_trafficking_status_display(),
            "age": case.age, "gender": case.get_gender_display() if case.gender else "",
            "nationality": case.nationality, "languages": case.languages,
            "interpreter_needed": case.interpreter_needed,
            "exploitation_types": case.exploitation_types,
            "methods_of_control": case.methods_of_control,
            "recruitment_methods": case.recruitment_methods,
            "closure_reason": case.closure_reason, "closure_note": case.closure_note,
        }
    if "identity" in wanted:
        data["identity"] = _decrypt_identity(case)
    if "events" in wanted:
        data["events"] = [{"kind": e.get_kind_display(), "place": e.place,
                           "country": e.country, "from": e.date_from, "to": e.date_to}
                          for e in case.events.all()]
    if "consents" in wanted:
        data["consents"] = [{"purpose": c.purpose, "version": c.version, "granted": c.granted,
                             "recorded_at": c.recorded_at, "how_obtained": c.how_obtained}
                            for c in case.consents.all()]
    if "referrals" in wanted:
        data["referrals"] = [{"service": r.service, "agency": r.agency.name,
                              "status": r.get_status_display(), "requested_at": r.requested_at,
                              "due_date": r.due_date, "outcome": r.outcome}
                             for r in case.referrals.select_related("agency")]
    if "certifications" in wanted:
        data["certifications"] = [{"reference": c.reference, "status": c.get_status_display(),
                                   "requested_at": c.requested_at, "decided_at": c.decided_at,
                                   "assessment": c.assessment,
                                   "decision_note": c.decision_note,
                                   "revoke_reason": c.revoke_reason}
                                  for c in case.certifications.all()]
    if "history" in wanted:
        data["history"] = [{"at": e.at, "summary": e.summary} for e in case.history.all()]
    return data


def request_export(*, request: AccessRequest, actor: Any, now: dt.datetime | None = None,
                   rules: Rules | None = None) -> dict[str, Any]:
    """What the agency holds about the requester, for a granted access request: the case,
    its identifying details (decrypted), events, consents, referrals, certifications and
    history, less the parts withheld (each named with its ground). An audited read of the
    case and an audited export of the request, in one transaction."""
    _check(actor, request)
    rules = _rules(rules)
    now = now or timezone.now()
    if request.kind != AccessRequest.Kind.ACCESS:
        raise Refused(_("only an access request produces an export of what is held"))
    if request.status != Status.DECIDED or request.decision not in {
            AccessRequest.Decision.GRANT, AccessRequest.Decision.PART}:
        raise Refused(_("the information is made available only once access is granted "
                        "(in full or in part)"))
    parts = [p for p in rules.export_parts if p not in request.withheld_parts]
    with transaction.atomic():
        document: dict[str, Any] = {
            "request": request.reference, "statute": rules.statute,
            "produced_at": now, "produced_by": actor.agency.name,
            "decision": request.get_decision_display(),
            "withheld": [{"part": p, "grounds": [rules.ground_label(g)
                                                  for g in request.grounds]}
                         for p in request.withheld_parts],
            **_export_data(request, parts, rules),
        }
        request.exported_at = now
        request.save(update_fields=["exported_at"])
        _event(actor, f"Export of the information held produced ({', '.join(parts)})",
               request=request)
        reads.audit_read(actor=actor, objects=request.case, purpose="privacy access export",
                         channel="export")
        audit_record(actor=actor, action=Action.EXPORT, obj=request,
                     summary=f"Information held for {request.case.reference} exported for "
                             f"privacy request {request.reference}",
                     changes={"case": request.case.reference, "parts": parts,
                              "withheld": request.withheld_parts})
    return document


_CORRECTION_ONLY = {
    "corrected": (gettext_lazy("only a correction request can be corrected"),
                  gettext_lazy("decide request %(reference)s before it is corrected")),
    "statement": (gettext_lazy("only a correction request can be given a statement of "
                               "correction"),
                  gettext_lazy("decide request %(reference)s before it is given a statement "
                               "of correction")),
}


def _correctable(request: AccessRequest, step: str) -> None:
    if request.kind != AccessRequest.Kind.CORRECTION:
        raise Refused(str(_CORRECTION_ONLY[step][0]))
    if request.status != Status.DECIDED:
        raise Refused(str(_CORRECTION_ONLY[step][1]) % {"reference": request.reference})


def correction_make(*, request: AccessRequest, actor: Any, identity: Mapping[str, Any],
                    note: str) -> AccessRequest:
    """Make the correction asked for (IPP 7): the identifying fields given replace the
    stored ones (encrypted as ever); the case history says a correction was made, never
    what the values are."""
    _check(actor, request)
    _correctable(request, "corrected")
    if request.decision == AccessRequest.Decision.REFUSE:
        raise Refused(_("the correction was refused: attach a statement of correction instead"))
    changes = {k: v for k, v in identity.items() if v not in (None, "", [])}
    if not changes and len(note.strip()) < 5:
        raise Refused(_("give the corrected details, or say what was corrected"))
    if [k for k in changes if k not in IDENTITY_KEYS]:
        raise Refused(_("only identifying details can be corrected here (%(fields)s); other "
                        "fields are corrected by the case team") % {
                            "fields": ", ".join(IDENTITY_KEYS)})
    if len(note.strip()) < 5:
        raise Refused(_("say what was corrected and on whose information"))
    case = request.case
    with transaction.atomic():
        if changes:
            details = _decrypt_identity(case)
            details.update(changes)
            cleaned = _clean_identity(details)
            IdentifyingDetails.objects.update_or_create(
                case=case, defaults={"ciphertext": crypto.encrypt_json(cleaned),
                                     "updated_at": timezone.now()})
        request.correction_made = note.strip()
        request.save(update_fields=["correction_made"])
        CaseEvent.objects.create(case=case, actor=actor, kind="privacy_correction",
                                 summary=f"Corrected at the person's request "
                                         f"({request.reference}): {note.strip()}"[:300])
        _event(actor, "Correction made" + (f" to {', '.join(sorted(changes))}" if changes
                                           else ""), request=request)
        audit_record(actor=actor, action=Action.UPDATE, obj=case,
                     summary=f"Case {case.reference} corrected for privacy request "
                             f"{request.reference}",
                     changes={"identifying_fields": sorted(changes), "request": request.reference})
    return request


def statement_attach(*, request: AccessRequest, actor: Any, statement: str) -> AccessRequest:
    """Attach the requester's statement of the correction sought to the case, so that it is
    read with the information, when the agency does not correct it (IPP 7)."""
    _check(actor, request)
    _correctable(request, "statement")
    if request.decision == AccessRequest.Decision.GRANT:
        raise Refused(_("the correction was granted: make it rather than attach a statement"))
    if request.statement:
        raise Refused(_("a statement of correction is already attached"))
    if len(statement.strip()) < 5:
        raise Refused(_("give the statement of the correction sought"))
    case = request.case
    with transaction.atomic():
        request.statement = statement.strip()
        request.save(update_fields=["statement"])
        CaseEvent.objects.create(case=case, actor=actor, kind="privacy_statement",
                                 summary=f"Statement of correction ({request.reference}): "
                                         f"{statement.strip()}"[:300])
        _event(actor, "Statement of correction attached to the case", request=request)
        audit_record(actor=actor, action=Action.UPDATE, obj=case,
                     summary=f"Statement of correction attached to {case.reference}",
                     changes={"request": request.reference})
    return request


def request_close(*, request: AccessRequest, actor: Any, note: str = "",
                  on: dt.date | None = None) -> AccessRequest:
    """Close a decided or transferred request once what was decided was done."""
    _check(actor, request)
    on = _today(on)
    if request.is_open:
        raise Refused(_("request %(reference)s has not been decided or transferred") % {
            "reference": request.reference})
    granted = request.decision in {AccessRequest.Decision.GRANT, AccessRequest.Decision.PART}
    if request.status == Status.DECIDED and granted:
        if request.kind == AccessRequest.Kind.ACCESS and request.exported_at is None:
            raise Refused(_("access was granted but the information has not been made "
                            "available: produce the export first"))
        if (request.kind == AccessRequest.Kind.CORRECTION and not request.correction_made
                and not request.statement):
            raise Refused(_("record the correction made (or the statement attached) first"))
    with transaction.atomic():
        request.status = Status.CLOSED
        request.closed_on = on
        request.close_note = note.strip()
        request.save(update_fields=["status", "closed_on", "close_note"])
        _event(actor, f"Closed on {on:%d %b %Y}", request=request)
        audit_record(actor=actor, action=Action.UPDATE, obj=request,
                     summary=f"Privacy request {request.reference} closed",
                     changes={"closed_on": on})
    return request


def requests_remind_overdue(*, today: dt.date | None = None) -> int:
    """Remind the holding agency's privacy officers of requests past their deadline that are
    still undecided; each request at most once a day however often this runs."""
    today = _today(today)
    count = 0
    candidates = (AccessRequest.objects.filter(status__in=list(AccessRequest.OPEN))
                  .exclude(reminded_on=today).select_related("case"))
    for request in candidates:
        if not request.overdue_on(today):
            continue
        with transaction.atomic():
            notify(kind=Kind.GENERAL, recipients=privacy_officers(request.agency_id),
                   subject=f"Overdue privacy request {request.reference}",
                   body=f"The decision was due on {request.deadline:%d %b %Y}.",
                   url=_url(request))
            AccessRequest.objects.filter(pk=request.pk).update(reminded_on=today)
            audit_record(actor=None, action=Action.UPDATE, obj=request,
                         summary=f"Overdue reminder for privacy request {request.reference}")
        count += 1
    return count



# ---------------------------------------------------------------- notifiable privacy breaches


def _breach_url(breach: Breach) -> str:
    return reverse("privacy:breach", kwargs={"reference": breach.reference})


def breach_record(*, actor: Any, kind: str, what_happened: str, found_at: dt.datetime,
                  case_references: Iterable[str] = (), records_affected: str = "",
                  occurred_on: dt.date | None = None,
                  now: dt.datetime | None = None) -> Breach:
    """Record a privacy breach as soon as the agency becomes aware of it: what happened,
    when it was found, which cases (victims) and other records it touched."""
    _officer(actor)
    now = now or timezone.now()
    if kind not in Breach.Kind.values:
        raise Refused(_("unknown kind of breach: %(kind)s") % {"kind": kind})
    if len(what_happened.strip()) < 10:
        raise Refused(_("say what happened"))
    if found_at > now:
        raise Refused(_("the breach cannot have been found in the future"))
    if occurred_on is not None and occurred_on > found_at.date():
        raise Refused(_("the breach cannot have happened after it was found"))
    references = sorted({r.strip() for r in case_references if r.strip()})
    cases = [_held_case(actor, r) for r in references]
    if not cases and not records_affected.strip():
        raise Refused(_("name the cases or the other records the breach affected"))
    with transaction.atomic():
        breach = Breach.objects.create(
            reference=next_reference(Breach, "PB"), agency=actor.agency.current(), kind=kind,
            what_happened=what_happened.strip(), found_at=found_at, occurred_on=occurred_on,
            records_affected=records_affected.strip(), recorded_by=actor)
        for case in cases:
            AffectedPerson.objects.create(breach=breach, case=case)
        _event(actor, f"Breach recorded ({_english(breach.get_kind_display())}); found "
               f"{found_at:%d %b %Y %H:%M}", breach=breach)
        audit_record(actor=actor, action=Action.CREATE, obj=breach,
                     summary=f"Privacy breach {breach.reference} recorded",
                     changes={"kind": kind, "cases": references, "found_at": found_at})
    return breach


def breach_get(*, actor: Any, reference: str, channel: str = "page") -> Breach:
    breach = get_visible(actor, Breach.objects.select_related("agency"), reference=reference)
    with transaction.atomic():
        reads.audit_read(actor=actor, objects=breach, purpose="privacy breach",
                         channel=channel)
    return breach


def breach_assess(*, breach: Breach, actor: Any, findings: Mapping[str, str],
                  serious_harm_likely: bool, now: dt.datetime | None = None,
                  rules: Rules | None = None) -> Breach:
    """Assess the likelihood of serious harm against every factor the law lists (s 113):
    each factor gets what was found. It may be reassessed until the decision."""
    _check(actor, breach)
    rules = _rules(rules)
    if breach.status not in {Breach.Status.RECORDED, Breach.Status.ASSESSED}:
        raise Refused(_("breach %(reference)s is already decided: it cannot be reassessed") % {
            "reference": breach.reference})
    codes = [f.code for f in rules.harm_factors]
    unknown = sorted(set(findings) - set(codes))
    if unknown:
        raise Refused(_("not a serious-harm factor: %(factors)s") % {
            "factors": ", ".join(unknown)})
    missing = [rules.factor_label(c) for c in codes if not str(findings.get(c, "")).strip()]
    if missing:
        raise Refused(_("consider every factor; missing: %(factors)s") % {
            "factors": "; ".join(missing)})
    with transaction.atomic():
        breach.assessment = {c: str(findings[c]).strip() for c in codes}
        breach.serious_harm_likely = serious_harm_likely
        breach.assessed_at = now or timezone.now()
        breach.assessed_by = actor
        breach.status = Breach.Status.ASSESSED
        breach.save(update_fields=["assessment", "serious_harm_likely", "assessed_at",
                                   "assessed_by", "status"])
        _event(actor, "Assessed: serious harm " + ("likely" if serious_harm_likely
                                                    else "not likely"), breach=breach)
        audit_record(actor=actor, action=Action.UPDATE, obj=breach,
                     summary=f"Privacy breach {breach.reference} assessed",
                     changes={"serious_harm_likely": serious_harm_likely,
                              "factors": codes})
    return breach


def breach_decide(*, breach: Breach, actor: Any, notifiable: bool, reason: str,
                  now: dt.datetime | None = None) -> Breach:
    """Decide whether the breach is notifiable (likely to cause serious harm), with the
    reason. A decision against the assessment must say why."""
    _check(actor, breach)
    if breach.status != Breach.Status.ASSESSED:
        raise Refused(_("assess the breach against the serious-harm factors before deciding")
                      if breach.status == Breach.Status.RECORDED
                      else _("breach %(reference)s is already decided") % {
                          "reference": breach.reference})
    if len(reason.strip()) < 10:
        raise Refused(_("give the reason for the decision"))
    against = notifiable != bool(breach.serious_harm_likely)
    with transaction.atomic():
        breach.notifiable = notifiable
        breach.decision_reason = reason.strip()
        breach.decided_at = now or timezone.now()
        breach.status = Breach.Status.DECIDED
        breach.save(update_fields=["notifiable", "decision_reason", "decided_at", "status"])
        _event(actor, "Decided: " + ("notifiable" if notifiable else "not notifiable")
               + (" (against the assessment)" if against else ""), breach=breach)
        audit_record(actor=actor, action=Action.UPDATE, obj=breach,
                     summary=f"Privacy breach {breach.reference} decided",
                     changes={"notifiable": notifiable, "against_assessment": against},
                     reason=reason.strip())
    return breach


_DECIDE_BEFORE = {
    "commissioner": gettext_lazy("decide whether breach %(reference)s is notifiable before "
                                 "notifying the Commissioner"),
    "people": gettext_lazy("decide whether breach %(reference)s is notifiable before "
                           "notifying the people affected"),
}


def _notifiable(breach: Breach, step: str) -> None:
    if breach.status != Breach.Status.DECIDED:
        raise Refused(str(_DECIDE_BEFORE[step]) % {"reference": breach.reference})
    if not breach.notifiable:
        raise Refused(_("breach %(reference)s was decided not notifiable") % {
            "reference": breach.reference})


def commissioner_notify(*, breach: Breach, actor: Any, at: dt.datetime, how: str,
                        reference: str = "", now: dt.datetime | None = None) -> Breach:
    """Record the notification to the Privacy Commissioner (s 114), once."""
    _check(actor, breach)
    _notifiable(breach, "commissioner")
    if breach.commissioner_notified_at is not None:
        raise Refused(_("the Commissioner was already notified on %(date)s") % {
            "date": f"{breach.commissioner_notified_at:%d %b %Y}"})
    if at > (now or timezone.now()) or at < breach.found_at:
        raise Refused(_("the notification time must be between finding the breach and now"))
    if len(how.strip()) < 3:
        raise Refused(_("say how the Commissioner was notified"))
    with transaction.atomic():
        breach.commissioner_notified_at = at
        breach.commissioner_how = how.strip()[:200]
        breach.commissioner_reference = reference.strip()[:100]
        breach.save(update_fields=["commissioner_notified_at", "commissioner_how",
                                   "commissioner_reference"])
        _event(actor, f"Privacy Commissioner notified {at:%d %b %Y %H:%M} ({how.strip()})",
               breach=breach)
        audit_record(actor=actor, action=Action.UPDATE, obj=breach,
                     summary=f"Commissioner notified of privacy breach {breach.reference}",
                     changes={"at": at, "how": breach.commissioner_how,
                              "hours_after_found": round((at - breach.found_at)
                                                         .total_seconds() / 3600, 1)})
    return breach


def person_notify(*, person: AffectedPerson, actor: Any, at: dt.datetime | None = None,
                  how: str = "", exception: str = "", exception_reason: str = "",
                  now: dt.datetime | None = None, rules: Rules | None = None) -> AffectedPerson:
    """Record that an affected person was notified (s 115), or the exception relied on not
    to notify them (s 116) with its reason."""
    breach = person.breach
    _check(actor, breach)
    rules = _rules(rules)
    _notifiable(breach, "people")
    if person.settled:
        raise Refused(_("this person's notification is already recorded"))
    if exception:
        if exception not in {e.code for e in rules.exceptions}:
            raise Refused(_("not an exception to notifying: %(exception)s") % {
                "exception": exception})
        if len(exception_reason.strip()) < 10:
            raise Refused(_("say why the exception applies"))
    else:
        if at is None or len(how.strip()) < 3:
            raise Refused(_("give when and how the person was notified, or the exception"))
        if at > (now or timezone.now()) or at < breach.found_at:
            raise Refused(_("the notification time must be between finding the breach and now"))
    with transaction.atomic():
        if exception:
            person.exception = exception
            person.exception_reason = exception_reason.strip()
        else:
            person.notified_at = at
            person.notified_how = how.strip()[:200]
        person.recorded_by = actor
        person.save(update_fields=["exception", "exception_reason", "notified_at",
                                   "notified_how", "recorded_by"])
        reference = person.case.reference
        _event(actor, (f"{reference}: not notified ({rules.exception_label(exception)})"
                       if exception else f"{reference}: notified ({how.strip()})"),
               breach=breach)
        audit_record(actor=actor, action=Action.UPDATE, obj=breach,
                     summary=f"Affected person {reference} of breach {breach.reference}: "
                             + ("exception" if exception else "notified"),
                     changes={"case": reference, "exception": exception,
                              "notified_at": at if not exception else None},
                     reason=exception_reason.strip())
    return person


def breach_close(*, breach: Breach, actor: Any, note: str = "",
                 now: dt.datetime | None = None) -> Breach:
    """Close the breach: a notifiable one only once the Commissioner and every affected
    person were notified (or an exception recorded)."""
    _check(actor, breach)
    if breach.status != Breach.Status.DECIDED:
        raise Refused(_("decide whether breach %(reference)s is notifiable before closing "
                        "it") % {"reference": breach.reference})
    if breach.notifiable:
        if breach.commissioner_notified_at is None:
            raise Refused(_("the breach is notifiable: notify the Privacy Commissioner first"))
        waiting = [p.case.reference for p in breach.affected.select_related("case")
                   if not p.settled]
        if waiting:
            raise Refused(_("record the notification (or the exception) for: %(cases)s") % {
                "cases": ", ".join(waiting)})
    with transaction.atomic():
        breach.status = Breach.Status.CLOSED
        breach.closed_at = now or timezone.now()
        breach.close_note = note.strip()
        breach.save(update_fields=["status", "closed_at", "close_note"])
        _event(actor, "Closed", breach=breach)
        audit_record(actor=actor, action=Action.UPDATE, obj=breach,
                     summary=f"Privacy breach {breach.reference} closed")
    return breach


def breaches_remind(*, now: dt.datetime | None = None, rules: Rules | None = None) -> int:
    """Remind privacy officers of breaches still undecided, or notifiable and not yet
    notified, the rules' number of hours after they were found; once a day each."""
    rules = _rules(rules)
    now = now or timezone.now()
    today = timezone.localdate(now)
    limit = now - dt.timedelta(hours=rules.remind_after_hours)
    count = 0
    for breach in (Breach.objects.exclude(status=Breach.Status.CLOSED)
                   .filter(found_at__lte=limit).exclude(reminded_on=today)):
        pending = breach.status != Breach.Status.DECIDED or (
            breach.notifiable and breach.commissioner_notified_at is None)
        if not pending:
            continue
        with transaction.atomic():
            notify(kind=Kind.GENERAL, recipients=privacy_officers(breach.agency_id),
                   subject=f"Privacy breach {breach.reference} needs attention",
                   body="Notify as soon as practicable after becoming aware of a "
                        "notifiable breach.", url=_breach_url(breach))
            Breach.objects.filter(pk=breach.pk).update(reminded_on=today)
            audit_record(actor=None, action=Action.UPDATE, obj=breach,
                         summary=f"Reminder for privacy breach {breach.reference}")
        count += 1
    return count
