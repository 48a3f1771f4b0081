import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.plan.metrics import Period
from tiaki.plan.models import ProgressStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[object]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProgressUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ProgressStatus.choices)
    narrative = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    reported_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = MultipleFileField(
        label=_("Evidence (optional)"), required=False,
        help_text=_("PDF, images, Office documents or text; up to 5 files, 10 MB each."),
    )


class ReportPeriodForm(forms.Form):
    """Any period for the progress report, first and last day included (seed 002: the
    Department of Labour "will compile an annual report on progress"; the secretariat also
    reports for other periods, such as a questionnaire's calendar year)."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, last = data.get("start"), data.get("last")
        if start and last and last < start:
            raise forms.ValidationError("The period ends before it starts.")
        return data

    def period(self) -> Period:
        return Period(self.cleaned_data["start"],
                      self.cleaned_data["last"] + dt.timedelta(days=1))
