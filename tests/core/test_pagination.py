"""The estimated-count paginator counts exactly wherever an estimate is not safe."""

from __future__ import annotations

import pytest
from django.db import connection

from tiaki.audit.models import AuditEvent
from tiaki.audit.services import Action, audit_record
from tiaki.core import pagination
from tiaki.core.pagination import EstimatedCountPaginator

pytestmark = pytest.mark.django_db


def _rows(n: int) -> None:
    for i in range(n):
        audit_record(actor=None, action=Action.READ, object_type="test.thing", object_id=str(i))


def test_small_or_filtered_lists_are_counted_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    _rows(7)
    page = EstimatedCountPaginator(AuditEvent.objects.order_by("-id"), 5).get_page(1)
    assert page.paginator.count == 7 and not page.paginator.estimated
    # A filter always means an exact count, however large the table.
    monkeypatch.setattr(pagination, "EXACT_BELOW", 0)
    filtered = EstimatedCountPaginator(AuditEvent.objects.filter(object_id="3"), 5)
    assert filtered.count == 1 and not filtered.estimated


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_class estimate")
def test_a_large_unfiltered_table_uses_the_planner_estimate(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _rows(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    monkeypatch.setattr(pagination, "EXACT_BELOW", 1)
    paginator = EstimatedCountPaginator(AuditEvent.objects.order_by("-id"), 10)
    assert paginator.count > 0 and paginator.estimated
