"""``audit verify --jobs N`` checks stretches of the chain side by side and names the same
first bad row as one process does (issue 16: verify at 100,000 rows/s over 10M rows)."""

from __future__ import annotations

import pytest
from django.db import connection

from tiaki.audit.models import AuditEvent, AuditSeal
from tiaki.audit.sealing import audit_seal
from tiaki.audit.services import Action, audit_record
from tiaki.audit.verify import Anchor, audit_verify

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    # Forked workers open their own connections: they must reach the same database, which
    # on SQLite lives in the test process's memory. CI runs this on PostgreSQL.
    if connection.vendor != "postgresql":
        pytest.skip("parallel verification needs a database other processes can reach")


def _trail(n: int) -> list[AuditEvent]:
    rows = [audit_record(actor=None, action=Action.READ, object_type="test.thing",
                         object_id=str(i), changes={"n": i} if i % 3 else {})
            for i in range(n)]
    audit_seal()
    return rows


def _sql(query: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(query, params)


def _both() -> tuple[object, object]:
    one = audit_verify(jobs=1)
    many = audit_verify(jobs=3, parallel_from=0)
    return one, many


def test_an_intact_trail_passes_in_parallel_with_its_checkpoints() -> None:
    _trail(31)
    anchors = [Anchor(seq=s.seq, chain=s.chain)
               for s in AuditSeal.objects.filter(seq__in=[5, 11, 30])]
    result = audit_verify(jobs=3, parallel_from=0, anchors=anchors)
    assert result.ok and result.checked == 31 and result.last_seq == 31
    assert sorted(result.anchors_checked) == [5, 11, 30]


def test_an_edit_in_any_stretch_is_named_as_one_process_names_it() -> None:
    rows = _trail(30)
    for victim in (rows[10], rows[20]):  # the first row of the second and third stretch
        _sql(f"UPDATE {AuditEvent._meta.db_table} SET summary = 'x' WHERE id = %s",
             [victim.pk])
    one, many = _both()
    assert one.first_break == many.first_break
    assert many.first_break is not None and many.first_break.event_id == rows[10].pk
    assert one.checked == many.checked


def test_rows_deleted_across_a_stretch_boundary_are_named() -> None:
    rows = _trail(30)
    _sql(f"DELETE FROM {AuditSeal._meta.db_table} WHERE seq BETWEEN 9 AND 12", [])
    one, many = _both()
    assert one.first_break == many.first_break
    assert many.first_break is not None and many.first_break.seq == 9
    assert many.first_break.event_id == rows[12].pk and "missing" in many.first_break.problem


def test_a_relinked_seal_at_a_boundary_is_named() -> None:
    rows = _trail(30)
    # Swap two rows' places at the start of the second stretch: each seal's MAC still fits
    # its row, but the chain no longer follows.
    _sql(f"UPDATE {AuditSeal._meta.db_table} SET event_id = -1 WHERE seq = 11", [])
    _sql(f"UPDATE {AuditSeal._meta.db_table} SET event_id = %s WHERE seq = 12", [rows[10].pk])
    _sql(f"UPDATE {AuditSeal._meta.db_table} SET event_id = %s WHERE seq = 11", [rows[11].pk])
    one, many = _both()
    assert one.first_break == many.first_break
    assert many.first_break is not None and many.first_break.seq == 11
