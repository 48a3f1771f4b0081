from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.screening.models import Disposition, LostDocument


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("What the profile looks for and why (seed, report)."))
    expression = forms.CharField(
        label=_("Rule"), widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        max_length=4000,
        help_text=_('For example: nationality in ["AAA", "BBB"] and age < 21 and '
                    'startswith(employer, "Golden"). The list of fields is below.'))
    effective_from = forms.DateField(label=_("Effective from"), initial=timezone.localdate,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    effective_to = forms.DateField(required=False, label=_("Effective to (optional)"),
                                   widget=forms.DateInput(attrs={"type": "date"}))


class VersionForm(forms.Form):
    expression = forms.CharField(
        label=_("Rule"), widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        max_length=4000)
    effective_from = forms.DateField(label=_("Effective from"),
                                     widget=forms.DateInput(attrs={"type": "date"}))
    effective_to = forms.DateField(required=False, label=_("Effective to (optional)"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, max_length=300, label=_("What changed"))


class TestCaseForm(forms.Form):
    label = forms.CharField(max_length=200, label=_("Test record"))
    facts = forms.CharField(
        label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("One 'field: value' per line, e.g. 'nationality: AAA' and 'age: 19'."))
    must_hit = forms.TypedChoiceField(
        label=_("Expected"), coerce=lambda v: v == "yes",
        choices=[("yes", _("Must hit")), ("no", _("Must not hit"))], widget=forms.RadioSelect)


class RetireForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("Why retire it"))


class DispositionForm(forms.Form):
    outcome = forms.ChoiceField(choices=Disposition.Outcome.choices, widget=forms.RadioSelect,
                                label=_("Disposition"))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when you refer or report the traveller."))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Passenger list or visa applications"),
                           help_text=_("PAXLST (EDIFACT), CSV or JSON; the format is detected."))
    kind = forms.ChoiceField(
        label=_("The file holds"), initial="", required=False, widget=forms.RadioSelect,
        choices=[("", _("Detect: PAXLST and CSV are passenger lists, JSON visa applications")),
                 ("traveller", _("Travellers (passenger list)")),
                 ("visa_application", _("Visa applications"))])


class WatchlistImportForm(forms.Form):
    list_name = forms.CharField(max_length=100, label=_("Watchlist"))
    reason = forms.CharField(max_length=500, label=_("Why these people are listed"))
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: id (required), full_name, given_name, family_name, date_of_birth, "
                  "sex, nationality, document_number, document_country, phone, email, "
                  "address, postcode."))
    replace = forms.BooleanField(
        required=False, label=_("This file is the whole list"),
        help_text=_("People on this watchlist who are not in the file are taken off it."))


class LostDocumentForm(forms.Form):
    number = forms.CharField(max_length=40, label=_("Document number"))
    issuer = forms.CharField(max_length=3, label=_("Issuing state (ISO 3166 code)"))
    doc_type = forms.CharField(max_length=10, initial="P", label=_("Document type"))
    status = forms.ChoiceField(label=_("Status"), choices=LostDocument.Status.choices)
    reference = forms.CharField(max_length=100, required=False, label=_("Register reference"))
    reported_on = forms.DateField(required=False, label=_("Reported on"),
                                  widget=forms.DateInput(attrs={"type": "date"}))


class LostDocumentImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"),
                           help_text=_("Columns: document_number, issuer, and optionally "
                                     "doc_type, status, reference, reported_on."))
