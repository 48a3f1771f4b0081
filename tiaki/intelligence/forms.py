"""Forms for the intelligence pages: they check shapes; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from tiaki.intelligence import ftm
from tiaki.intelligence.models import Caveat, GradingScheme, Report, Requirement


class ReportForm(forms.Form):
    title = forms.CharField(max_length=200)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))
    scheme = forms.ModelChoiceField(GradingScheme.objects.all(), label="Grading scheme",
                                    to_field_name="code")
    source_grade = forms.CharField(max_length=4, label="Source grade")
    information_grade = forms.CharField(max_length=4, label="Information grade")
    handling_code = forms.CharField(max_length=4, required=False, label="Handling code")
    release = forms.ChoiceField(choices=Report.Release.choices)
    partners = forms.CharField(required=False, label="Partners (country codes, comma-separated)")
    tlp = forms.ChoiceField(choices=Report.TLP.choices, label="TLP marking")
    caveats = forms.ModelMultipleChoiceField(Caveat.objects.all(), required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             to_field_name="code")
    requirements = forms.ModelMultipleChoiceField(Requirement.objects.filter(active=True),
                                                  required=False, to_field_name="code",
                                                  widget=forms.CheckboxSelectMultiple)


class EntityForm(forms.Form):
    schema = forms.ChoiceField(choices=[(s, s) for s in ftm.SCHEMATA])
    properties = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One property a line, as name: value (e.g. name: Rex Sample, "
                  "phone: +64 21 555 0101). Repeat a name for more values.")

    def clean_properties(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for number, line in enumerate(self.cleaned_data["properties"].splitlines(), 1):
            if not line.strip():
                continue
            name, sep, value = line.partition(":")
            if not sep or not name.strip() or not value.strip():
                raise forms.ValidationError(f"line {number}: write it as name: value")
            found.setdefault(name.strip(), []).append(value.strip())
        if not found:
            raise forms.ValidationError("give at least one property")
        return found


class RequirementForm(forms.Form):
    code = forms.CharField(max_length=30)
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    priority = forms.TypedChoiceField(choices=Requirement.Priority.choices, coerce=int)
    review_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    recent_days = forms.IntegerField(min_value=1, max_value=3650, initial=90)


def partners_list(value: Any) -> list[str]:
    return [p.strip() for p in str(value or "").split(",") if p.strip()]
