"""Forms for the investigation pages: they check shapes; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"),
                              widget=forms.Textarea(attrs={"rows": 3}), required=False)
    exploitation_types = forms.MultipleChoiceField(
        label=_("Forms of exploitation"), widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exploitation_types"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = case_catalogue.choices("exploitation_types")


class SeniorForm(forms.Form):
    username = forms.CharField(label=_("Senior officer's username"), max_length=150)


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.CharField(label=_("Role on the team"), max_length=120, required=False)


class TaskForm(forms.Form):
    owner = forms.CharField(label=_("Owner's username"), max_length=150)
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Deadline"), widget=DATE)
    detail = forms.CharField(label=_("Detail"),
                             widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TaskFinishForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"),
                               choices=[(Task.Status.DONE, _("Done")),
                                        (Task.Status.CANCELLED, _("Cancelled"))])
    outcome = forms.CharField(label=_("Outcome"), max_length=500, required=False)


class CommunicationForm(forms.Form):
    agency = forms.CharField(label=_("Agency (code)"), max_length=40)
    channel = forms.ChoiceField(label=_("Channel"))
    direction = forms.ChoiceField(label=_("Direction"), choices=Communication.Direction.choices)
    summary = forms.CharField(label=_("What was communicated"),
                              widget=forms.Textarea(attrs={"rows": 2}))
    step = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["channel"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(protocol().channels().items())


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of record"),
                             choices=[("case", _("Victim case (VC-…)")),
                                      ("report", _("Report (R-…)")),
                                      ("screening", _("Screening (S-…)")),
                                      ("alert", _("Border alert (number)"))])
    reference = forms.CharField(label=_("Reference"), max_length=40)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class InterviewForm(forms.Form):
    case = forms.CharField(label=_("Victim case reference"), max_length=20)
    planned_for = forms.DateTimeField(label=_("Planned for"), widget=DATETIME)
    interpreter_language = forms.CharField(label=_("Interpreter language"), max_length=60,
                                           required=False)
    support_person = forms.BooleanField(label=_("Support person present"), required=False)
    breaks_every_minutes = forms.IntegerField(label=_("Break every (minutes)"), initial=45)
    arrangements = forms.CharField(label=_("Arrangements"), max_length=500, required=False)


class InterviewHeldForm(forms.Form):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DATETIME)
    interpreter_present = forms.BooleanField(label=_("Interpreter present"), required=False)
    support_person_present = forms.BooleanField(label=_("Support person present"), required=False)
    breaks_taken = forms.BooleanField(label=_("Breaks taken"), required=False)
    video_recorded = forms.BooleanField(label=_("Video recorded"), required=False)
    statement = forms.ChoiceField(label=_("Statement"), choices=Interview.Statement.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SuspectForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Suspect.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"),
                            choices=Suspect.Sex.choices, initial=Suspect.Sex.UNKNOWN)
    age = forms.IntegerField(label=_("Age"), required=False)
    nationality = forms.CharField(label=_("Nationality"), max_length=60, required=False)
    registration_number = forms.CharField(label=_("Company number"), max_length=40,
                                          required=False)
    role = forms.CharField(label=_("Role in the offending"), max_length=200, required=False)


class ChargeForm(forms.Form):
    suspect = forms.IntegerField(widget=forms.HiddenInput)
    offence = forms.ChoiceField(label=_("Offence"))
    laid_on = forms.DateField(label=_("Laid on"), widget=DATE)
    aggravating_factors = forms.MultipleChoiceField(
        label=_("Aggravating factors (Crimes Act s98E)"), widget=forms.CheckboxSelectMultiple,
        required=False)
    victims = forms.CharField(label=_("Victim cases (references, comma-separated)"),
                              max_length=300, required=False)
    particulars = forms.CharField(label=_("Particulars"), max_length=500, required=False)

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
    status = forms.ChoiceField(label=_("Outcome"), choices=[
        ("convicted", _("Convicted")), ("acquitted", _("Acquitted")), ("withdrawn", _("Withdrawn")),
        ("dismissed", _("Dismissed"))])
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ConsentForm(forms.Form):
    on = forms.DateField(label=_("Consent given on"), widget=DATE)


class SentenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Sentence"), choices=Sentence.Kind.choices)
    months = forms.IntegerField(label=_("Length (months)"), required=False, min_value=1)
    imposed_on = forms.DateField(label=_("Imposed on"), widget=DATE)
    reparation_case = forms.CharField(label=_("Reparation to case (reference)"), max_length=20,
                                      required=False)
    reparation_nzd = forms.DecimalField(label=_("Reparation (NZD)"), required=False,
                                        max_digits=12, decimal_places=2)
    detail = forms.CharField(label=_("Detail"), max_length=500, required=False)


class AppealForm(forms.Form):
    against = forms.ChoiceField(label=_("Against"), choices=Appeal.Against.choices)
    court = forms.CharField(label=_("Court"), max_length=120)
    lodged_on = forms.DateField(label=_("Lodged on"), widget=DATE)
    by_crown = forms.BooleanField(label=_("By crown"), required=False)


class HearingForm(forms.Form):
    defendant = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Hearing"), choices=Hearing.Kind.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    court = forms.CharField(label=_("Court"), max_length=120)
    adviser = forms.CharField(label=_("MoJ adviser's username"), max_length=150, required=False)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), max_length=500)


class ExhibitForm(forms.Form):
    reference = forms.CharField(label=_("Exhibit reference"), max_length=30)
    description = forms.CharField(label=_("Description"), max_length=300)
    seized_at = forms.DateTimeField(label=_("Seized at"), widget=DATETIME)
    seized_from = forms.CharField(label=_("Seized from"), max_length=200, required=False)
    location = forms.CharField(label=_("Kept at"), max_length=200)


class TransferForm(forms.Form):
    to = forms.CharField(label=_("Hand to (username)"), max_length=150)
    location = forms.CharField(label=_("New location"), max_length=200)
    purpose = forms.CharField(label=_("Why"), max_length=300)


class DisclosureForm(forms.Form):
    defendant = forms.IntegerField(widget=forms.HiddenInput)
    item = forms.CharField(label=_("Item"), max_length=300)
    stage = forms.ChoiceField(label=_("Stage"), choices=Disclosure.Stage.choices)
    decision = forms.ChoiceField(label=_("Decision"), choices=Disclosure.Decision.choices)
    ground = forms.ChoiceField(label=_("Ground for withholding"), choices=(), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    on = forms.DateField(label=_("On"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The grounds are the law's, read from the data file when the form is built.
        field = self.fields["ground"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *withholding_grounds().choices()]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Investigation.Closure.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Start"), widget=DATE, required=False)
    end = forms.DateField(label=_("End"), widget=DATE, required=False)
