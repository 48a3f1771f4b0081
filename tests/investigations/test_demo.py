"""The demo's prosecution story: report, alert, two victims, a prosecution to sentence."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tiaki.accounts.models import User
from tiaki.core.policy import visible
from tiaki.demo.orchestrate import load_demo
from tiaki.investigations import selectors
from tiaki.investigations.demo import TITLE
from tiaki.investigations.models import Investigation, Link, ReparationOrder


@pytest.mark.django_db
def test_demo_tells_one_story_across_the_flows(settings: Any) -> None:
    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    load_demo()
    investigation = Investigation.objects.get(title=TITLE)
    kinds = set(investigation.links.values_list("kind", flat=True))
    assert kinds == {Link.Kind.REPORT, Link.Kind.ALERT, Link.Kind.CASE}
    mbie = User.objects.get(username="mbie_investigator")
    assert visible(mbie, Investigation).filter(pk=investigation.pk).exists()
    assert ReparationOrder.objects.count() == 2
    today = timezone.localdate()
    figures = selectors.law_enforcement_figures(today.replace(month=1, day=1),
                                                today.replace(month=12, day=31))
    assert figures.by_form["Forced labour"]["convicted"] == 2
    load_demo()
    assert Investigation.objects.count() == 1
