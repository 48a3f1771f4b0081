"""Forms for the cases pages: they validate input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from tiaki.accounts.models import Agency
from tiaki.cases import catalogue
from tiaki.cases.models import (
    Gender,
    HumanitarianAssessment,
    ImmigrationApplication,
    RiskAssessment,
)
from tiaki.cases.services import CLOSURE_REASONS, WITNESS_STATUSES

DATE = forms.DateInput(attrs={"type": "date"})
CHECKBOXES = forms.CheckboxSelectMultiple


def _date(label: str, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, **kwargs)


class IdentityForm(forms.Form):
    """The identifying details: stored only encrypted (tiaki.core.crypto)."""

    given_names = forms.CharField(label="Given names", max_length=200, required=False)
    family_name = forms.CharField(label="Family name", max_length=200, required=False)
    other_names = forms.CharField(label="Other names used", max_length=200, required=False)
    date_of_birth = _date("Date of birth", required=False)
    document_type = forms.CharField(label="Identity document type", max_length=60,
                                    required=False, help_text="For example: passport")
    document_number = forms.CharField(label="Document number", max_length=60, required=False)
    document_country = forms.CharField(label="Issuing country", max_length=60, required=False)
    phone = forms.CharField(label="Phone", max_length=60, required=False)
    email = forms.EmailField(label="Email", required=False)
    address = forms.CharField(label="Current address", max_length=300, required=False,
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

    age = forms.IntegerField(label="Age in years", min_value=0, max_value=120, required=False,
                             help_text="Leave empty if the date of birth is given or unknown.")
    apparent_child = forms.BooleanField(label="Appears to be under 18 (age unknown)",
                                        required=False)
    gender = forms.ChoiceField(label="Gender", choices=[("", "—"), *Gender.choices],
                               required=False)
    nationality = forms.CharField(label="Nationality", max_length=60, required=False)
    languages = forms.CharField(label="Languages", max_length=200, required=False,
                                help_text="Comma-separated, the preferred language first.")
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    exploitation_types = forms.MultipleChoiceField(label="Types of exploitation",
                                                   widget=CHECKBOXES, required=False)
    methods_of_control = forms.MultipleChoiceField(label="Methods of control",
                                                   widget=CHECKBOXES, required=False)
    recruitment_methods = forms.MultipleChoiceField(label="How the person was recruited",
                                                    widget=CHECKBOXES, required=False)
    relationship_to_trafficker = forms.ChoiceField(label="Relationship to the trafficker",
                                                   required=False)
    recruitment_place = forms.CharField(label="Place of recruitment", max_length=120,
                                        required=False)
    recruitment_country = forms.CharField(label="Country of recruitment", max_length=60,
                                          required=False)
    recruitment_date = _date("Date of recruitment", required=False)
    transit_place = forms.CharField(label="Place of transit", max_length=120, required=False)
    transit_country = forms.CharField(label="Country of transit", max_length=60, required=False)
    transit_date = _date("Date of transit", required=False)
    exploitation_place = forms.CharField(label="Place of exploitation", max_length=120,
                                         required=False)
    exploitation_country = forms.CharField(label="Country of exploitation", max_length=60,
                                           required=False)
    exploitation_date = _date("Exploitation began", required=False)
    source_report = forms.CharField(label="Report reference", max_length=40, required=False)
    source_screening = forms.CharField(label="Screening reference", max_length=40,
                                       required=False)
    referring_agency = forms.ModelChoiceField(label="Referred by", required=False,
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
    reason = forms.CharField(label="Why do you need this?", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Recorded in the audit trail with your name.")


class CertificationRequestForm(forms.Form):
    """Evidence assessed against each s98D element (act, means, purpose)."""

    witness_statements = forms.CharField(
        label="Witness statements considered", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say which statements were assessed; do not copy names into this box.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.elements = catalogue.s98d_elements()
        for element in self.elements:
            self.fields[f"{element.code}_findings"] = forms.MultipleChoiceField(
                label=f"{element.label}: {element.question}", required=False,
                choices=[(t.code, t.label) for t in element.values], widget=CHECKBOXES,
                help_text=element.nz)
            self.fields[f"{element.code}_evidence"] = forms.CharField(
                label=f"{element.label}: evidence", required=False, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}))

    def assessment(self) -> dict[str, dict[str, Any]]:
        return {e.code: {"findings": self.cleaned_data[f"{e.code}_findings"],
                         "evidence": self.cleaned_data[f"{e.code}_evidence"]}
                for e in self.elements}


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RevokeForm(forms.Form):
    reason = forms.CharField(label="Reason for revoking", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label="Purpose")
    granted = forms.TypedChoiceField(label="Decision", coerce=lambda v: v == "yes",
                                     choices=[("yes", "Consent given"),
                                              ("no", "Consent withdrawn")])
    how_obtained = forms.CharField(label="How consent was obtained", max_length=200,
                                   required=False,
                                   help_text="For example: in person, with an interpreter.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = list(catalogue.catalogue().purposes().items())  # type: ignore[attr-defined]


class ReferralForm(forms.Form):
    target = forms.ChoiceField(label="Service and agency")
    appointment = forms.CharField(label="Appointment", max_length=200, required=False,
                                  help_text="Date, time and place, if one is arranged.")
    due_date = _date("Respond by", required=False,
                     help_text="Leave empty for the service's usual time.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = {code: short or name for code, short, name in
                 Agency.objects.values_list("code", "short", "name")}
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            (f"{s.code}:{a}", f"{s.name} — {names.get(a, a)}")
            for s in catalogue.catalogue().services.values() for a in s.agencies
        ]

    def service_and_agency(self) -> tuple[str, str]:
        service, _, agency = self.cleaned_data["target"].partition(":")
        return service, agency


class StepForm(forms.Form):
    step = forms.ChoiceField(choices=[("accept", "Accept"), ("start", "Start"),
                                      ("complete", "Complete"), ("decline", "Decline")])
    outcome = forms.CharField(label="Outcome or reason", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Reason for withdrawing", max_length=2000)


class MemberForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)


class RiskForm(forms.Form):
    level = forms.ChoiceField(label="Risk level", choices=RiskAssessment.Level.choices)
    family_abroad_at_risk = forms.BooleanField(label="Family abroad at risk", required=False)
    assessment = forms.CharField(label="Risk assessed", max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label="Protective measures", max_length=5000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    review_on = _date("Review by")


class HumanitarianForm(forms.Form):
    wishes_to_return = forms.BooleanField(label="The victim wishes to return home",
                                          required=False)
    safe_to_return = forms.BooleanField(label="It is safe to return", required=False)
    considerations = forms.CharField(label="Humanitarian and compassionate considerations",
                                     max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    recommendation = forms.ChoiceField(label="Recommendation",
                                       choices=HumanitarianAssessment.Recommendation.choices)


class RepatriationForm(forms.Form):
    destination_country = forms.CharField(label="Country of return", max_length=60)
    travel_date = _date("Travel date")


class ImmigrationForm(forms.Form):
    kind = forms.ChoiceField(label="Application", choices=ImmigrationApplication.Kind.choices)
    lodged_on = _date("Lodged on", initial=timezone.localdate)


class ImmigrationDecisionForm(forms.Form):
    status = forms.ChoiceField(label="Decision", choices=[
        c for c in ImmigrationApplication.Status.choices if c[0] != "lodged"])
    decided_on = _date("Decided on", initial=timezone.localdate)
    note = forms.CharField(label="Note", required=False, max_length=2000)


class InterviewForm(forms.Form):
    planned_for = forms.DateTimeField(label="Interview date and time",
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    interpreter_language = forms.CharField(label="Interpreter language", max_length=60,
                                           required=False)
    support_person = forms.BooleanField(label="Support person present", required=False)
    breaks_every_minutes = forms.IntegerField(label="Break every (minutes)", initial=45,
                                              min_value=10, max_value=120)
    arrangements = forms.CharField(label="Other arrangements", required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))


class WitnessForm(forms.Form):
    status = forms.ChoiceField(label="Witness statement", choices=list(WITNESS_STATUSES.items()))


class CourtForm(forms.Form):
    on = _date("Hearing date")
    court = forms.CharField(label="Court", max_length=120)
    hearing = forms.CharField(label="Hearing", max_length=120)
    adviser_username = forms.CharField(label="MoJ adviser (username)", max_length=150,
                                       required=False)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label="Outcome", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CompensationForm(forms.Form):
    on = _date("Informed on", initial=timezone.localdate)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label="Reason for closing", choices=list(CLOSURE_REASONS.items()))
    referred_on = forms.BooleanField(label="Referred on to another organisation", required=False)
    note = forms.CharField(label="Outcome", required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    start = _date("From", required=False)
    end = _date("To", required=False)
