"""``{% form_fields %}`` renders what ``{% include "cases/_form.html" %}`` does (issue 16).

The case page reuses an empty form's HTML from the last identical rendering; these check
that the reused HTML is the include's, that a change of initial value, choices or language
is a new rendering, and that a bound form (shown again with its errors) is never reused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template.loader import get_template
from django.utils import translation

from tiaki.cases.forms import CompensationForm, ConsentForm, RiskForm
from tiaki.cases.templatetags import cases_extras
from tiaki.cases.templatetags.cases_extras import form_fields


def _included(form: Any) -> str:
    return get_template("cases/_form.html").render({"form": form})


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cases_extras._RENDERED.clear()


def test_reused_html_is_the_includes() -> None:
    for form in (RiskForm(prefix="risk"), ConsentForm(prefix="consent")):
        first = form_fields(form)
        assert first == _included(form)
        assert form_fields(type(form)(prefix=form.prefix)) == first
    assert len(cases_extras._RENDERED) == 2


def test_a_new_initial_value_or_language_is_a_new_rendering() -> None:
    # Its initial value is today's date (a callable): tomorrow's page is a new rendering.
    first = form_fields(CompensationForm(prefix="compensation",
                                         initial={"on": dt.date(2026, 1, 2)}))
    assert 'value="2026-01-02"' in first
    later = CompensationForm(prefix="compensation", initial={"on": dt.date(2026, 1, 3)})
    second = form_fields(later)
    assert 'value="2026-01-03"' in second and second == _included(later)
    with translation.override("mi"):
        maori = form_fields(RiskForm(prefix="risk"))
        assert maori == _included(RiskForm(prefix="risk"))
    assert len(cases_extras._RENDERED) == 3


def test_a_bound_form_is_rendered_with_its_errors() -> None:
    bound = RiskForm({"risk-level": "nonsense"}, prefix="risk")
    html = form_fields(bound)
    assert html == _included(bound) and 'class="error"' in html
    assert not cases_extras._RENDERED


def test_a_label_or_help_text_set_at_run_time_is_a_new_rendering() -> None:
    # Some labels come from the loaded data (the s98D elements, the referral services); a
    # data load in a running process must not leave yesterday's wording on the page.
    form = RiskForm(prefix="risk")
    first = form_fields(form)
    relabelled = RiskForm(prefix="risk")
    name = next(iter(relabelled.fields))
    relabelled.fields[name].label = "A label loaded later"
    relabelled.fields[name].help_text = "A help text loaded later"
    second = form_fields(relabelled)
    assert second != first and second == _included(relabelled)
    assert "A label loaded later" in second and "A help text loaded later" in second
