"""Forms: the public portal's (labels from the language catalogue) and the staff pages'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiaki.intake.i18n import Words
from tiaki.intake.models import Industry, Region, Report, ReportLink, YesNoUnknown
from tiaki.intake.services import LIMITS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _text(words: Words, label: str, limit: int, *, required: bool = False,
          rows: int = 0, hint: str = "") -> forms.CharField:
    widget: forms.Widget = (forms.Textarea(attrs={"rows": rows}) if rows
                            else forms.TextInput())
    return forms.CharField(
        label=words[label], required=required, max_length=limit, widget=widget,
        help_text=words[hint] if hint else "",
        error_messages={"required": words.required,
                        "max_length": words.t("too_long", limit=limit)},
    )


class ReportForm(forms.Form):
    """The guided report form (issue 3): what, where, when, who, industry, children."""

    def __init__(self, words: Words, *args: Any, attachments_hint: str = "",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_labels: dict[str, str] = {Region.OFFSHORE.value: words.region_offshore,
                                         Region.UNKNOWN.value: words.region_unknown}
        yes_no = [(YesNoUnknown.UNKNOWN, words.unknown), (YesNoUnknown.YES, words["yes"]),
                  (YesNoUnknown.NO, words["no"])]
        self.fields["what_seen"] = _text(words, "what_seen", LIMITS["what_seen"], required=True,
                                         rows=6, hint="what_seen_hint")
        self.fields["region"] = forms.ChoiceField(
            label=words.region, initial=Region.UNKNOWN,
            choices=[(value, region_labels.get(value, label)) for value, label in Region.choices],
        )
        self.fields["place"] = _text(words, "place", LIMITS["place"])
        self.fields["when_seen"] = _text(words, "when_seen", LIMITS["when_seen"],
                                         hint="when_seen_hint")
        self.fields["people"] = _text(words, "people", LIMITS["people"], rows=4,
                                      hint="people_hint")
        self.fields["industry"] = forms.ChoiceField(
            label=words.industry, initial=Industry.UNKNOWN,
            choices=[(value, words[f"industry_{value}"]) for value in Industry.values],
        )
        self.fields["children"] = forms.ChoiceField(label=words.children, choices=yes_no,
                                                    initial=YesNoUnknown.UNKNOWN)
        self.fields["risk_to_life"] = forms.BooleanField(label=words.risk_to_life,
                                                         required=False)
        self.fields["contact"] = _text(words, "contact", LIMITS["contact"], hint="contact_hint")
        self.fields["attachments"] = MultipleFileField(
            label=words.attachments, required=False, help_text=attachments_hint,
            widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,text/plain"}),
        )
        for name in ("what_seen", "place", "when_seen", "people", "contact"):
            # Browsers must not offer to remember what people type into this form.
            self.fields[name].widget.attrs["autocomplete"] = "off"


class ReceiptForm(forms.Form):
    def __init__(self, words: Words, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"] = forms.CharField(
            label=words.receipt_code, max_length=40,
            error_messages={"required": words.required,
                            "max_length": words.malformed_code},
            widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                          "spellcheck": "false"}),
        )


class ReporterMessageForm(forms.Form):
    def __init__(self, words: Words, *args: Any, attachments_hint: str = "",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"] = _text(words, "add_label", LIMITS["message"], required=True,
                                    rows=5)
        self.fields["attachments"] = MultipleFileField(
            label=words.attachments, required=False, help_text=attachments_hint,
            widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,text/plain"}),
        )


# ------------------------------------------------------------------------------ staff


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label=_("Assign to"))

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = candidates  # type: ignore[attr-defined]


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(choices=Report.Priority.choices, label=_("Priority"))


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=LIMITS["message"],
                           widget=forms.Textarea(attrs={"rows": 4}))
    internal = forms.BooleanField(
        label=_("Internal note (not shown to the reporter)"), required=False)


class LinkForm(forms.Form):
    other = forms.CharField(label=_("Other report (e.g. R-000012)"), max_length=20)
    kind = forms.ChoiceField(choices=ReportLink.Kind.choices, label=_("Kind of link"))
    reason = forms.CharField(label=_("Why (optional)"), max_length=300, required=False)

    def clean_other(self) -> int:
        text = self.cleaned_data["other"].strip().upper().removeprefix("R-")
        if not text.isdigit():
            raise forms.ValidationError(_("Give a report reference such as R-000012."))
        return int(text)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(choices=Report.Outcome.choices, label=_("Outcome"))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ApproveTranslationForm(forms.Form):
    reviewer_name = forms.CharField(label=_("Reviewer's full name"), max_length=200)
    fluent = forms.BooleanField(
        label=_("I confirm the reviewer is fluent in this language and checked every string"))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


_TRI = [("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))]
# Plain questions for the engine's facts (tiaki.intake.legaltest.observations.FACT_FLAGS).
FACT_QUESTIONS = {
    "free_to_leave": _("Is the person free to leave (the work, the place, the relationship)?"),
    "consented_to_movement": _("Did the person agree to the journey or move?"),
    "paid_smuggler": _("Did the person pay someone to get them across a border?"),
    "crossed_border_irregularly": _("Did the person cross a border irregularly "
                                  "(without the right papers or outside a border post)?"),
    "relationship_ended_at_destination": _("Did the relationship with the person who moved "
                                         "them end on arrival?"),
}


class ScreeningForm(forms.Form):
    subject_label = forms.CharField(
        label=_("Label for the person (not their name)"), max_length=200,
        help_text=_("For example: passenger 3, flight NZ 123; or worker B at the orchard."))
    setting = forms.CharField(label=_("Where the screening took place"), max_length=300,
                              required=False)
    age = forms.IntegerField(label=_("Age (if known)"), min_value=0, max_value=120, required=False)
    age_group = forms.ChoiceField(
        label=_("Adult or child"), required=False,
        choices=[("", _("Not known")), ("adult", _("Adult (18 or over)")),
                 ("child", _("Child (under 18)"))],
        help_text=_("For a child, act and purpose are enough: no means is needed "
                  "(Palermo Protocol art. 3(c))."))
    conduct_date = forms.DateField(
        label=_("When it happened (if known)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The legal test applies the law in force on that day; if blank, today's law."))
    exploitation_type = forms.ChoiceField(
        label=_("Suspected exploitation"),
        choices=[("labour", _("Labour exploitation")), ("sexual", _("Sexual exploitation"))])
    acts = forms.MultipleChoiceField(label=_("Acts known as fact"), required=False,
                                     widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=10_000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, act_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acts"].choices = act_choices  # type: ignore[attr-defined]
        for name, question in FACT_QUESTIONS.items():
            self.fields[name] = forms.ChoiceField(label=question, choices=_TRI, required=False)

    def flags(self) -> dict[str, bool | None]:
        return {name: {"yes": True, "no": False}.get(self.cleaned_data.get(name) or "")
                for name in FACT_QUESTIONS}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Your decision"), choices=[])
    note = forms.CharField(label=_("Reasons (required if you differ from the recommendation)"),
                           required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tiaki.intake.models import Screening

        self.fields["decision"].choices = Screening.Decision.choices  # type: ignore[attr-defined]
