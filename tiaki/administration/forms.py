from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Agency, User
from tiaki.administration.policies import administrable_agencies, grantable_roles

REASON_HELP = _("Kept in the audit trail with the change.")


def _reason() -> forms.CharField:
    return forms.CharField(label=_("Reason"), max_length=500, help_text=REASON_HELP)


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=(), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    password = forms.CharField(
        required=False, strip=False, label=_("First password"),
        help_text=_("Leave empty for someone who signs in through the agency's identity "
                  "provider. At least 12 characters; they enrol an authenticator app at "
                  "their first sign-in."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    reason = _reason()

    def __init__(self, *args: Any, acting_user: Any, editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = administrable_agencies(acting_user)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
        if agencies.count() == 1:
            agency_field.initial = agencies.first()
        roles_field = self.fields["roles"]
        assert isinstance(roles_field, forms.MultipleChoiceField)
        roles_field.choices = grantable_roles(acting_user)
        if editing:
            for name in ("username", "agency", "password"):
                del self.fields[name]


class ReasonForm(forms.Form):
    reason = _reason()


class PasswordForm(forms.Form):
    password = forms.CharField(strip=False, label=_("New password"),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    reason = _reason()


class ColleagueField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class ColleagueMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class DeactivateForm(forms.Form):
    successor = ColleagueField(
        queryset=User.objects.none(), required=False, label=_("Hand open work to"),
        help_text=_("Their open triage reports, tasks, investigations, case teams and border "
                  "posts pass to this colleague."))
    reason = _reason()

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("System using the token"))
    reason = _reason()


class AgencyForm(forms.Form):
    active = forms.BooleanField(required=False, label=_("Active today"))
    successor = forms.ModelChoiceField(queryset=Agency.objects.all(), required=False,
                                       label=_("Its work is done today by"))
    reason = _reason()


class PostForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("Short code, e.g. NPE."))
    name = forms.CharField(label=_("Name"), max_length=200)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    ports = forms.CharField(
        required=False, label=_("Ports of arrival"),
        help_text=_("Three-letter IATA codes separated by commas (e.g. NPE, NPL). Travellers "
                  "arriving there go to this post's queue."))
    handles_visas = forms.BooleanField(required=False, label=_("Handles visa applications"))
    reason = _reason()

    def __init__(self, *args: Any, acting_user: Any, editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = administrable_agencies(acting_user)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        if agencies.count() == 1:
            field.initial = agencies.first()
        if editing:
            del self.fields["code"]
            del self.fields["agency"]

    def port_list(self) -> list[str]:
        return [p for p in self.cleaned_data.get("ports", "").replace(";", ",").split(",")]


class OfficersForm(forms.Form):
    officers = ColleagueMultipleField(queryset=User.objects.none(), required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      label=_("Officers who work this queue"))
    reason = _reason()

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = candidates
