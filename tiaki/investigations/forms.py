"""Forms for the investigation pages: they check shapes; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from tiaki.cases import catalogue as case_catalogue
from tiaki.investigations import offences
from tiaki.investigations.disclosure_grounds import withholding_grounds
from tiaki.investigations.models import (
    Appeal,
    Communication,
    Disclosure,
    Hearing,
    Interview,
    Investigation,
    Sentence,
    Suspect,
    Task,
)
from tiaki.investigations.protocol import protocol

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OpenForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    exploitation_types = forms.MultipleChoiceField(
        label="Forms of exploitation", widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exploitation_types"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = case_catalogue.choices("exploitation_types")


class SeniorForm(forms.Form):
    username = forms.CharField(label="Senior officer's username", max_length=150)


class MemberForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    role = forms.CharField(label="Role on the team", max_length=120, required=False)


class TaskForm(forms.Form):
    owner = forms.CharField(label="Owner's username", max_length=150)
    title = forms.CharField(label="Task", max_length=200)
    due_on = forms.DateField(label="Deadline", widget=DATE)
    detail = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TaskFinishForm(forms.Form):
    status = forms.ChoiceField(choices=[(Task.Status.DONE, "Done"),
                                        (Task.Status.CANCELLED, "Cancelled")])
    outcome = forms.CharField(max_length=500, required=False)


class CommunicationForm(forms.Form):
    agency = forms.CharField(label="Agency (code)", max_length=40)
    channel = forms.ChoiceField()
    direction = forms.ChoiceField(choices=Communication.Direction.choices)
    summary = forms.CharField(label="What was communicated",
                              widget=forms.Textarea(attrs={"rows": 2}))
    step = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["channel"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(protocol().channels().items())


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of record",
                             choices=[("case", "Victim case (VC-…)"), ("report", "Report (R-…)"),
                                      ("screening", "Screening (S-…)"),
                                      ("alert", "Border alert (number)")])
    reference = forms.CharField(label="Reference", max_length=40)
    note = forms.CharField(max_length=300, required=False)


class InterviewForm(forms.Form):
    case = forms.CharField(label="Victim case reference", max_length=20)
    planned_for = forms.DateTimeField(label="Planned for", widget=DATETIME)
    interpreter_language = forms.CharField(label="Interpreter language", max_length=60,
                                           required=False)
    support_person = forms.BooleanField(label="Support person present", required=False)
    breaks_every_minutes = forms.IntegerField(label="Break every (minutes)", initial=45)
    arrangements = forms.CharField(max_length=500, required=False)


class InterviewHeldForm(forms.Form):
    held_at = forms.DateTimeField(label="Held at", widget=DATETIME)
    interpreter_present = forms.BooleanField(required=False)
    support_person_present = forms.BooleanField(required=False)
    breaks_taken = forms.BooleanField(required=False)
    video_recorded = forms.BooleanField(required=False)
    statement = forms.ChoiceField(choices=Interview.Statement.choices)
    note = forms.CharField(max_length=500, required=False)


class SuspectForm(forms.Form):
    kind = forms.ChoiceField(choices=Suspect.Kind.choices)
    name = forms.CharField(max_length=200)
    sex = forms.ChoiceField(choices=Suspect.Sex.choices, initial=Suspect.Sex.UNKNOWN)
    age = forms.IntegerField(required=False)
    nationality = forms.CharField(max_length=60, required=False)
    registration_number = forms.CharField(label="Company number", max_length=40,
                                          required=False)
    role = forms.CharField(label="Role in the offending", max_length=200, required=False)


class ChargeForm(forms.Form):
    suspect = forms.IntegerField(widget=forms.HiddenInput)
    offence = forms.ChoiceField(label="Offence")
    laid_on = forms.DateField(label="Laid on", widget=DATE)
    aggravating_factors = forms.MultipleChoiceField(
        label="Aggravating factors (Crimes Act s98E)", widget=forms.CheckboxSelectMultiple,
        required=False)
    victims = forms.CharField(label="Victim cases (references, comma-separated)",
                              max_length=300, required=False)
    particulars = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        catalogue = offences.offences()
        offence = self.fields["offence"]
        assert isinstance(offence, forms.ChoiceField)
        offence.choices = catalogue.choices()
        factors = self.fields["aggravating_factors"]
        assert isinstance(factors, forms.MultipleChoiceField)
        seen: dict[str, str] = {}
        for entry in catalogue.offences.values():
            for factor in entry.factors:
                seen.setdefault(factor.code, factor.label)
        factors.choices = list(seen.items())


class DecideForm(forms.Form):
    status = forms.ChoiceField(label="Outcome", choices=[
        ("convicted", "Convicted"), ("acquitted", "Acquitted"), ("withdrawn", "Withdrawn"),
        ("dismissed", "Dismissed")])
    on = forms.DateField(label="Date", widget=DATE)
    note = forms.CharField(max_length=500, required=False)


class ConsentForm(forms.Form):
    on = forms.DateField(label="Consent given on", widget=DATE)


class SentenceForm(forms.Form):
    kind = forms.ChoiceField(label="Sentence", choices=Sentence.Kind.choices)
    months = forms.IntegerField(label="Length (months)", required=False, min_value=1)
    imposed_on = forms.DateField(label="Imposed on", widget=DATE)
    reparation_case = forms.CharField(label="Reparation to case (reference)", max_length=20,
                                      required=False)
    reparation_nzd = forms.DecimalField(label="Reparation (NZD)", required=False,
                                        max_digits=12, decimal_places=2)
    detail = forms.CharField(max_length=500, required=False)


class AppealForm(forms.Form):
    against = forms.ChoiceField(choices=Appeal.Against.choices)
    court = forms.CharField(max_length=120)
    lodged_on = forms.DateField(widget=DATE)
    by_crown = forms.BooleanField(required=False)


class HearingForm(forms.Form):
    defendant = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Hearing", choices=Hearing.Kind.choices)
    on = forms.DateField(label="Date", widget=DATE)
    court = forms.CharField(label="Court", max_length=120)
    adviser = forms.CharField(label="MoJ adviser's username", max_length=150, required=False)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(max_length=500)


class ExhibitForm(forms.Form):
    reference = forms.CharField(label="Exhibit reference", max_length=30)
    description = forms.CharField(max_length=300)
    seized_at = forms.DateTimeField(label="Seized at", widget=DATETIME)
    seized_from = forms.CharField(max_length=200, required=False)
    location = forms.CharField(label="Kept at", max_length=200)


class TransferForm(forms.Form):
    to = forms.CharField(label="Hand to (username)", max_length=150)
    location = forms.CharField(label="New location", max_length=200)
    purpose = forms.CharField(label="Why", max_length=300)


class DisclosureForm(forms.Form):
    defendant = forms.IntegerField(widget=forms.HiddenInput)
    item = forms.CharField(max_length=300)
    stage = forms.ChoiceField(choices=Disclosure.Stage.choices)
    decision = forms.ChoiceField(choices=Disclosure.Decision.choices)
    ground = forms.ChoiceField(label="Ground for withholding", choices=(), required=False)
    reason = forms.CharField(max_length=500, required=False)
    on = forms.DateField(widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The grounds are the law's, read from the data file when the form is built.
        field = self.fields["ground"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *withholding_grounds().choices()]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(choices=Investigation.Closure.choices)
    note = forms.CharField(max_length=500, required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(widget=DATE, required=False)
    end = forms.DateField(widget=DATE, required=False)
