"""Forms for the privacy pages: they check shapes; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiaki.cases.services.common import IDENTITY_KEYS
from tiaki.privacy.models import AccessRequest, Breach
from tiaki.privacy.rules import privacy_rules

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


class RequestForm(forms.Form):
    case = forms.CharField(label=_("Case reference"), max_length=20,
                           help_text=_("The victim case the requester is identified against."))
    kind = forms.ChoiceField(label=_("The person asks to"), choices=AccessRequest.Kind.choices)
    requester = forms.ChoiceField(label=_("Who asks"), choices=AccessRequest.Requester.choices)
    identity_checked = forms.CharField(
        label=_("How the requester was identified"), max_length=300,
        help_text=_("For example: met in person by the case manager, answered the case's "
                    "security questions. Do not copy documents here."))
    summary = forms.CharField(label=_("What is asked for"), widget=TEXT)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)


class AcknowledgeForm(forms.Form):
    on = forms.DateField(label=_("Acknowledged on"), widget=DATE)


class ExtendForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for the extension"))
    working_days = forms.IntegerField(label=_("Extra working days"), min_value=1)
    notice_on = forms.DateField(label=_("Notice given to the requester on"), widget=DATE)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(r.code, r.label) for r in privacy_rules().extension_reasons]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=AccessRequest.Decision.choices)
    grounds = forms.MultipleChoiceField(label=_("Grounds for withholding"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    withheld_parts = forms.MultipleChoiceField(label=_("Parts withheld (access, in part)"),
                                               required=False,
                                               widget=forms.CheckboxSelectMultiple)
    on = forms.DateField(label=_("Decided on"), widget=DATE)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = privacy_rules()
        grounds, parts = self.fields["grounds"], self.fields["withheld_parts"]
        assert isinstance(grounds, forms.MultipleChoiceField)
        assert isinstance(parts, forms.MultipleChoiceField)
        grounds.choices = [(g.code, f"{g.label} ({g.provision})") for g in rules.grounds]
        parts.choices = [(p, p) for p in rules.export_parts]


class TransferForm(forms.Form):
    to = forms.CharField(label=_("Transferred to (agency)"), max_length=200)
    reason = forms.CharField(label=_("Why"), widget=TEXT)
    on = forms.DateField(label=_("Transferred on"), widget=DATE)


class CorrectForm(forms.Form):
    note = forms.CharField(label=_("What was corrected"), widget=TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in IDENTITY_KEYS:
            if key != "documents":
                self.fields[key] = forms.CharField(label=key.replace("_", " ").capitalize(),
                                                   max_length=200, required=False)


class StatementForm(forms.Form):
    statement = forms.CharField(label=_("Statement of the correction sought"), widget=TEXT)


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)


class ExportForm(forms.Form):
    confirm = forms.BooleanField(label=_("I am producing this for the requester"))


class BreachForm(forms.Form):
    kind = forms.ChoiceField(label=_("What kind of breach"), choices=Breach.Kind.choices)
    what_happened = forms.CharField(label=_("What happened"), widget=TEXT)
    found_at = forms.DateTimeField(label=_("When the agency became aware of it"),
                                   widget=DATETIME)
    occurred_on = forms.DateField(label=_("When it happened (if known)"), widget=DATE,
                                  required=False)
    cases = forms.CharField(label=_("Cases affected (references, comma-separated)"),
                            max_length=2000, required=False)
    records_affected = forms.CharField(label=_("Other records affected"), widget=TEXT,
                                       required=False)


class AssessForm(forms.Form):
    serious_harm_likely = forms.BooleanField(label=_("Serious harm is likely"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for factor in privacy_rules().harm_factors:
            self.fields[f"factor_{factor.code}"] = forms.CharField(
                label=factor.label, widget=forms.Textarea(attrs={"rows": 2}))


class BreachDecideForm(forms.Form):
    notifiable = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "yes",
        choices=[("yes", _("Notifiable: likely to cause serious harm")),
                 ("no", _("Not notifiable"))])
    reason = forms.CharField(label=_("Reason"), widget=TEXT)


class CommissionerForm(forms.Form):
    at = forms.DateTimeField(label=_("Notified at"), widget=DATETIME)
    how = forms.CharField(label=_("How (e.g. NotifyUs online form)"), max_length=200)
    reference = forms.CharField(label=_("Commissioner's reference"), max_length=100,
                                required=False)


class PersonForm(forms.Form):
    at = forms.DateTimeField(label=_("Notified at"), widget=DATETIME, required=False)
    how = forms.CharField(label=_("How"), max_length=200, required=False)
    exception = forms.ChoiceField(label=_("Or: exception relied on"), required=False)
    exception_reason = forms.CharField(label=_("Why the exception applies"), widget=TEXT,
                                       required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exception"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [(e.code, e.label) for e in privacy_rules().exceptions]


class BreachCloseForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)
