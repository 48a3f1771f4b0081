"""``kill -9`` of an audit writer or of the sealer loses no committed row and reorders none."""

from __future__ import annotations

import pytest

from tests.crash import kill9, start, wait_for_line
from tiaki.audit.models import AuditEvent, AuditSeal
from tiaki.audit.sealing import audit_seal
from tiaki.audit.services import Action, audit_record, audit_verify

pytestmark = pytest.mark.django_db(transaction=True)

WRITER = """
from django.db import transaction
from tiaki.audit.services import audit_record
for n in range(int(sys.argv[1])):
    audit_record(actor=None, action="read", object_type="test.thing", object_id=f"child-{n}")
print("committed", flush=True)
with transaction.atomic():
    audit_record(actor=None, action="read", object_type="test.thing", object_id="never")
    print("inside", flush=True)
    time.sleep(600)
"""

SEALER = """
from tiaki.audit import sealing
real = sealing.bulk_insert
def slow(*args, **kwargs):
    done = real(*args, **kwargs)
    print("sealing", flush=True)
    time.sleep(600)
    return done
sealing.bulk_insert = slow
sealing.audit_seal()
"""


def _write(n: int, prefix: str) -> None:
    for i in range(n):
        audit_record(actor=None, action=Action.READ, object_type="test.thing",
                     object_id=f"{prefix}-{i}")


def test_killed_writer_leaves_no_row_and_breaks_nothing() -> None:
    _write(10, "before")
    audit_seal()
    child = start(WRITER, "50")
    wait_for_line(child, "inside")
    _write(10, "meanwhile")  # others keep writing while the child holds its transaction open
    kill9(child)
    _write(5, "after")
    audit_seal()
    assert not AuditEvent.objects.filter(object_id="never").exists()
    assert AuditEvent.objects.count() == 10 + 50 + 10 + 5 == AuditSeal.objects.count()
    result = audit_verify()
    assert result.ok and result.unsealed == 0 and result.last_seq == 75


def test_killed_sealer_seals_nothing_and_the_next_one_seals_in_order() -> None:
    _write(30, "early")
    audit_seal()
    _write(40, "late")
    child = start(SEALER)
    wait_for_line(child, "sealing")  # its seals are written but not committed
    kill9(child)
    assert AuditSeal.objects.count() == 30
    result = audit_verify()
    assert result.ok and result.unsealed == 40
    assert audit_seal() == 40
    seals = list(AuditSeal.objects.order_by("seq").values_list("seq", "event_id"))
    assert [s for s, _ in seals] == list(range(1, 71))
    assert [e for _, e in seals] == sorted(e for _, e in seals)
    assert audit_verify().ok
