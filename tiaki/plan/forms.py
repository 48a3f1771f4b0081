from django import forms
from django.utils import timezone

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
    status = forms.ChoiceField(choices=ProgressStatus.choices)
    narrative = forms.CharField(
        label="What was done", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    reported_on = forms.DateField(
        label="Date", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = MultipleFileField(
        label="Evidence (optional)", required=False,
        help_text="PDF, images, Office documents or text; up to 5 files, 10 MB each.",
    )
