"""The benchmark data generator, at a small volume: the data it writes is valid."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from bench.generate import NotEmpty, Sizes, generate
from tiaki.audit.models import AuditEvent
from tiaki.audit.verify import audit_verify
from tiaki.cases.models import (
    CaseEvent,
    Certification,
    ChildInvolvement,
    IdentifyingDetails,
    Referral,
    VictimCase,
)
from tiaki.core import crypto
from tiaki.core.models import ReferenceCounter
from tiaki.core.references import next_references
from tiaki.intake.models import Report
from tiaki.plan.metrics import Period, compute_metric, known_metrics
from tiaki.plan.models import Plan
from tiaki.plan.report import annual_report
from tiaki.screening.models import Alert, Disposition

pytestmark = pytest.mark.django_db

UNTIL = dt.date(2026, 6, 1)
SIZES = Sizes(cases=200, audit=3000, alerts=150, reports=60, watchlist=20, years=10,
              seed=3, until=UNTIL)


@pytest.fixture
def generated():  # type: ignore[no-untyped-def]
    return generate(SIZES, quiet=True, log=lambda _: None)


def test_counts_as_asked_and_audit_trail_verifies(generated) -> None:  # type: ignore[no-untyped-def]
    assert VictimCase.objects.count() == 200
    assert IdentifyingDetails.objects.count() == 200
    assert Alert.objects.count() == 150
    assert Report.objects.count() == 60
    assert generated.counts["audit rows"] == 3000
    assert AuditEvent.objects.count() >= 3000
    result = audit_verify()
    assert result.ok, result.first_break
    assert result.unsealed == 0
    assert result.checked == AuditEvent.objects.count()


def test_data_is_consistent(generated) -> None:  # type: ignore[no-untyped-def]
    start = dt.datetime(2016, 5, 31, tzinfo=dt.UTC)
    end = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    cases = list(VictimCase.objects.all())
    assert all(start <= c.created_at < end for c in cases)
    years = {c.created_at.year for c in cases}
    assert len(years) >= 9  # spread over the decade
    for case in cases:
        assert case.reference.startswith(f"VC-{timezone.localtime(case.created_at).year}-")
        if case.is_closed:
            assert case.closed_at is not None and case.closed_at >= case.created_at
            assert not case.referrals.filter(status__in=Referral.OPEN).exists()
        else:
            assert case.closed_at is None
    # Identifying details decrypt with the field keys, as ``case_open`` writes them.
    details = crypto.decrypt_json(IdentifyingDetails.objects.first().ciphertext)
    assert set(details) == {"given_names", "family_name"}
    # Every referral's consent is the same case's, for its service.
    for referral in Referral.objects.select_related("consent"):
        assert referral.consent.case_id == referral.case_id
        assert referral.consent.purpose == referral.service
    for cert in Certification.objects.all():
        if cert.status in {"issued", "declined", "revoked"}:
            assert cert.decided_at is not None and cert.endorsed_by_id is not None
    # Children's cases wait for Oranga Tamariki: nothing before the acknowledgement.
    for child in ChildInvolvement.objects.select_related("case"):
        if child.acknowledged_at is None:
            assert not child.case.certifications.exists()
    assert CaseEvent.objects.filter(kind="opened").count() == 200
    assert Disposition.objects.count() <= Alert.objects.count()
    # The reference counters carry on after the generated references.
    refs = VictimCase.objects.filter(reference__startswith="VC-2025-").values_list(
        "reference", flat=True)
    highest = max(int(r.rsplit("-", 1)[1]) for r in refs)
    assert highest == len(refs)
    assert ReferenceCounter.objects.get(stem="VC-2025-").last == highest
    assert next_references(VictimCase, "VC", 2025, 1) == [f"VC-2025-{highest + 1:04d}"]


def test_metrics_and_annual_report_compute(generated) -> None:  # type: ignore[no-untyped-def]
    period = Period(dt.date(2024, 7, 1), dt.date(2025, 7, 1))
    for code, spec in known_metrics().items():
        if not spec.per_item:
            assert compute_metric(code, period) is not None, code
    opened = compute_metric("cases.opened", period)
    assert opened is not None
    assert opened.value == VictimCase.objects.filter(period.during("created_at")).count()
    # Services received, counted by the database, equal a count made here.
    closed = VictimCase.objects.filter(period.during("closed_at"))
    expected: Counter[str] = Counter()
    for services in closed.values_list("services_received", flat=True):
        expected.update(set(services))
    received = compute_metric("cases.services_received", period)
    assert received is not None
    assert received.value == closed.count() > 0
    assert received.breakdown == dict(sorted(expected.items()))
    plan = Plan.objects.get()
    report = annual_report(plan=plan, items=plan.items.all(), period=period,
                           today=UNTIL)
    assert len(report.items) == plan.items.count()


def test_refuses_a_database_with_operational_data(generated) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotEmpty, match="already holds 200 victim cases"):
        generate(SIZES, quiet=True, log=lambda _: None)
