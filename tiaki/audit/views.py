from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.audit.selectors import audit_search_recorded
from tiaki.core.pagination import EstimatedCountPaginator


class AuditSearchForm(forms.Form):
    actor = forms.CharField(required=False, label="Username")
    agency = forms.CharField(required=False)
    action = forms.ChoiceField(required=False, choices=[("", "Any"), *AuditEvent.Action.choices])
    object_type = forms.CharField(required=False, label="Record type")
    object_id = forms.CharField(required=False, label="Record id")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.AUDITOR, Role.ADMINISTRATOR):  # type: ignore[union-attr]
        raise PermissionDenied("Only auditors search the audit trail.")
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_search_recorded(request.user, **filters)
    # The whole trail is millions of rows: its page count is estimated (see pagination).
    page = EstimatedCountPaginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html",
                  {"form": form, "page": page, "query": query.urlencode()})
