"""State changes for reports: public submission, the anonymous thread, triage, retention.

Each function checks, changes and writes its audit row in one transaction. Public actions
have no user: the audit row's actor is empty, and nothing about the sender's network or
device reaches this module (views pass only the form's fields).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tiaki.accounts.models import Agency, User
from tiaki.accounts.selectors import staff_of
from tiaki.audit.services import Action, audit_record
from tiaki.core.crypto import encrypt_bytes, rotate_bytes
from tiaki.core.notifications import Kind
from tiaki.core.policy import Refused, get_visible, policy_for
from tiaki.core.services import notify
from tiaki.core.uploads import check_upload
from tiaki.intake import i18n, receipts
from tiaki.intake import pow as proof
from tiaki.intake.legaltest import Assessment, Facts, ObservationError, Observations, assess
from tiaki.intake.legaltest.observations import FACT_FLAGS
from tiaki.intake.limits import over_limit
from tiaki.intake.models import (
    CatalogueReview,
    Channel,
    Industry,
    Region,
    Report,
    ReportAttachment,
    ReportLink,
    ReportMessage,
    ReportRoute,
    ReportToken,
    Screening,
    YesNoUnknown,
)
from tiaki.intake.policies import (
    READ_ROLES,
    SCREENING_ROLES,
    TRANSLATION_ROLES,
    TRIAGE,
    TRIAGE_ROLES,
)
from tiaki.intake.refusals import PortalRefused
from tiaki.intake.routing import routing
from tiaki.intake.rules import ruleset
from tiaki.intake.scrub import EXTENSIONS, SCRUBBERS, scrub
from tiaki.intake.tokens import report_tokens

# Size caps (issue 3: "size caps"); the form and the API schema use the same numbers.
LIMITS = {
    "what_seen": 10_000, "place": 300, "when_seen": 200, "people": 5_000, "contact": 300,
    "message": 5_000,
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REPORTER_SIGNING_SALT = "tiaki.intake.reporter"  # a namespace, not a secret

# Why a report went to an agency, stored in English and shown through the catalogue. The
# rules behind them are data/intake/routing.yaml, named on the report page's "about" line.
ROUTED_RECEIVES = gettext_noop("receives reports")
ROUTED_CHILDREN = gettext_noop("children involved")


def max_attachments() -> int:
    return int(getattr(settings, "TIAKI_REPORT_MAX_ATTACHMENTS", 3))


def max_attachment_bytes() -> int:
    return int(getattr(settings, "TIAKI_REPORT_MAX_ATTACHMENT_BYTES", 5 * 1024 * 1024))


def retention_days() -> int:
    """Days a closed report is kept: ``TIAKI_REPORT_RETENTION_DAYS`` when set, else the
    public-reports period of the retention schedule (``data/legal/nz/retention.yaml``)."""
    from tiaki.retention.schedule import schedule

    return schedule().period_days("public_reports") or 365 * 7


def _clean_text(value: str, field: str, *, required: bool = False) -> str:
    text = _CONTROL.sub("", value or "").strip()
    if required and not text:
        raise PortalRefused(f"{field}: this field is required", key="required", field=field)
    limit = LIMITS.get(field)
    if limit is not None and len(text) > limit:
        raise PortalRefused(f"{field}: at most {limit} characters", key="too_long",
                            field=field, limit=limit)
    return text


@dataclass(frozen=True)
class ReportFields:
    """What a member of the public tells us (portal form or JSON API)."""

    what_seen: str
    region: str = Region.UNKNOWN
    place: str = ""
    when_seen: str = ""
    people: str = ""
    industry: str = Industry.UNKNOWN
    children: str = YesNoUnknown.UNKNOWN
    risk_to_life: bool = False
    contact: str = ""

    def cleaned(self) -> dict[str, Any]:
        for field, value, choices in (
            ("region", self.region, Region.values),
            ("industry", self.industry, Industry.values),
            ("children", self.children, YesNoUnknown.values),
        ):
            if value not in choices:
                raise PortalRefused(f"{field}: unknown value {value!r}", key="required",
                                    field=field)
        return {
            "what_seen": _clean_text(self.what_seen, "what_seen", required=True),
            "region": self.region,
            "place": _clean_text(self.place, "place"),
            "when_seen": _clean_text(self.when_seen, "when_seen"),
            "people": _clean_text(self.people, "people"),
            "industry": self.industry,
            "children": self.children,
            "risk_to_life": bool(self.risk_to_life),
            "contact": _clean_text(self.contact, "contact"),
        }


@dataclass(frozen=True)
class Submitted:
    report: Report
    receipt: str


@dataclass(frozen=True)
class _Prepared:
    data: bytes
    content_type: str
    sha256: str


def _attachment_refused(reason: str) -> PortalRefused:
    return PortalRefused(
        f"attachment refused: {reason}", key="attachment_refused", field="attachments",
        reason=reason, size=max_attachment_bytes() // (1024 * 1024), count=max_attachments(),
    )


def _prepare(files: Sequence[UploadedFile]) -> list[_Prepared]:
    """Check every file and strip its metadata before anything is written."""
    if len(files) > max_attachments():
        raise _attachment_refused(f"{len(files)} files were attached")
    prepared = []
    for upload in files:
        try:
            checked = check_upload(upload, max_bytes=max_attachment_bytes())
        except Refused as exc:
            raise _attachment_refused(str(exc)) from exc
        if checked.content_type not in SCRUBBERS:
            raise _attachment_refused(f"{checked.name} is {checked.content_type}")
        upload.seek(0)
        try:
            data = scrub(checked.content_type, upload.read())
        except Refused as exc:
            raise _attachment_refused(f"{checked.name} could not be read") from exc
        prepared.append(_Prepared(data, checked.content_type, hashlib.sha256(data).hexdigest()))
    return prepared


def _store(report: Report, message: ReportMessage | None, files: list[_Prepared],
           written: list[str]) -> None:
    start = report.attachments.count()
    for number, item in enumerate(files, start=start + 1):
        extension = EXTENSIONS[item.content_type]
        attachment = ReportAttachment(
            report=report, message=message, label=f"attachment-{number}.{extension}",
            content_type=item.content_type, size=len(item.data), sha256=item.sha256,
            encrypted=True,
        )
        # Stored encrypted, under a name that says nothing of its type.
        attachment.file.save(f"{uuid.uuid4().hex}.enc", ContentFile(encrypt_bytes(item.data)),
                             save=False)
        written.append(str(attachment.file.name))
        attachment.save()


def _attachment_rewrite(attachment: ReportAttachment, data: bytes, summary: str) -> None:
    """Write ``data`` (ciphertext) under a new name, point the row at it, drop the old file.
    Interrupted anywhere, every row still points at a readable file."""
    old_name = str(attachment.file.name)
    storage = attachment.file.storage
    new_name = storage.save(f"intake/{uuid.uuid4().hex}.enc", ContentFile(data))
    with transaction.atomic():
        ReportAttachment.objects.filter(pk=attachment.pk).update(file=new_name, encrypted=True)
        audit_record(actor=None, action=Action.UPDATE, obj=attachment, summary=summary)
    storage.delete(old_name)


def attachments_encrypt(*, batch: int = 200) -> int:
    """Encrypt attachments stored before encryption at rest (``tiaki encrypt_attachments``).
    Safe to run again. Returns how many files were encrypted."""
    done = 0
    for attachment in ReportAttachment.objects.filter(encrypted=False).iterator(chunk_size=batch):
        _attachment_rewrite(attachment, encrypt_bytes(attachment.read_bytes()),
                            f"Encrypted {attachment.label} at rest")
        done += 1
    return done


def attachments_rotate_keys(*, batch: int = 200) -> int:
    """Re-encrypt every encrypted attachment with the newest field key (``tiaki rotate_keys``)."""
    done = 0
    for attachment in ReportAttachment.objects.filter(encrypted=True).iterator(chunk_size=batch):
        with attachment.file.open("rb") as handle:
            token = handle.read()
        _attachment_rewrite(attachment, rotate_bytes(token),
                            f"Re-encrypted {attachment.label} with the newest key")
        done += 1
    return done


def _discard(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def _agencies(codes: Sequence[str]) -> list[Agency]:
    found = {a.code: a for a in Agency.objects.filter(code__in=codes, active=True)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ImproperlyConfigured(
            f"routing names agencies that are not loaded: {', '.join(missing)}")
    return [found[c] for c in codes]


def _staff_of(agencies: Sequence[Agency], roles: frozenset[str]) -> list[User]:
    return list(staff_of(agencies, roles))


def _detail_url(report: Report) -> str:
    return reverse("intake:triage_detail", args=[report.pk])


# Referrals made by officials (a screening, a border alert): no proof of work, routed as
# screening referrals (data/intake/routing.yaml).
OFFICIAL_CHANNELS = frozenset({Channel.SCREENING, Channel.BORDER_ALERT})


def report_submit(
    *,
    fields: ReportFields,
    pow_token: str,
    pow_nonce: str,
    channel: str = Channel.PORTAL,
    source_agency: Agency | None = None,
    language: str = "en",
    attachments: Sequence[UploadedFile] = (),
    honeypot: str = "",
    pow_purpose: str = "report",
) -> Submitted:
    """Receive a report of suspected trafficking and route it (seed 002 goal 4; seed 004).

    Returns the receipt code, which exists only in this return value: the report keeps
    its look-up digest and slow hash. Nothing is stored unless everything succeeds."""
    if honeypot.strip():
        raise PortalRefused("the hidden field meant for robots was filled in",
                            key="honeypot_filled")
    if channel not in Channel.values:
        raise Refused(_("unknown channel %(channel)s") % {"channel": repr(channel)})
    cleaned = fields.cleaned()
    prepared = _prepare(attachments)
    rules = routing()
    receivers = _agencies(rules.public_reports if channel not in OFFICIAL_CHANNELS
                          else rules.screening_referrals)
    children_agencies = (_agencies(rules.children_involved)
                         if cleaned["children"] == YesNoUnknown.YES else [])
    code = receipts.new_code()
    salt, verifier = receipts.make_verifier(code)
    written: list[str] = []
    try:
        with transaction.atomic():
            if channel not in OFFICIAL_CHANNELS:
                proof.spend(pow_token, pow_nonce, purpose=pow_purpose)
            report = Report.objects.create(
                lookup_digest=receipts.lookup_digest(code), code_salt=salt, code_hash=verifier,
                channel=channel, source_agency=source_agency, language=language[:12],
                priority=(Report.Priority.RISK_TO_LIFE if cleaned["risk_to_life"]
                          else Report.Priority.NORMAL),
                **cleaned,
            )
            for agency in receivers:
                ReportRoute.objects.create(report=report, agency=agency, reason=ROUTED_RECEIVES)
            for agency in children_agencies:
                ReportRoute.objects.get_or_create(
                    report=report, agency=agency,
                    defaults={"reason": ROUTED_CHILDREN})
            ReportToken.objects.bulk_create(
                ReportToken(report=report, kind=kind, value=value)
                for kind, value in report_tokens(place=cleaned["place"], people=cleaned["people"],
                                                 what_seen=cleaned["what_seen"])
            )
            _store(report, None, prepared, written)
            audit_record(
                actor=None, action=Action.CREATE, obj=report,
                summary=f"Report {report.reference} received ({report.get_channel_display()})",
                changes={"channel": channel, "language": report.language,
                         "source_agency": source_agency.code if source_agency else "",
                         "routed_to": [a.code for a in receivers + children_agencies],
                         "children": report.children, "risk_to_life": report.risk_to_life,
                         "attachments": [p.sha256 for p in prepared]},
            )
            if children_agencies:
                # Seed 004: "When children are involved, Oranga Tamariki works closely with
                # New Zealand Police or MBIE". The message carries no details of the report.
                notify(kind=Kind.REPORT, recipients=_staff_of(children_agencies, READ_ROLES),
                       subject=f"Report {report.reference} says children are involved",
                       body="A report of suspected trafficking involving children was routed "
                            "to your agency. Open it in Tiaki.",
                       url=_detail_url(report), from_public=True)
            if report.risk_to_life:
                notify(kind=Kind.REPORT, recipients=_staff_of(receivers, TRIAGE_ROLES),
                       subject=f"Report {report.reference}: risk to life",
                       body="A new report says someone's life or safety is at risk now.",
                       url=_detail_url(report), from_public=True)
    except BaseException:
        _discard(written)
        raise
    return Submitted(report=report, receipt=code)


# --------------------------------------------------------------------------- the reporter


def _receipt_failures_per_minute() -> int:
    return int(getattr(settings, "TIAKI_RECEIPT_FAILURES_PER_MINUTE", 60))


def receipt_challenge() -> proof.Challenge:
    """The proof of work for opening a report. While wrong codes arrive faster than
    ``TIAKI_RECEIPT_FAILURES_PER_MINUTE`` across the service, each look-up costs 16 times the
    work: guessing gets dearer without locking out reporters who hold a real code."""
    busy = over_limit("receipt-fail", limit=_receipt_failures_per_minute(),
                      window_seconds=60, count=False)
    return proof.issue("receipt", extra_bits=4 if busy else 0)


def receipt_open(*, code: str, pow_token: str, pow_nonce: str) -> Report:
    """Open a report with its receipt code (the reporter's only key).

    A wrong code, a purged report and a report that never existed answer alike. Each attempt
    costs a proof of work (dearer while wrong codes flood in, see ``receipt_challenge``) and
    the same code may be tried only five times in 15 minutes."""
    try:
        normalised = receipts.normalise(code)
    except receipts.MalformedCode as exc:
        raise PortalRefused(str(exc), key="malformed_code", field="code") from exc
    digest = receipts.lookup_digest(normalised)
    if over_limit(f"code-fail:{digest}", limit=5, window_seconds=900, count=False):
        raise PortalRefused("too many wrong receipt codes", key="rate_limited")
    with transaction.atomic():
        proof.spend(pow_token, pow_nonce, purpose="receipt")
    report = Report.objects.filter(lookup_digest=digest).first()
    if report is None:
        receipts.burn_equal_time(normalised)
    if report is None or not receipts.verify(normalised, report.code_salt, report.code_hash):
        over_limit("receipt-fail", limit=_receipt_failures_per_minute(), window_seconds=60)
        over_limit(f"code-fail:{digest}", limit=5, window_seconds=900)
        raise PortalRefused("no report matches that receipt code", key="wrong_code",
                            field="code")
    if over_limit(f"report-open:{report.pk}", limit=30, window_seconds=3600):
        raise PortalRefused("this report was opened too often in the last hour",
                            key="rate_limited")
    return report


def reporter_token(report: Report) -> str:
    """A short-lived signed key to the opened report, so the code is not sent again."""
    return signing.dumps({"r": report.lookup_digest}, salt=_REPORTER_SIGNING_SALT)


def report_for_reporter(token: str) -> Report:
    max_age = int(getattr(settings, "TIAKI_REPORTER_SESSION_SECONDS", 30 * 60))
    try:
        data = signing.loads(token or "", salt=_REPORTER_SIGNING_SALT, max_age=max_age)
        return Report.objects.get(lookup_digest=str(data["r"]))
    except (signing.BadSignature, KeyError, TypeError, Report.DoesNotExist) as exc:
        raise PortalRefused("the reporter's page expired", key="session_expired") from exc


def reporter_add(*, report: Report, body: str,
                 attachments: Sequence[UploadedFile] = ()) -> ReportMessage:
    """The reporter answers a question or adds information (two-way, still anonymous)."""
    if report.status == Report.Status.CLOSED:
        raise PortalRefused("the report is closed", key="report_closed")
    text = _clean_text(body, "message", required=True)
    prepared = _prepare(attachments)
    per_hour = int(getattr(settings, "TIAKI_REPORTER_MESSAGES_PER_HOUR", 6))
    if over_limit(f"report-add:{report.pk}", limit=per_hour, window_seconds=3600):
        raise PortalRefused("too many messages on this report in the last hour",
                            key="rate_limited")
    written: list[str] = []
    try:
        with transaction.atomic():
            message = ReportMessage.objects.create(
                report=report, direction=ReportMessage.Direction.FROM_REPORTER, body=text)
            _store(report, message, prepared, written)
            new_tokens = report_tokens(place="", people=text, what_seen=text)
            ReportToken.objects.bulk_create(
                [ReportToken(report=report, kind=k, value=v) for k, v in new_tokens],
                ignore_conflicts=True)
            audit_record(actor=None, action=Action.UPDATE, obj=report,
                         summary=f"The reporter added information to {report.reference}",
                         changes={"message": message.pk,
                                  "attachments": [p.sha256 for p in prepared]})
            if report.assignee is not None:
                notify(kind=Kind.REPORT, recipients=[report.assignee],
                       subject=f"New information on report {report.reference}",
                       body="The reporter added information.", url=_detail_url(report),
                       from_public=True)
    except BaseException:
        _discard(written)
        raise
    return message


def reporter_thread(report: Report) -> list[ReportMessage]:
    """What the reporter may read: their own messages and replies to them, never notes."""
    return list(report.messages.exclude(direction=ReportMessage.Direction.INTERNAL))


# --------------------------------------------------------------------------- triage


def _touch(report: Report) -> None:
    if report.first_action_at is None:
        report.first_action_at = timezone.now()
    if report.status == Report.Status.NEW:
        report.status = Report.Status.IN_PROGRESS


def _open(report: Report) -> None:
    if report.status == Report.Status.CLOSED:
        raise Refused(_("report %(reference)s is closed") % {"reference": report.reference})


def triage_assign(*, report: Report, actor: Any, assignee: User) -> Report:
    policy_for(Report).check(actor, TRIAGE, report)
    _open(report)
    if not policy_for(Report).allows(assignee, TRIAGE, report):
        raise Refused(_("%(username)s cannot triage this report (needs a triage role in an "
                        "agency the report was routed to)") % {
                            "username": assignee.get_username()})
    with transaction.atomic():
        before = report.assignee.get_username() if report.assignee else ""
        report.assignee = assignee
        _touch(report)
        report.save(update_fields=["assignee", "first_action_at", "status"])
        audit_record(actor=actor, action=Action.UPDATE, obj=report,
                     summary=f"{report.reference} assigned to {assignee.get_username()}",
                     changes={"assignee": [before, assignee.get_username()]})
        if assignee.pk != getattr(actor, "pk", None):
            notify(recipients=[assignee], subject=f"Report {report.reference} assigned to you",
                   kind=Kind.REPORT,
                   body=f"Priority: {report.get_priority_display()}.", url=_detail_url(report))
    return report


def triage_prioritise(*, report: Report, actor: Any, priority: str) -> Report:
    policy_for(Report).check(actor, TRIAGE, report)
    _open(report)
    if priority not in Report.Priority.values:
        raise Refused(_("unknown priority %(priority)s") % {"priority": repr(priority)})
    with transaction.atomic():
        before = report.priority
        report.priority = priority
        report.risk_to_life = report.risk_to_life or priority == Report.Priority.RISK_TO_LIFE
        _touch(report)
        report.save(update_fields=["priority", "risk_to_life", "first_action_at", "status"])
        audit_record(actor=actor, action=Action.UPDATE, obj=report,
                     summary=f"{report.reference} priority: {report.get_priority_display()}",
                     changes={"priority": [before, priority]})
        if report.assignee is not None and report.assignee.pk != getattr(actor, "pk", None):
            notify(kind=Kind.REPORT, recipients=[report.assignee],
                   subject=f"Report {report.reference} is now {report.get_priority_display()}",
                   url=_detail_url(report))
    return report


def triage_reply(*, report: Report, actor: Any, body: str, internal: bool = False
                 ) -> ReportMessage:
    """Reply to the anonymous reporter (read on their follow-up page) or add a note."""
    policy_for(Report).check(actor, TRIAGE, report)
    if not internal:
        _open(report)
    text = _CONTROL.sub("", body or "").strip()
    if not text:
        raise Refused(_("the message is empty"))
    if len(text) > LIMITS["message"]:
        raise Refused(_("the message is too long (at most %(limit)s characters)")
                      % {"limit": LIMITS["message"]})
    direction = (ReportMessage.Direction.INTERNAL if internal
                 else ReportMessage.Direction.TO_REPORTER)
    with transaction.atomic():
        message = ReportMessage.objects.create(report=report, direction=direction, body=text,
                                               author=actor)
        _touch(report)
        report.save(update_fields=["first_action_at", "status"])
        audit_record(actor=actor, action=Action.CREATE, obj=message,
                     summary=(f"Note on {report.reference}" if internal
                              else f"Reply to the reporter of {report.reference}"),
                     changes={"report": report.pk, "direction": direction})
    return message


def triage_link(*, report: Report, actor: Any, other: Report, kind: str,
                reason: str = "") -> ReportLink:
    """Link a duplicate or related report; ``other`` must already be visible to ``actor``."""
    policy_for(Report).check(actor, TRIAGE, report)
    if kind not in ReportLink.Kind.values:
        raise Refused(_("unknown link kind %(kind)s") % {"kind": repr(kind)})
    if other.pk == report.pk:
        raise Refused(_("a report cannot be linked to itself"))
    pair = models.Q(from_report=report, to_report=other) | models.Q(from_report=other,
                                                                    to_report=report)
    if ReportLink.objects.filter(pair).exists():
        raise Refused(_("%(reference)s and %(other)s are already linked")
                      % {"reference": report.reference, "other": other.reference})
    with transaction.atomic():
        link = ReportLink.objects.create(from_report=report, to_report=other, kind=kind,
                                         reason=reason.strip()[:300], created_by=actor)
        _touch(report)
        report.save(update_fields=["first_action_at", "status"])
        audit_record(actor=actor, action=Action.CREATE, obj=link,
                     summary=f"{report.reference} {kind} of {other.reference}",
                     changes={"from": report.pk, "to": other.pk, "kind": kind})
    return link


def triage_close(*, report: Report, actor: Any, outcome: str, note: str = "") -> Report:
    """Record the outcome and close; the retention period starts now."""
    policy_for(Report).check(actor, TRIAGE, report)
    _open(report)
    if outcome not in Report.Outcome.values:
        raise Refused(_("unknown outcome %(outcome)s") % {"outcome": repr(outcome)})
    with transaction.atomic():
        report.outcome = outcome
        report.outcome_note = note.strip()[:5000]
        _touch(report)
        report.status = Report.Status.CLOSED
        report.closed_at = timezone.now()
        report.save(update_fields=["outcome", "outcome_note", "first_action_at", "status",
                                   "closed_at"])
        audit_record(actor=actor, action=Action.UPDATE, obj=report,
                     summary=f"{report.reference} closed: {report.get_outcome_display()}",
                     changes={"outcome": outcome, "status": "closed"})
        if outcome == Report.Outcome.INVESTIGATION:
            _tell_minister(actor=actor, kind="report", reference=report.reference,
                           region=report.get_region_display(),
                           exploitation=report.get_industry_display(),
                           child=report.child_involved or None)
    return report


def _tell_minister(*, actor: Any, kind: str, reference: str, region: str, exploitation: str,
                   child: bool | None, age: int | None = None) -> None:
    """Seed 002: the Minister is told of trafficking cases "as they arise", here when a
    report or screening is triaged as suspected trafficking (anonymised; see
    ``tiaki.cases.services.minister``)."""
    from tiaki.cases.services.minister import age_band, minister_notify

    minister_notify(actor=actor, kind=kind, reference=reference, agency=str(actor.agency),
                    region=region, exploitation=exploitation,
                    band=age_band(age, child=child))


# --------------------------------------------------------------------------- retention


def reports_purge(*, now: dt.datetime | None = None, actor: Any = None) -> list[str]:
    """Delete closed reports older than the retention period, with their attachments.

    Each purge is one transaction with its own audit row (issue 3: "Reports are retained
    for a configurable period after closure, then purged (attachments too), with the purge
    recorded in the audit trail"). Files are removed once the deletion has committed."""
    days = retention_days()
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    purged: list[str] = []
    due = Report.objects.filter(status=Report.Status.CLOSED, closed_at__lt=cutoff)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            report = Report.objects.select_for_update().filter(pk=pk).first()
            if report is None:
                continue
            files = [a.file.name for a in report.attachments.all()]
            reference = report.reference
            audit_record(actor=actor, action=Action.PURGE, object_type="intake.report",
                         object_id=str(pk),
                         summary=f"Report {reference} purged {days} days after closure",
                         changes={"closed_at": report.closed_at, "outcome": report.outcome,
                                  "attachments": len(files), "retention_days": days})
            report.delete()
            transaction.on_commit(lambda names=files: _discard(names))  # type: ignore[misc]
        purged.append(reference)
    proof.forget_expired(now)
    return purged



# --------------------------------------------------------------------------- translations


def catalogue_approve(*, actor: Any, language: str, reviewer_name: str, fluent: bool,
                      note: str = "") -> CatalogueReview:
    """Record that a fluent person reviewed this exact version of a portal language.

    Issue 3: "A translation that has not been reviewed by a fluent person is marked as such
    in the data and on the page; reviewers can approve." The approval is tied to the file's
    content hash: editing the file withdraws it."""
    if not actor.has_role(*TRANSLATION_ROLES):
        raise Refused(_("only the secretariat or an administrator records translation reviews"))
    catalogue = i18n.catalogues().get(language)
    if catalogue is None:
        raise Refused(_("there is no portal language %(language)s") % {"language": repr(language)})
    if language == i18n.SOURCE_LANGUAGE:
        raise Refused(_("English is the source text; it is not reviewed as a translation"))
    if not fluent:
        raise Refused(_("only a person fluent in the language may approve its translation"))
    name = reviewer_name.strip()
    if not name:
        raise Refused(_("give the reviewer's name"))
    if i18n.is_reviewed(catalogue):
        raise Refused(_("this version of %(language)s is already reviewed")
                      % {"language": catalogue.english_name})
    with transaction.atomic():
        review = CatalogueReview.objects.create(
            language=language, sha256=catalogue.sha256, reviewer=actor,
            reviewer_name=name[:200], note=note.strip()[:2000])
        audit_record(actor=actor, action=Action.UPDATE, obj=review,
                     summary=f"Portal translation {catalogue.english_name} approved by {name}",
                     changes={"language": language, "sha256": catalogue.sha256,
                              "reviewer": name})
    return review


# --------------------------------------------------------------------------- screening


@dataclass(frozen=True)
class ScreeningInput:
    """What the official recorded (the form and the API use the same fields)."""

    subject_label: str
    exploitation_type: str
    indicators: frozenset[str]
    setting: str = ""
    age: int | None = None
    age_group: str = ""  # "adult", "child" or "" (not known)
    acts: frozenset[str] = frozenset()
    flags: dict[str, bool | None] | None = None
    notes: str = ""
    conduct_date: dt.date | None = None  # the legal test applies the law of that day
    alert_id: int | None = None  # the border alert it was opened from, if any


# The kinds of exploitation a screening asks about, as people read them (the Minister's
# notices, the screening pages).
SCREENING_EXPLOITATION = {"labour": "Labour exploitation", "sexual": "Sexual exploitation",
                          "other": "Other exploitation"}


def _result_json(assessment: Assessment) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(assessment), default=sorted))
    return data


def screening_record(*, actor: Any, data: ScreeningInput) -> Screening:
    """Screen one person against the ILO/EC indicators and the legal test (seed 002
    goal 4 and items 1-2; Palermo Protocol art. 3; Crimes Act 1961 s98D). The engine's
    result and version are stored with the screening; the official decides afterwards."""
    if not actor.has_role(*SCREENING_ROLES):
        raise Refused(_("your role does not carry out screenings"))
    if actor.agency is None:
        raise Refused(_("you do not belong to an agency"))
    label = _CONTROL.sub("", data.subject_label).strip()
    if not label:
        raise Refused(_("give a label for the person screened (not their name)"))
    if data.age is not None and not 0 <= data.age <= 120:
        raise Refused(_("the age must be between 0 and 120"))
    if data.exploitation_type not in {"labour", "sexual", "other"}:
        raise Refused(_("choose the kind of exploitation suspected"))
    flags = dict(data.flags or {})
    unknown = sorted(set(flags) - set(FACT_FLAGS))
    if unknown:
        raise Refused(_("unknown fact(s): %(unknown)s") % {"unknown": ', '.join(unknown)})
    is_child = {"adult": False, "child": True}.get(data.age_group)
    rules = ruleset()
    limit = rules.legal.child_under_age
    if is_child is not None and data.age is not None and is_child != (data.age < limit):
        # The engine refuses this too, in its own terms; the official reads it in words.
        raise Refused(_("the age given (%(age)s) contradicts the choice of adult or child (a "
                        "child is under %(limit)s)") % {"age": data.age, "limit": limit})
    try:
        known: dict[str, Any] = {k: v for k, v in flags.items() if v is not None}
        facts = Facts(age=data.age, is_child=is_child,
                      exploitation_type=data.exploitation_type,  # type: ignore[arg-type]
                      acts=frozenset(data.acts), conduct_date=data.conduct_date, **known)
        assessment = assess(rules, Observations(indicators=frozenset(data.indicators),
                                                facts=facts))
    except ObservationError as exc:
        raise Refused(str(exc)) from exc
    alert = None
    if data.alert_id is not None:
        from tiaki.screening.models import Alert

        # Only an alert the official may open can be named (404 alike otherwise).
        alert = get_visible(actor, Alert, pk=data.alert_id)
    with transaction.atomic():
        screening = Screening.objects.create(
            official=actor, agency=actor.agency, subject_label=label[:200], alert=alert,
            setting=_CONTROL.sub("", data.setting).strip()[:300], age=data.age,
            exploitation_type=data.exploitation_type, indicators=sorted(data.indicators),
            facts={"age_group": data.age_group, "acts": sorted(data.acts), **flags,
                   "conduct_date": data.conduct_date.isoformat() if data.conduct_date else None},
            notes=_CONTROL.sub("", data.notes).strip()[:10_000],
            recommendation=assessment.recommendation,
            smuggling_likely=assessment.smuggling_likely,
            result=_result_json(assessment), engine_version=assessment.engine_version,
        )
        audit_record(actor=actor, action=Action.CREATE, obj=screening,
                     summary=f"Screening {screening.reference}: engine recommends "
                             f"{assessment.recommendation}",
                     changes={"engine_version": assessment.engine_version,
                              "recommendation": assessment.recommendation,
                              "smuggling_likely": assessment.smuggling_likely,
                              "indicators": len(data.indicators)})
    return screening


def screening_decide(*, screening: Screening, actor: Any, decision: str,
                     note: str = "") -> Screening:
    """The official's own decision (issue 3: "A person decides; the decision and the
    engine's version are recorded"). One decision, one action: deciding "refer for
    investigation" puts the screening in the triage queue in the same transaction."""
    policy_for(Screening).check(actor, "decide", screening)
    if decision not in Screening.Decision.values:
        raise Refused(_("unknown decision %(decision)s") % {"decision": repr(decision)})
    if screening.decision:
        raise Refused(_("a decision is already recorded for this screening"))
    text = _CONTROL.sub("", note).strip()
    if decision != screening.recommendation and not text:
        raise Refused(_("say why your decision differs from the engine's recommendation"))
    with transaction.atomic():
        screening.decision = decision
        screening.decision_note = text[:5000]
        screening.decided_at = timezone.now()
        screening.save(update_fields=["decision", "decision_note", "decided_at"])
        audit_record(actor=actor, action=Action.UPDATE, obj=screening,
                     summary=f"Screening {screening.reference}: decided {decision}",
                     changes={"decision": decision, "recommendation": screening.recommendation,
                              "engine_version": screening.engine_version})
        if decision == Screening.Decision.REFER:
            _refer(screening=screening, actor=actor)
            _tell_minister(actor=actor, kind="screening", reference=screening.reference,
                           region="",
                           exploitation=SCREENING_EXPLOITATION.get(screening.exploitation_type,
                                                                   screening.exploitation_type),
                           child={"child": True, "adult": False}.get(
                               screening.result.get("age_group", "")),
                           age=screening.age)
    return screening


def screening_refer(*, screening: Screening, actor: Any) -> Report:
    """Refer a screening whose decision to refer was recorded before referral came with the
    decision (older rows); a new "refer" decision refers by itself (``screening_decide``)."""
    policy_for(Screening).check(actor, "refer", screening)
    if screening.report_id is not None:
        raise Refused(_("this screening was already referred"))
    if screening.decision != Screening.Decision.REFER:
        raise Refused(_("record a decision to refer before referring"))
    with transaction.atomic():
        return _refer(screening=screening, actor=actor)


def _refer(*, screening: Screening, actor: Any) -> Report:
    """Put a screening into the triage queue for Police and MBIE (seed 002 goal 4;
    seed 004), as a report from the official's agency."""
    result = screening.result
    met = [f"{name}: {', '.join(e['met_values'] or e['values']) or 'missing'} ({e['status']})"
           for name, e in result.get("elements", {}).items()]
    summary = "\n".join([
        f"Referred from screening {screening.reference} by {actor.get_username()} "
        f"({actor.agency}).",
        f"Person: {screening.subject_label}. Setting: {screening.setting or 'not given'}.",
        f"Engine recommendation: {screening.recommendation}; official's decision: refer.",
        "Legal elements: " + "; ".join(met),
        *result.get("reasons", []),
        f"Official's note: {screening.decision_note}" if screening.decision_note else "",
        f"Rules: {screening.engine_version}",
    ]).strip()
    joined = _alert_report(screening)
    if joined is not None:
        # The officer already reported this person as suspected trafficking on the alert:
        # one person, one triage item. The screening joins the alert's report, and its
        # findings go to the triagers as a note on it.
        ReportMessage.objects.create(report=joined, direction=ReportMessage.Direction.INTERNAL,
                                     body=summary[:LIMITS["message"]], author=actor)
        screening.report = joined
        screening.save(update_fields=["report"])
        receivers = [r.agency for r in joined.routes.select_related("agency")]
        notify(kind=Kind.REPORT, recipients=_staff_of(receivers, TRIAGE_ROLES),
               subject=f"Report {joined.reference}: screening {screening.reference} refers",
               body="The frontline screening of the person on the border alert recommends "
                    "investigation; its findings are a note on the report.",
               url=_detail_url(joined))
        audit_record(actor=actor, action=Action.UPDATE, obj=screening,
                     summary=f"Screening {screening.reference} referred into "
                             f"{joined.reference} (the report on its border alert)",
                     changes={"report": joined.pk, "alert": screening.alert_id})
        return joined
    child = result.get("age_group") == "child"
    industry = {"sexual": Industry.SEX_INDUSTRY}.get(screening.exploitation_type,
                                                     Industry.UNKNOWN)
    submitted = report_submit(
        fields=ReportFields(what_seen=summary[:LIMITS["what_seen"]], industry=industry,
                            children=YesNoUnknown.YES if child else YesNoUnknown.UNKNOWN,
                            place=screening.setting[:LIMITS["place"]]),
        pow_token="", pow_nonce="", channel=Channel.SCREENING,
        source_agency=actor.agency,
    )
    report = submitted.report
    screening.report = report
    screening.save(update_fields=["report"])
    audit_record(actor=actor, action=Action.UPDATE, obj=screening,
                 summary=f"Screening {screening.reference} referred as {report.reference}",
                 changes={"report": report.pk})
    return report


def _alert_report(screening: Screening) -> Report | None:
    """The open report already made from the screening's border alert, if any."""
    if screening.alert_id is None:
        return None
    report = Report.objects.filter(alert_disposition__alert_id=screening.alert_id).exclude(
        status=Report.Status.CLOSED).first()
    if report is None or Screening.objects.filter(report=report).exists():
        return None
    return report


def alert_referral_submit(*, actor: Any, alert_reference: str, summary: str, place: str = "",
                          child: bool | None = None) -> Report:
    """A border officer's "suspected trafficking" disposition becomes a triage item for the
    agencies that receive referrals (data/intake/routing.yaml; seed 004: MBIE and Police
    investigate jointly), and their investigators are told at once. The report carries the
    alert's reference and the officer's account; the alert itself opens for whoever may
    triage the report (``tiaki.screening.policies.AlertPolicy``)."""
    if actor.agency is None:
        raise Refused(_("you do not belong to an agency"))
    text = _CONTROL.sub("", summary).strip()
    with transaction.atomic():
        report = report_submit(
            fields=ReportFields(what_seen=text[:LIMITS["what_seen"]],
                                children=(YesNoUnknown.UNKNOWN if child is None
                                          else YesNoUnknown.YES if child else YesNoUnknown.NO),
                                place=_CONTROL.sub("", place).strip()[:LIMITS["place"]]),
            pow_token="", pow_nonce="", channel=Channel.BORDER_ALERT, source_agency=actor.agency,
        ).report
        receivers = [route.agency for route in report.routes.select_related("agency")]
        notify(kind=Kind.REPORT, recipients=_staff_of(receivers, TRIAGE_ROLES),
               subject=f"Report {report.reference}: suspected trafficking at the border",
               body=(f"{actor.get_full_name() or actor.get_username()} ({actor.agency}) reported "
                     f"suspected trafficking on {alert_reference}. The report and the alert "
                     "open in Tiaki."),
               url=_detail_url(report))
        audit_record(actor=actor, action=Action.CREATE, obj=report,
                     summary=f"{alert_reference} referred for triage as {report.reference}",
                     changes={"routed_to": [a.code for a in receivers]})
    return report
