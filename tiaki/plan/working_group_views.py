"""The working group's page: meetings, actions, and who has not reported."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tiaki.accounts.models import Agency
from tiaki.accounts.roles import Role
from tiaki.core.exports import export_response
from tiaki.core.policy import Refused, get_visible, visible
from tiaki.plan import selectors
from tiaki.plan.meeting_lists import MEETINGS
from tiaki.plan.models import ActionItem
from tiaki.plan.views import _plan
from tiaki.plan.working_group import Meeting, WorkingGroupAction
from tiaki.plan.working_group_services import (
    meeting_action_add,
    meeting_action_done,
    meeting_decision_add,
    meeting_record,
)

DATE = forms.DateInput(attrs={"type": "date"})


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=DATE)
    agenda = forms.CharField(label=gettext_lazy("Agenda"),
                             widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label=gettext_lazy("Minutes"),
                              widget=forms.Textarea(attrs={"rows": 4}), required=False)
    present = forms.ModelMultipleChoiceField(Agency.objects.filter(active=True), required=False,
                                             label=gettext_lazy("Present"))
    apologies = forms.ModelMultipleChoiceField(Agency.objects.filter(active=True),
                                               required=False, label=gettext_lazy("Apologies"))


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"),
                             choices=[("decision", gettext_lazy("Decision")),
                                      ("action", gettext_lazy("Action"))])
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 2}))
    item = forms.ModelChoiceField(ActionItem.objects.none(), required=False,
                                  label=gettext_lazy("Item"))
    owner_agency = forms.ModelChoiceField(Agency.objects.filter(active=True), required=False,
                                          label=gettext_lazy("Owner agency"),
                                          help_text=gettext_lazy("for an action"))
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=DATE, required=False,
                             help_text=gettext_lazy("for an action"))


@require_http_methods(["GET", "POST"])
def working_group_view(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    today = timezone.localdate()
    form = MeetingForm(request.POST or None)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_record(actor=request.user, plan=plan, **form.cleaned_data)
        except Refused as refusal:
            messages.error(request, refusal.reason)
            refused = True
        else:
            return redirect("plan:meeting", pk=meeting.pk)
    actions = visible(request.user, WorkingGroupAction).filter(
        meeting__plan=plan, done_on__isnull=True).select_related("owner_agency", "item")
    meetings = MEETINGS.run(request, visible(request.user, Meeting).filter(plan=plan))
    if request.method == "GET" and (exported := export_response(request, meetings)) is not None:
        return exported
    return render(request, "plan/working_group.html", {
        "plan": plan, "form": form, "today": today,
        "meetings": meetings,
        "open_actions": actions, "gaps": selectors.reporting_gaps(plan, today),
        "is_secretariat": request.user.has_role(Role.SECRETARIAT),  # type: ignore[union-attr]
    }, status=400 if form.errors or refused else 200)


@require_http_methods(["GET", "POST"])
def meeting_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request)
    meeting = get_visible(request.user, Meeting, pk=pk)
    form = OutcomeForm(request.POST or None)
    form.fields["item"].queryset = plan.items.all()  # type: ignore[attr-defined]
    if request.method == "POST" and "done" in request.POST:
        action = get_visible(request.user, WorkingGroupAction, pk=request.POST["done"])
        try:
            meeting_action_done(actor=request.user, action=action)
        except Refused as refusal:
            messages.error(request, refusal.reason)
        return redirect("plan:meeting", pk=pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "decision":
                meeting_decision_add(actor=request.user, meeting=meeting, text=data["text"],
                                     item=data["item"])
            else:
                if data["owner_agency"] is None or data["due_on"] is None:
                    raise Refused(_("an action needs an owning agency and a due date"))
                meeting_action_add(actor=request.user, meeting=meeting, text=data["text"],
                                   owner_agency=data["owner_agency"], due_on=data["due_on"],
                                   item=data["item"])
        except Refused as refusal:
            messages.error(request, refusal.reason)
        return redirect("plan:meeting", pk=pk)
    return render(request, "plan/meeting.html", {
        "meeting": meeting, "form": form, "today": timezone.localdate(),
        "is_secretariat": request.user.has_role(Role.SECRETARIAT),  # type: ignore[union-attr]
    })
