from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from tiaki.accounts.roles import Role
from tiaki.audit.lists import AUDIT_TRAIL
from tiaki.audit.models import AuditEvent
from tiaki.audit.selectors import audit_search_recorded
from tiaki.core.exports import export_response


class AuditSearchForm(forms.Form):
    actor = forms.CharField(required=False, label=_("Username"))
    agency = forms.CharField(required=False, label=_("Agency"))
    action = forms.ChoiceField(required=False, label=_("Action"),
                               choices=[("", _("Any")), *AuditEvent.Action.choices])
    object_type = forms.CharField(required=False, label=_("Record type"))
    object_id = forms.CharField(required=False, label=_("Record id"))
    since = forms.DateField(required=False, label=_("Since"),
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label=_("Until"),
                            widget=forms.DateInput(attrs={"type": "date"}))


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.AUDITOR, Role.ADMINISTRATOR):  # type: ignore[union-attr]
        raise PermissionDenied("Only auditors search the audit trail.")
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_search_recorded(request.user, **filters)
    # The whole trail is millions of rows: it is counted only up to a cap (see lists).
    listed = AUDIT_TRAIL.run(request, events, narrowed=filters)
    if (exported := export_response(request, listed)) is not None:
        return exported
    return render(request, "audit/search.html", {"form": form, "listed": listed})
