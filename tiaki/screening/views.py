"""Screening pages: officers' alert queues, analysts' risk profiles, ingestion, the lists."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tiaki.core.exports import export_response
from tiaki.core.policy import Refused, get_visible, policy_for, visible
from tiaki.core.refusals import refusal_kept
from tiaki.core.uploads import check_upload
from tiaki.intake.policies import TRIAGE_ROLES
from tiaki.screening import selectors, services
from tiaki.screening.forms import (
    DispositionForm,
    LostDocumentForm,
    LostDocumentImportForm,
    ProfileForm,
    RetireForm,
    TestCaseForm,
    UploadForm,
    VersionForm,
    WatchlistImportForm,
)
from tiaki.screening.lists import ALERTS, ALERTS_REPORTED, BATCH_ALERTS, BATCHES, LOST_DOCUMENTS
from tiaki.screening.models import (
    Alert,
    IngestBatch,
    LostDocument,
    Post,
    ProfileTestCase,
    RiskProfile,
    RiskProfileVersion,
)
from tiaki.screening.policies import (
    AUTHOR,
    DISPOSE,
    can_ingest,
    can_manage_documents,
    is_analyst,
    is_border_officer,
    reported_to,
)
from tiaki.screening.rules import FIELDS, FUNCTIONS, RuleError


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    reported = reported_to(request.user)
    _require(is_analyst(request.user) or is_border_officer(request.user)
             or bool(getattr(request.user, "has_role", lambda *r: False)(*TRIAGE_ROLES)))
    counts = selectors.queue_counts(request.user)
    code = request.GET.get("post") or ""
    post = get_visible(request.user, Post, code=code) if code else None
    # Investigators have no queue of their own: they see the alerts reported to them,
    # which all carry a disposition already.
    officer = is_analyst(request.user) or is_border_officer(request.user)
    listed = (ALERTS if officer else ALERTS_REPORTED).run(
        request, selectors.alert_list(request.user))
    if (exported := export_response(request, listed)) is not None:
        return exported
    return render(request, "screening/queue.html", {
        "counts": counts, "post": post, "listed": listed, "officer": officer,
        "reported": reported.count() if not officer else 0,
    })


@require_http_methods(["GET", "POST"])
def alert_view(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_visible(request.user, selectors.alerts_for(request.user), pk=pk)
    can_dispose = policy_for(Alert).allows(request.user, DISPOSE, alert)
    form = DispositionForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        with refusal_kept() as refused:
            disposition = services.alert_dispose(
                actor=request.user, alert=alert, outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"])
            said = {"pk": alert.pk, "outcome": disposition.get_outcome_display(),
                    "follow_up": disposition.follow_up}
            text = (_("Alert %(pk)s: %(outcome)s. %(follow_up)s.") if disposition.follow_up
                    else _("Alert %(pk)s: %(outcome)s.")) % said
            messages.success(request, text)
            if disposition.follow_up_url:
                # Suspected trafficking: straight on to the frontline screening.
                return redirect(disposition.follow_up_url)
            return redirect("screening:alert", pk=alert.pk)
        error = refused.reason or error
    if request.method == "GET":
        alert = selectors.alert_open(request.user, pk)
    else:
        alert = get_visible(request.user, selectors.alerts_for(request.user), pk=pk)
    return render(request, "screening/alert.html", {
        "alert": alert, "traveller": alert.traveller, "form": form, "error": error,
        "can_dispose": can_dispose and not hasattr(alert, "disposition"),
        "officer": is_analyst(request.user) or is_border_officer(request.user),
        "report_visible": selectors.disposition_report_visible(request.user, alert),
        "intelligence_link": selectors.intelligence_link(request.user, alert),
        "cases": visible(request.user, alert.cases.all()),
    }, status=400 if error or form.errors else 200)


@require_http_methods(["GET", "POST"])
def profiles_view(request: HttpRequest) -> HttpResponse:
    _require(is_analyst(request.user))
    form = ProfileForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        with refusal_kept() as refused:
            profile = services.profile_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Profile %(name)s written as a draft.") % {
                                          "name": profile.name})
            return redirect("screening:profile", pk=profile.pk)
        error = refused.reason or error
    total, by_month = selectors.border_reports(request.user)
    return render(request, "screening/profiles.html", {
        "profiles": selectors.profiles_for(request.user), "form": form, "error": error,
        "review": selectors.profile_review(request.user), "reports_total": total,
        "reports_by_month": by_month, "fields": FIELDS, "functions": FUNCTIONS,
        "fraud": selectors.document_fraud(request.user),
    }, status=400 if error or form.errors else 200)


def _profile_context(request: HttpRequest, profile: RiskProfile) -> dict[str, Any]:
    latest = profile.latest()
    return {
        "profile": profile, "latest": latest, "published": profile.published(),
        "versions": profile.versions.select_related("created_by", "published_by"),
        "tests": services.profile_tests_run(latest) if latest else [],
        "can_author": policy_for(RiskProfile).allows(request.user, AUTHOR, profile),
        "fields": FIELDS, "functions": FUNCTIONS,
    }


@require_http_methods(["GET", "POST"])
def profile_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One profile: edit (a new version), preview, test set, publish, retire.

    The ``action`` field of a POST names which form was sent.
    """
    profile = get_visible(request.user, RiskProfile, pk=pk)
    latest = profile.latest()
    initial = {"expression": latest.expression, "effective_from": latest.effective_from,
               "effective_to": latest.effective_to} if latest else {}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    version_form = VersionForm(request.POST if action in ("save", "preview") else None,
                               initial=initial)
    test_form = TestCaseForm(request.POST if action == "add_test" else None)
    retire_form = RetireForm(request.POST if action == "retire" else None)
    error = ""
    preview = None
    with refusal_kept() as refused:
        if action == "save" and version_form.is_valid():
            version = services.profile_version_save(actor=request.user, profile=profile,
                                                    **version_form.cleaned_data)
            messages.success(request, _("Version %(number)s saved as a draft.") % {
                                          "number": version.number})
            return redirect("screening:profile", pk=profile.pk)
        if action == "preview":
            expression = request.POST.get("expression", "")
            try:
                preview = selectors.profile_preview(request.user, expression)
            except RuleError as exc:
                error = f"The rule has an error at {exc}"
        if action == "add_test" and test_form.is_valid():
            services.profile_test_add(actor=request.user, profile=profile,
                                      **test_form.cleaned_data)
            messages.success(request, _("Test record added."))
            return redirect("screening:profile", pk=profile.pk)
        if action == "remove_test":
            case = get_visible(request.user, ProfileTestCase, pk=request.POST.get("case"),
                               profile=profile)
            services.profile_test_remove(actor=request.user, case=case)
            messages.success(request, _("Test record removed."))
            return redirect("screening:profile", pk=profile.pk)
        if action == "publish":
            version = get_visible(request.user, RiskProfileVersion,
                                  pk=request.POST.get("version"), profile=profile)
            services.profile_publish(actor=request.user, version=version)
            messages.success(request, _("Version %(number)s published: it now screens new "
                                        "records, travellers still to arrive and the last 30 "
                                        "days' visa applications.") % {"number": version.number})
            return redirect("screening:profile", pk=profile.pk)
        if action == "retire" and retire_form.is_valid():
            version = get_visible(request.user, RiskProfileVersion,
                                  pk=request.POST.get("version"), profile=profile)
            services.profile_retire(actor=request.user, version=version,
                                    reason=retire_form.cleaned_data["reason"])
            messages.success(request, _("Version %(number)s retired.") % {
                                          "number": version.number})
            return redirect("screening:profile", pk=profile.pk)
    error = refused.reason or error
    context = _profile_context(request, profile)
    context.update({"version_form": version_form, "test_form": test_form,
                    "retire_form": retire_form, "error": error, "preview": preview})
    invalid = error or (action and any(f.is_bound and f.errors for f in
                                       (version_form, test_form, retire_form)))
    return render(request, "screening/profile.html", context, status=400 if invalid else 200)


@require_http_methods(["GET", "POST"])
def ingest_view(request: HttpRequest) -> HttpResponse:
    _require(can_ingest(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with refusal_kept() as refused:
            # Not core.uploads.check_upload: passenger lists arrive in legacy encodings
            # (Windows-1252, EDIFACT UNOA with stray bytes) that it would refuse as binary;
            # the parsers detect the format and the encoding and refuse anything else.
            name = (upload.name or "upload").rsplit("/", 1)[-1][:200]
            if (upload.size or 0) > settings.TIAKI_MAX_UPLOAD_BYTES:
                raise Refused(_("%(name)s is larger than %(limit)s bytes; "
                                "ingest it with the tiaki ingest command") % {
                                  "name": name,
                                  "limit": format(settings.TIAKI_MAX_UPLOAD_BYTES, ",")})
            outcome = services.ingest_file(actor=request.user, data=upload.read(),
                                           file_name=name,
                                           kind=form.cleaned_data["kind"] or None)
            messages.success(request, _("%(summary)s.") % {"summary": outcome.summary()})
            return redirect("screening:batch", pk=outcome.batch.pk)
        error = refused.reason or error
    listed = BATCHES.run(request, selectors.batches_for(request.user))
    if request.method == "GET" and (exported := export_response(request, listed)) is not None:
        return exported
    return render(request, "screening/ingest.html", {
        "form": form, "error": error, "listed": listed,
    }, status=400 if error or form.errors else 200)


@require_GET
def batch_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_visible(request.user, IngestBatch, pk=pk)
    listed = BATCH_ALERTS.run(request, selectors.alerts_for(request.user).filter(batch=batch),
                              narrowed={"batch": batch.pk})
    if (exported := export_response(request, listed)) is not None:
        return exported
    # The progress panel polls this page for itself; the alerts list's own htmx requests
    # (paging, filters) take the whole page and pick their list out of it.
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and getattr(htmx, "target", None) != listed.dom_id
    return render(request, "screening/_progress.html" if partial else "screening/batch.html",
                  {"batch": batch, "listed": listed,
                   "running": batch.status in (IngestBatch.Status.READ,
                                               IngestBatch.Status.SCREENING)})


@require_http_methods(["GET", "POST"])
def watchlists_view(request: HttpRequest) -> HttpResponse:
    _require(is_analyst(request.user))
    form = WatchlistImportForm(request.POST or None, request.FILES or None)
    error = ""
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with refusal_kept() as refused:
            meta = check_upload(upload)
            outcome = services.watchlist_import(
                actor=request.user, data=upload.read(), file_name=meta.name,
                list_name=form.cleaned_data["list_name"], reason=form.cleaned_data["reason"],
                replace=form.cleaned_data["replace"])
            messages.success(request, _("%(added)s added, %(updated)s updated, %(unchanged)s "
                                        "unchanged, %(removed)s taken off.") % {
                                          "added": outcome.added, "updated": outcome.updated,
                                          "unchanged": outcome.unchanged,
                                          "removed": outcome.removed})
            problems = outcome.problems
            if not problems:
                return redirect("screening:watchlists")
        error = refused.reason or error
    return render(request, "screening/watchlists.html", {
        "form": form, "error": error, "problems": problems,
        "lists": selectors.watchlists(request.user),
    }, status=400 if error or form.errors else 200)


@require_http_methods(["GET", "POST"])
def documents_view(request: HttpRequest) -> HttpResponse:
    can_manage = can_manage_documents(request.user)
    documents = visible(request.user, LostDocument)
    _require(can_manage or documents.exists() or can_ingest(request.user))
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = LostDocumentForm(request.POST if action == "add" else None)
    import_form = LostDocumentImportForm(request.POST if action == "import" else None,
                                         request.FILES if action == "import" else None)
    error = ""
    problems: list[str] = []
    with refusal_kept() as refused:
        if action == "add" and form.is_valid():
            doc, created = services.lost_document_record(actor=request.user,
                                                         **form.cleaned_data)
            messages.success(request, (_("%(doc)s added.") if created
                                       else _("%(doc)s updated.")) % {"doc": doc})
            return redirect("screening:documents")
        if action == "import" and import_form.is_valid():
            upload = import_form.cleaned_data["file"]
            meta = check_upload(upload)
            outcome = services.lost_documents_import(actor=request.user, data=upload.read(),
                                                     file_name=meta.name)
            messages.success(request, _("%(added)s added, %(updated)s updated, %(unchanged)s "
                                        "unchanged.") % {
                                          "added": outcome.added, "updated": outcome.updated,
                                          "unchanged": outcome.unchanged})
            problems = outcome.problems
            if not problems:
                return redirect("screening:documents")
    error = refused.reason or error
    listed = LOST_DOCUMENTS.run(request, documents.filter(active=True))
    if not action and (exported := export_response(request, listed)) is not None:
        return exported
    return render(request, "screening/documents.html", {
        "form": form, "import_form": import_form, "error": error, "problems": problems,
        "listed": listed, "total": documents.filter(active=True).count(),
        "can_manage": can_manage,
    }, status=400 if error or (action and (form.errors or import_form.errors)) else 200)
