"""A border alert reported as suspected trafficking and the frontline screening of the same
person refer once: one triage item, linked to both, whatever the order."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.screening.test_services import _ingest_akl, _published_profile
from tiaki.cases.models import MinisterNotice
from tiaki.core.policy import NotVisible
from tiaki.intake import services as intake
from tiaki.intake.models import Report, ReportMessage, Screening
from tiaki.screening import services
from tiaki.screening.models import Alert

pytestmark = pytest.mark.django_db


def _screen(officer: Any, alert: Alert | None) -> Screening:
    return intake.screening_record(actor=officer, data=intake.ScreeningInput(
        subject_label=f"Border alert {alert.pk if alert else ''}", exploitation_type="labour",
        indicators=frozenset(), age_group="adult",
        alert_id=alert.pk if alert is not None else None))


def test_disposition_then_screening_refer_make_one_report(analyst: Any, officer: Any,
                                                          personas: Any) -> None:
    _published_profile(analyst)
    _ingest_akl(analyst)
    alert = Alert.objects.get()
    disposition = services.alert_dispose(actor=officer, alert=alert, outcome="trafficking",
                                         note="Passport held by companion")
    # The officer is sent on to a screening that names the alert.
    assert parse_qs(urlsplit(disposition.follow_up_url).query)["alert"] == [str(alert.pk)]
    screening = _screen(officer, alert)
    assert screening.alert == alert
    intake.screening_decide(screening=screening, actor=officer, decision="refer",
                            note="Companion answers for her; debt described")
    screening.refresh_from_db()
    assert Report.objects.count() == 1
    assert screening.report == disposition.report
    note = ReportMessage.objects.get(report=disposition.report)
    assert note.direction == "internal" and screening.reference in note.body
    # The Minister reads the form of exploitation as a person would, not its code.
    notice = MinisterNotice.objects.get(reference=screening.reference)
    assert notice.exploitation == "Labour exploitation"


def test_screening_refer_then_disposition_make_one_report(analyst: Any, officer: Any,
                                                          personas: Any) -> None:
    _published_profile(analyst)
    _ingest_akl(analyst)
    alert = Alert.objects.get()
    screening = _screen(officer, alert)
    intake.screening_decide(screening=screening, actor=officer, decision="refer",
                            note="Referred at the primary line")
    disposition = services.alert_dispose(actor=officer, alert=alert, outcome="trafficking",
                                         note="Passport held by companion")
    screening.refresh_from_db()
    assert Report.objects.count() == 1 and disposition.report == screening.report
    assert disposition.follow_up.startswith("Already in triage as")


def test_a_screening_cannot_name_an_alert_its_official_may_not_open(
        analyst: Any, officer: Any, personas: Any) -> None:
    _published_profile(analyst)
    _ingest_akl(analyst)
    alert = Alert.objects.get()
    with pytest.raises(NotVisible):
        _screen(personas["mbie"], alert)
    # Without an alert, a referral opens its own report as before.
    screening = _screen(officer, None)
    intake.screening_decide(screening=screening, actor=officer, decision="refer", note="x")
    assert Report.objects.count() == 1
