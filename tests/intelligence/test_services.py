"""Reports: grading checked against the scheme, caveats and release scope enforced by the
one policy everywhere, every read audited; entities validated by FollowTheMoney."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.intelligence.conftest import make_report
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent
from tiaki.core.policy import NotVisible, Refused, visible
from tiaki.intelligence import selectors, services
from tiaki.intelligence.models import Entity, GradingScheme, Link, Report

pytestmark = pytest.mark.django_db


def test_grades_must_come_from_the_scheme(analysts: dict[str, User]) -> None:
    with pytest.raises(Refused, match="source grade 'A' is not in uk-3x5x2"):
        make_report(analysts["cleared"], source_grade="A")
    nato = GradingScheme.objects.get(code="nato-admiralty")
    with pytest.raises(Refused, match="has no handling codes"):
        make_report(analysts["cleared"], scheme=nato, source_grade="B",
                    information_grade="2")
    report = make_report(analysts["cleared"], scheme=nato, source_grade="B",
                         information_grade="2", handling_code="")
    assert report.grade == "B2"


def test_author_must_hold_the_caveats_applied(analysts: dict[str, User]) -> None:
    with pytest.raises(Refused, match="do not hold the caveat"):
        make_report(analysts["uncleared"])


def test_only_analysts_record(analysts: dict[str, User]) -> None:
    with pytest.raises(Refused, match="only intelligence analysts"):
        make_report(analysts["frontline"], caveats=())


def test_partners_named_only_when_releasable(analysts: dict[str, User]) -> None:
    with pytest.raises(Refused, match="name the partners"):
        make_report(analysts["cleared"], release=Report.Release.PARTNERS)
    with pytest.raises(Refused, match="only when the report is releasable"):
        make_report(analysts["cleared"], partners=["AU"])
    report = make_report(analysts["cleared"], release=Report.Release.PARTNERS,
                         partners=["au", "ws"])
    assert report.partners == ["AU", "WS"]


def test_caveat_hides_report_and_its_entities_from_search(analysts: dict[str, User],
                                                          report: Report) -> None:
    entity = services.entity_add(actor=analysts["cleared"], report=report, schema="Person",
                                 properties={"name": ["Rex Sample"]})
    for who in ("cleared", "police"):
        assert list(selectors.reports_for(analysts[who], "Rex")) == [report]
        assert list(visible(analysts[who], Entity)) == [entity]
    for who in ("uncleared", "frontline"):
        assert not selectors.reports_for(analysts[who], "Rex").exists()
        assert not selectors.reports_for(analysts[who]).exists()
        assert not visible(analysts[who], Entity).exists()
        assert not visible(analysts[who], Link).exists()
        with pytest.raises(NotVisible):
            services.report_read(actor=analysts[who], reference=report.reference)
        with pytest.raises(NotVisible):
            services.entity_read(actor=analysts[who], ftm_id=entity.ftm_id)


def test_agency_only_release(analysts: dict[str, User]) -> None:
    report = make_report(analysts["cleared"], release=Report.Release.AGENCY, caveats=())
    assert visible(analysts["uncleared"], Report).filter(pk=report.pk).exists()  # same agency
    assert not visible(analysts["police"], Report).filter(pk=report.pk).exists()


def test_every_read_is_audited(analysts: dict[str, User], report: Report) -> None:
    before = AuditEvent.objects.filter(action=AuditEvent.Action.READ).count()
    services.report_read(actor=analysts["police"], reference=report.reference)
    row = AuditEvent.objects.filter(action=AuditEvent.Action.READ).latest("pk")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ).count() == before + 1
    assert (row.actor_username, row.object_type, row.object_id) == (
        "an_police", "intelligence.report", str(report.pk))


def test_entities_are_validated_by_followthemoney(analysts: dict[str, User],
                                                  report: Report) -> None:
    actor = analysts["cleared"]
    with pytest.raises(Refused, match="'phone': 'not a phone' is not a valid phone"):
        services.entity_add(actor=actor, report=report, schema="Person",
                            properties={"name": "Rex", "phone": "not a phone"})
    with pytest.raises(Refused, match="unknown property 'shoeSize'"):
        services.entity_add(actor=actor, report=report, schema="Person",
                            properties={"name": "Rex", "shoeSize": "44"})
    with pytest.raises(Refused, match="unknown or unsupported entity schema 'Dragon'"):
        services.entity_add(actor=actor, report=report, schema="Dragon", properties={})
    with pytest.raises(Refused, match="refers to unknown entities: tk-nope"):
        services.entity_add(actor=actor, report=report, schema="Passport",
                            properties={"number": "X1", "holder": "tk-nope"})
    rex = services.entity_add(actor=actor, report=report, schema="Person",
                              properties={"name": "Rex Sample", "nationality": "ws",
                                          "phone": "+64 21 555 0101",
                                          "birthDate": "1978-03-02"})
    assert rex.properties["phone"] == ["+64215550101"]
    assert rex.caption == "Rex Sample"
    passport = services.entity_add(actor=actor, report=report, schema="Passport",
                                   properties={"number": "WS123456", "holder": rex.ftm_id})
    edges = {(link.source, link.target, link.label) for link in Link.objects.all()}
    assert (f"e:{rex.ftm_id}", "phone:+64215550101", "Phone") in edges
    assert any(s == f"e:{passport.ftm_id}" and t == f"e:{rex.ftm_id}" for s, t, _ in edges)


def test_uncleared_analyst_cannot_point_at_a_hidden_entity(analysts: dict[str, User],
                                                           report: Report) -> None:
    rex = services.entity_add(actor=analysts["cleared"], report=report, schema="Person",
                              properties={"name": "Rex Sample"})
    open_report = make_report(analysts["uncleared"], caveats=())
    with pytest.raises(Refused, match="unknown entities"):
        services.entity_add(actor=analysts["uncleared"], report=open_report,
                            schema="Passport", properties={"number": "X", "holder": rex.ftm_id})


def test_collection_plan_flags_requirements_without_recent_reporting(
        analysts: dict[str, User]) -> None:
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    actor = analysts["cleared"]
    fresh = services.requirement_create(actor=actor, code="CR-1", title="Labour hire",
                                        priority=1, owner=actor,
                                        review_on=dt.date(2026, 12, 1), recent_days=30)
    stale = services.requirement_create(actor=actor, code="CR-2", title="Debt bondage",
                                        priority=2, owner=actor,
                                        review_on=dt.date(2026, 5, 1), recent_days=30)
    make_report(actor, requirements=[fresh], created_at=now - dt.timedelta(days=3))
    make_report(actor, requirements=[stale], created_at=now - dt.timedelta(days=60))
    rows = {row.requirement.code: row for row in selectors.collection_plan(actor, now=now)}
    assert (rows["CR-1"].stale, rows["CR-1"].review_due, rows["CR-1"].reports) == (
        False, False, 1)
    assert (rows["CR-2"].stale, rows["CR-2"].review_due) == (True, True)
    assert selectors.collection_plan(analysts["frontline"], now=now) == []


def test_metric_counts_reports_in_period(analysts: dict[str, User]) -> None:
    from tiaki.intelligence.metrics import reports as metric
    from tiaki.plan.metrics import Period

    at = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    make_report(analysts["cleared"], created_at=at)
    make_report(analysts["cleared"], created_at=at + dt.timedelta(days=40))
    value, detail = metric(Period(dt.date(2026, 3, 1), dt.date(2026, 4, 1)))
    assert value == 1
    assert detail == {"tagged_to_requirement": 0, "used_by_investigation": 0}
