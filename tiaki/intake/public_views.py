"""The public reporting portal: no sign-in, no network identifiers, the reporter's language.

These views read only the form's fields. They never look at ``REMOTE_ADDR``, forwarding
headers or ``User-Agent``, and they set no cookie beyond Django's CSRF token: the receipt
code is the reporter's only key. Every response is ``no-store`` so a shared computer's
cache does not keep what was typed or the receipt.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from tiaki.intake import i18n
from tiaki.intake import pow as proof
from tiaki.intake.forms import ReceiptForm, ReporterMessageForm, ReportForm
from tiaki.intake.models import Channel, Report
from tiaki.intake.refusals import PortalRefused
from tiaki.intake.services import (
    ReportFields,
    max_attachment_bytes,
    max_attachments,
    receipt_challenge,
    receipt_open,
    report_for_reporter,
    report_submit,
    reporter_add,
    reporter_thread,
    reporter_token,
)


def _words(request: HttpRequest) -> i18n.Words:
    language = request.POST.get("lang") or request.GET.get("lang") or i18n.SOURCE_LANGUAGE
    return i18n.words_for(language[:12])


def _page(request: HttpRequest, template: str, words: i18n.Words, context: dict[str, Any],
          status: int = 200) -> HttpResponse:
    languages = [(c.language, c.name) for c in i18n.catalogues().values()]
    response = render(request, template, {"words": words, "languages": languages,
                                          "path": request.path, **context}, status=status)
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    return response


def _attachments_hint(words: i18n.Words) -> str:
    return words.t("attachments_hint", count=max_attachments(),
                   size=max_attachment_bytes() // (1024 * 1024))


def _refusal_text(words: i18n.Words, refusal: PortalRefused) -> str:
    try:
        return words.t(refusal.key, **refusal.params)
    except (KeyError, IndexError):
        return str(refusal)


def _new_challenge(purpose: str) -> proof.Challenge:
    return receipt_challenge() if purpose == "receipt" else proof.issue(purpose)


def _challenge(request: HttpRequest, purpose: str, refusal: PortalRefused | None = None
               ) -> proof.Challenge:
    """Keep the posted challenge when it was not used up, so a no-script reporter's wait
    is not restarted by a typing mistake. A receipt challenge is always used up."""
    posted = request.POST.get("pow_token", "")
    bits = proof.token_bits(posted)
    reusable = purpose != "receipt" and (
        refusal is None or refusal.key not in {"pow_failed", "pow_replayed"})
    if posted and bits is not None and reusable:
        return proof.Challenge(token=posted, bits=bits, wait_seconds=proof.wait_seconds())
    return _new_challenge(purpose)


@require_http_methods(["GET", "POST"])
def report_view(request: HttpRequest) -> HttpResponse:
    words = _words(request)
    hint = _attachments_hint(words)
    form = ReportForm(words, request.POST or None, request.FILES or None, attachments_hint=hint)
    error = ""
    refusal: PortalRefused | None = None
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                submitted = report_submit(
                    fields=ReportFields(
                        what_seen=data["what_seen"], region=data["region"], place=data["place"],
                        when_seen=data["when_seen"], people=data["people"],
                        industry=data["industry"], children=data["children"],
                        risk_to_life=data["risk_to_life"], contact=data["contact"],
                    ),
                    pow_token=request.POST.get("pow_token", ""),
                    pow_nonce=request.POST.get("pow_nonce", ""),
                    channel=Channel.PORTAL, language=words.lang_code,
                    attachments=data["attachments"], honeypot=request.POST.get("website", ""),
                )
            except PortalRefused as exc:
                refusal = exc
                error = _refusal_text(words, exc)
            else:
                return _page(request, "intake/public/receipt.html", words,
                             {"receipt": submitted.receipt})
        else:
            error = words.errors_heading
    challenge = _challenge(request, "report", refusal)
    return _page(request, "intake/public/report.html", words, {
        "form": form, "error": error, "challenge": challenge,
        "pow_nojs": words.t("pow_nojs", seconds=challenge.wait_seconds),
    }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def followup_view(request: HttpRequest) -> HttpResponse:
    """Enter the receipt code; read replies; answer and add information."""
    words = _words(request)
    hint = _attachments_hint(words)
    action = request.POST.get("action", "")
    error = notice = ""
    report: Report | None = None
    code_form = ReceiptForm(words, request.POST if action == "open" else None)
    message_form = ReporterMessageForm(words, attachments_hint=hint)
    if action == "open" and code_form.is_valid():
        try:
            report = receipt_open(code=code_form.cleaned_data["code"],
                                  pow_token=request.POST.get("pow_token", ""),
                                  pow_nonce=request.POST.get("pow_nonce", ""))
        except PortalRefused as exc:
            error = _refusal_text(words, exc)
    elif action == "add":
        try:
            report = report_for_reporter(request.POST.get("token", ""))
            message_form = ReporterMessageForm(words, request.POST, request.FILES,
                                               attachments_hint=hint)
            if message_form.is_valid():
                reporter_add(report=report, body=message_form.cleaned_data["body"],
                             attachments=message_form.cleaned_data["attachments"])
                notice = words.added
                message_form = ReporterMessageForm(words, attachments_hint=hint)
            else:
                error = words.errors_heading
        except PortalRefused as exc:
            error = _refusal_text(words, exc)
            if exc.key == "session_expired":
                report = None
    elif action == "open":
        error = words.errors_heading
    context: dict[str, Any] = {"error": error, "notice": notice, "code_form": code_form}
    if report is not None:
        context.update({
            "report": report, "thread": reporter_thread(report), "token": reporter_token(report),
            "message_form": message_form, "closed": report.status == Report.Status.CLOSED,
        })
    else:
        context["challenge"] = _new_challenge("receipt")
        context["pow_nojs"] = words.t("pow_nojs", seconds=proof.wait_seconds())
    status = 400 if error else 200
    return _page(request, "intake/public/followup.html", words, context, status=status)
