"""Forms for the cases pages: they validate input; the services decide."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency
from tiaki.cases import catalogue
from tiaki.cases.models import (
    Gender,
    HumanitarianAssessment,
    ImmigrationApplication,
    RiskAssessment,
)
from tiaki.cases.services import CLOSURE_REASONS, WITNESS_STATUSES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"})
CHECKBOXES = forms.CheckboxSelectMultiple


def _date(label: StrOrPromise, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, **kwargs)


def _translated(labels: dict[str, str]) -> Any:
    """Choices read in the page's language; the dictionaries keep the English for records."""
    return lambda: [(code, gettext(label)) for code, label in labels.items()]


class IdentityForm(forms.Form):
    """The identifying details: stored only encrypted (tiaki.core.crypto)."""

    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    other_names = forms.CharField(label=_("Other names used"), max_length=200, required=False)
    date_of_birth = _date(_("Date of birth"), required=False)
    document_type = forms.CharField(label=_("Identity document type"), max_length=60,
                                    required=False, help_text=_("For example: passport"))
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    document_country = forms.CharField(label=_("Issuing country"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=60, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Current address"), max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def identity(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "given_names": data["given_names"], "family_name": data["family_name"],
            "other_names": data["other_names"], "date_of_birth": data["date_of_birth"],
            "documents": [{"type": data["document_type"], "number": data["document_number"],
                           "country": data["document_country"]}],
            "phone": data["phone"], "email": data["email"], "address": data["address"],
        }

    @classmethod
    def initial_from(cls, details: dict[str, Any]) -> dict[str, Any]:
        document = (details.get("documents") or [{}])[0]
        return {**{k: details.get(k, "") for k in ("given_names", "family_name", "other_names",
                                                    "date_of_birth", "phone", "email",
                                                    "address")},
                "document_type": document.get("type", ""),
                "document_number": document.get("number", ""),
                "document_country": document.get("country", "")}


class CaseForm(IdentityForm):
    """Minimal collection: only what the services downstream need (issue 4)."""

    age = forms.IntegerField(label=_("Age in years"), min_value=0, max_value=120, required=False,
                             help_text=_("Leave empty if the date of birth is given or unknown."))
    apparent_child = forms.BooleanField(label=_("Appears to be under 18 (age unknown)"),
                                        required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices],
                               required=False)
    nationality = forms.CharField(label=_("Nationality"), max_length=60, required=False)
    languages = forms.CharField(label=_("Languages"), max_length=200, required=False,
                                help_text=_("Comma-separated, the preferred language first."))
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    exploitation_types = forms.MultipleChoiceField(label=_("Types of exploitation"),
                                                   widget=CHECKBOXES, required=False)
    methods_of_control = forms.MultipleChoiceField(label=_("Methods of control"),
                                                   widget=CHECKBOXES, required=False)
    recruitment_methods = forms.MultipleChoiceField(label=_("How the person was recruited"),
                                                    widget=CHECKBOXES, required=False)
    relationship_to_trafficker = forms.ChoiceField(label=_("Relationship to the trafficker"),
                                                   required=False)
    recruitment_place = forms.CharField(label=_("Place of recruitment"), max_length=120,
                                        required=False)
    recruitment_country = forms.CharField(label=_("Country of recruitment"), max_length=60,
                                          required=False)
    recruitment_date = _date(_("Date of recruitment"), required=False)
    transit_place = forms.CharField(label=_("Place of transit"), max_length=120, required=False)
    transit_country = forms.CharField(label=_("Country of transit"), max_length=60, required=False)
    transit_date = _date(_("Date of transit"), required=False)
    exploitation_place = forms.CharField(label=_("Place of exploitation"), max_length=120,
                                         required=False)
    exploitation_country = forms.CharField(label=_("Country of exploitation"), max_length=60,
                                           required=False)
    exploitation_date = _date(_("Exploitation began"), required=False)
    source_report = forms.CharField(label=_("Report reference"), max_length=40, required=False)
    source_screening = forms.CharField(label=_("Screening reference"), max_length=40,
                                       required=False)
    referring_agency = forms.ModelChoiceField(label=_("Referred by"), required=False,
                                              queryset=Agency.objects.filter(active=True))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exploitation_types"].choices = catalogue.choices("exploitation_types")  # type: ignore[attr-defined]
        self.fields["methods_of_control"].choices = catalogue.choices("methods_of_control")  # type: ignore[attr-defined]
        self.fields["recruitment_methods"].choices = catalogue.choices("methods_of_recruitment")  # type: ignore[attr-defined]
        self.fields["relationship_to_trafficker"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *catalogue.choices("relationships_to_trafficker")]

    def events(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [{"kind": kind, "place": data[f"{kind}_place"],
                 "country": data[f"{kind}_country"], "date_from": data[f"{kind}_date"]}
                for kind in ("recruitment", "transit", "exploitation")]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need this?"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Recorded in the audit trail with your name."))


class CertificationRequestForm(forms.Form):
    """Evidence assessed against each s98D element (act, means, purpose)."""

    witness_statements = forms.CharField(
        label=_("Witness statements considered"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say which statements were assessed; do not copy names into this box."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.elements = catalogue.s98d_elements()
        for element in self.elements:
            self.fields[f"{element.code}_findings"] = forms.MultipleChoiceField(
                label=f"{element.label}: {element.question}", required=False,
                choices=[(t.code, t.label) for t in element.values], widget=CHECKBOXES,
                help_text=element.nz)
            self.fields[f"{element.code}_evidence"] = forms.CharField(
                label=gettext("%(label)s: evidence") % {"label": element.label}, required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}))

    def assessment(self) -> dict[str, dict[str, Any]]:
        return {e.code: {"findings": self.cleaned_data[f"{e.code}_findings"],
                         "evidence": self.cleaned_data[f"{e.code}_evidence"]}
                for e in self.elements}


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"))
    granted = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Consent given")),
                                              ("no", _("Consent withdrawn"))])
    how_obtained = forms.CharField(label=_("How consent was obtained"), max_length=200,
                                   required=False,
                                   help_text=_("For example: in person, with an interpreter."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = list(catalogue.catalogue().purposes().items())  # type: ignore[attr-defined]


class ReferralForm(forms.Form):
    target = forms.ChoiceField(label=_("Service and agency"))
    appointment = forms.CharField(label=_("Appointment"), max_length=200, required=False,
                                  help_text=_("Date, time and place, if one is arranged."))
    due_date = _date(_("Respond by"), required=False,
                     help_text=_("Leave empty for the service's usual time."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = {code: short or name for code, short, name in
                 Agency.objects.values_list("code", "short", "name")}
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            (f"{s.code}:{a}", f"{s.name} — {names.get(a, a)}")
            for s in catalogue.catalogue().services.values() for a in s.agencies
        ]

    def service_and_agency(self) -> tuple[str, str]:
        service, _colon, agency = self.cleaned_data["target"].partition(":")
        return service, agency


class StepForm(forms.Form):
    step = forms.ChoiceField(choices=[("accept", _("Accept")), ("start", _("Start")),
                                      ("complete", _("Complete")), ("decline", _("Decline"))])
    outcome = forms.CharField(label=_("Outcome or reason"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), max_length=2000)


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)


class RiskForm(forms.Form):
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskAssessment.Level.choices)
    family_abroad_at_risk = forms.BooleanField(label=_("Family abroad at risk"), required=False)
    assessment = forms.CharField(label=_("Risk assessed"), max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("Protective measures"), max_length=5000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    review_on = _date(_("Review by"))


class HumanitarianForm(forms.Form):
    wishes_to_return = forms.BooleanField(label=_("The victim wishes to return home"),
                                          required=False)
    safe_to_return = forms.BooleanField(label=_("It is safe to return"), required=False)
    considerations = forms.CharField(label=_("Humanitarian and compassionate considerations"),
                                     max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    recommendation = forms.ChoiceField(label=_("Recommendation"),
                                       choices=HumanitarianAssessment.Recommendation.choices)


class RepatriationForm(forms.Form):
    destination_country = forms.CharField(label=_("Country of return"), max_length=60)
    travel_date = _date(_("Travel date"))


class ImmigrationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Application"), choices=ImmigrationApplication.Kind.choices)
    lodged_on = _date(_("Lodged on"), initial=timezone.localdate)


class ImmigrationDecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), choices=[
        c for c in ImmigrationApplication.Status.choices if c[0] != "lodged"])
    decided_on = _date(_("Decided on"), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class InterviewForm(forms.Form):
    planned_for = forms.DateTimeField(label=_("Interview date and time"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    interpreter_language = forms.CharField(label=_("Interpreter language"), max_length=60,
                                           required=False)
    support_person = forms.BooleanField(label=_("Support person present"), required=False)
    breaks_every_minutes = forms.IntegerField(label=_("Break every (minutes)"), initial=45,
                                              min_value=10, max_value=120)
    arrangements = forms.CharField(label=_("Other arrangements"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))


class WitnessForm(forms.Form):
    status = forms.ChoiceField(label=_("Witness statement"), choices=_translated(WITNESS_STATUSES))


class CourtForm(forms.Form):
    on = _date(_("Hearing date"))
    court = forms.CharField(label=_("Court"), max_length=120)
    hearing = forms.CharField(label=_("Hearing"), max_length=120)
    adviser_username = forms.CharField(label=_("MoJ adviser (username)"), max_length=150,
                                       required=False)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CompensationForm(forms.Form):
    on = _date(_("Informed on"), initial=timezone.localdate)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=_translated(CLOSURE_REASONS))
    referred_on = forms.BooleanField(label=_("Referred on to another organisation"), required=False)
    note = forms.CharField(label=_("Outcome"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    start = _date(_("From"), required=False)
    end = _date(_("To"), required=False)
