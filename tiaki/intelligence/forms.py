"""Forms for the intelligence pages: they check shapes; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiaki.intelligence import ftm
from tiaki.intelligence.models import Caveat, GradingScheme, Report, Requirement


class ReportForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label=_("Text"))
    scheme = forms.ModelChoiceField(GradingScheme.objects.all(), label=_("Grading scheme"),
                                    to_field_name="code")
    source_grade = forms.CharField(max_length=4, label=_("Source grade"))
    information_grade = forms.CharField(max_length=4, label=_("Information grade"))
    handling_code = forms.CharField(max_length=4, required=False, label=_("Handling code"))
    release = forms.ChoiceField(choices=Report.Release.choices, label=_("Release"))
    partners = forms.CharField(required=False, label=_("Partners (country codes, comma-separated)"))
    tlp = forms.ChoiceField(choices=Report.TLP.choices, label=_("TLP marking"))
    caveats = forms.ModelMultipleChoiceField(Caveat.objects.all(), required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             to_field_name="code", label=_("Caveats"))
    requirements = forms.ModelMultipleChoiceField(Requirement.objects.filter(active=True),
                                                  required=False, to_field_name="code",
                                                  widget=forms.CheckboxSelectMultiple,
                                                  label=_("Requirements"))


class EntityForm(forms.Form):
    schema = forms.ChoiceField(choices=[(s, s) for s in ftm.SCHEMATA], label=_("Kind"))
    properties = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label=_("Properties"),
        help_text=_("One property a line, as name: value (e.g. name: Rex Sample, "
                    "phone: +64 21 555 0101). Repeat a name for more values."))

    def clean_properties(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for number, line in enumerate(self.cleaned_data["properties"].splitlines(), 1):
            if not line.strip():
                continue
            name, sep, value = line.partition(":")
            if not sep or not name.strip() or not value.strip():
                raise forms.ValidationError(
                    _("line %(number)s: write it as name: value") % {"number": number})
            found.setdefault(name.strip(), []).append(value.strip())
        if not found:
            raise forms.ValidationError(_("give at least one property"))
        return found


class RequirementForm(forms.Form):
    code = forms.CharField(max_length=30, label=_("Code"))
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  label=_("Description"))
    priority = forms.TypedChoiceField(choices=Requirement.Priority.choices, coerce=int,
                                      label=_("Priority"))
    review_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}),
                                label=_("Review on"))
    recent_days = forms.IntegerField(min_value=1, max_value=3650, initial=90,
                                     label=_("Recent days"))


def partners_list(value: Any) -> list[str]:
    return [p.strip() for p in str(value or "").split(",") if p.strip()]


def _partner_choices() -> list[tuple[str, str]]:
    from tiaki.intelligence.sharing import rules

    return [(p.code, f"{p.code} — {p.name}") for p in rules().partners]


def _authority_choices() -> list[tuple[str, str]]:
    from tiaki.intelligence.sharing import rules

    seen: dict[str, str] = {}
    for partner in rules().partners:
        for authority in partner.authorities:
            seen.setdefault(authority, authority)
    return list(seen.items())


class PackageForm(forms.Form):
    partner = forms.ChoiceField(choices=_partner_choices, label=_("Partner"))
    authority = forms.ChoiceField(choices=_authority_choices, label=_("Authority"),
                                  help_text=_("The authority must be one listed for the "
                                              "partner."))
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Purpose"),
                              help_text=_("What the partner needs the material for."))
    reports = forms.ModelMultipleChoiceField(Report.objects.none(), required=False,
                                             to_field_name="reference",
                                             widget=forms.CheckboxSelectMultiple,
                                             label=_("Reports"))
    withhold = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Entities to withhold"),
        help_text=_("One a line, as entity id: reason (e.g. a victim who must not be named)."))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tiaki.intelligence.policies import visible_reports

        field = self.fields["reports"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = visible_reports(user)

    def clean_withhold(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["withhold"].splitlines(), 1):
            if not line.strip():
                continue
            key, sep, reason = line.partition(":")
            if not sep or not key.strip() or not reason.strip():
                raise forms.ValidationError(
                    _("line %(number)s: write it as entity id: reason") % {"number": number})
            found[key.strip()] = reason.strip()
        return found


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))],
                                 label=_("Decision"))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           label=_("Note (needed to decline)"))


class ImportForm(forms.Form):
    partner = forms.ChoiceField(choices=_partner_choices, label=_("Partner"))
    format = forms.ChoiceField(choices=[("stix", _("STIX 2.1 bundle")),
                                        ("ftm", _("FollowTheMoney JSON lines"))],
                               label=_("Format"))
    tlp = forms.ChoiceField(choices=[("", _("As marked in the file")), *Report.TLP.choices],
                            required=False, label=_("TLP marking given by the partner"))
    file = forms.FileField(label=_("File"))
    title = forms.CharField(required=False, max_length=200, label=_("Title"))


class NominationForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"),
                             help_text=_("Kept with the nomination; border officers see only "
                                         "that the entry came from intelligence."))
    expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}),
                                 label=_("Expires on"))
    phone = forms.CharField(required=False, max_length=40, label=_("Phone"),
                            help_text=_("Only this phone of the person (optional)."))
