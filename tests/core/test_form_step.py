"""``form_step``: the one way a record page runs a named step (investigations, privacy)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.http import Http404
from django.test import RequestFactory

from tiaki.core.policy import Refused
from tiaki.core.refusals import form_problems, form_step


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", max_length=5)


def _note(request: Any, obj: list[str], data: dict[str, Any], suffix: str = "") -> str:
    if data["note"] == "no":
        raise Refused("not today")
    obj.append(data["note"] + suffix)
    return "Noted."


ACTIONS = {"note": (NoteForm, _note)}


def _post(data: dict[str, str]) -> Any:
    return RequestFactory().post("/x", data)


def test_a_step_runs_its_handler_and_says_so() -> None:
    done: list[str] = []
    step = form_step(_post({"note-note": "hi"}), ACTIONS, "note", done, "!")
    assert (step.message, step.error, done) == ("Noted.", "", ["hi!"])


def test_a_refusal_is_the_error_and_the_form_keeps_the_input() -> None:
    done: list[str] = []
    step = form_step(_post({"note-note": "no"}), ACTIONS, "note", done)
    assert (step.message, step.error, done) == ("", "Not today.", [])
    assert step.form["note"].value() == "no"


def test_invalid_input_names_the_field_by_its_label() -> None:
    step = form_step(_post({"note-note": "too long"}), ACTIONS, "note", [])
    assert step.error.startswith("Note: ") and "5 characters" in step.error
    assert step.error == form_problems(step.form)


def test_an_unknown_step_is_not_found() -> None:
    with pytest.raises(Http404):
        form_step(_post({}), ACTIONS, "delete", [])
