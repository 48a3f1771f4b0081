"""An insider who can write to the database cannot rewrite the audit trail unseen (issue 15)."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tiaki.audit.models import AuditEvent, AuditSeal, ChainHead
from tiaki.audit.sealing import audit_seal, chain_link
from tiaki.audit.services import MAC_FIELDS, Action, audit_record, audit_verify, row_mac

pytestmark = pytest.mark.django_db
EVENTS = AuditEvent._meta.db_table
SEALS = AuditSeal._meta.db_table


def _trail(n: int) -> list[AuditEvent]:
    rows = [audit_record(actor=None, action=Action.READ, object_type="cases.victimcase",
                         object_id=str(i), summary=f"Identifying details of VC-{i} revealed")
            for i in range(n)]
    audit_seal()
    return rows


def _sql(query: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(query, params)


def _recompute_from(first_seq: int, mac_of: dict[int, str]) -> None:
    """What an insider holding the key would do: rewrite MACs and every later seal."""
    previous = AuditSeal.objects.get(seq=first_seq - 1).chain if first_seq > 1 else "0" * 64
    seq = first_seq
    for seal in AuditSeal.objects.filter(seq__gte=first_seq).order_by("seq"):
        assert seal.event_id is not None
        mac = mac_of.get(seal.event_id) or AuditEvent.objects.get(pk=seal.event_id).mac
        previous = chain_link(seq, seal.event_id, mac, previous)
        _sql(f"UPDATE {SEALS} SET chain = %s WHERE seq = %s", [previous, seal.seq])
        seq += 1
    _sql(f"UPDATE {ChainHead._meta.db_table} SET last_hash = %s, last_seq = %s WHERE id = 1",
         [previous, seq - 1])


def _checkpoint(tmp_path: Path) -> Path:
    path = tmp_path / "checkpoint.json"
    call_command("audit", "checkpoint", str(path))
    return path


def test_edit_recomputed_without_the_key_is_caught() -> None:
    rows = _trail(5)
    _sql(f"UPDATE {EVENTS} SET summary = %s WHERE id = %s", ["nothing revealed", rows[2].pk])
    # Plain SHA-256 (what the old chain used) or any key but ours gives the wrong MAC.
    row = AuditEvent.objects.get(pk=rows[2].pk)
    payload = json.dumps([str(getattr(row, f)) for f in MAC_FIELDS]).encode()
    _sql(f"UPDATE {EVENTS} SET mac = %s WHERE id = %s",
         [hashlib.sha256(payload).hexdigest(), rows[2].pk])
    result = audit_verify()
    assert result.first_break is not None and result.first_break.event_id == rows[2].pk


def test_edit_recomputed_with_the_key_is_caught_by_a_checkpoint(tmp_path: Path) -> None:
    rows = _trail(5)
    path = _checkpoint(tmp_path)
    _sql(f"UPDATE {EVENTS} SET summary = %s WHERE id = %s", ["nothing revealed", rows[1].pk])
    row = AuditEvent.objects.get(pk=rows[1].pk)
    mac = row_mac(*(getattr(row, f) for f in MAC_FIELDS))
    _sql(f"UPDATE {EVENTS} SET mac = %s WHERE id = %s", [mac, rows[1].pk])
    _recompute_from(2, {rows[1].pk: mac})
    assert audit_verify().ok  # consistent again for someone who has the key...
    with pytest.raises(CommandError, match=f"row {rows[4].pk}.*checkpoint"):
        call_command("audit", "verify", "--checkpoint", str(path))


def test_reordered_rows_are_caught() -> None:
    rows = _trail(4)
    _sql(f"UPDATE {SEALS} SET event_id = %s WHERE seq = 2", [-1])
    _sql(f"UPDATE {SEALS} SET event_id = %s WHERE seq = 3", [rows[1].pk])
    _sql(f"UPDATE {SEALS} SET event_id = %s WHERE seq = 2", [rows[2].pk])
    result = audit_verify()
    assert result.first_break is not None and result.first_break.event_id == rows[2].pk
    assert "reordered" in result.first_break.problem


def test_swapped_contents_are_caught() -> None:
    rows = _trail(4)
    a, b = (AuditEvent.objects.get(pk=r.pk) for r in rows[1:3])
    _sql(f"UPDATE {EVENTS} SET object_id = %s WHERE id = %s", [b.object_id, a.pk])
    _sql(f"UPDATE {EVENTS} SET object_id = %s WHERE id = %s", [a.object_id, b.pk])
    result = audit_verify()
    assert result.first_break is not None and result.first_break.event_id == a.pk


def test_newest_rows_deleted_with_their_seals_are_caught(tmp_path: Path) -> None:
    rows = _trail(5)
    path = _checkpoint(tmp_path)
    _sql(f"DELETE FROM {EVENTS} WHERE id >= %s", [rows[3].pk])
    _sql(f"DELETE FROM {SEALS} WHERE seq >= 4", [])
    result = audit_verify()
    assert result.first_break is not None and "missing" in result.first_break.problem
    # ...and with the head put back too, only the checkpoint still knows.
    _sql(f"UPDATE {ChainHead._meta.db_table} SET last_hash = %s, last_seq = 3 WHERE id = 1",
         [AuditSeal.objects.get(seq=3).chain])
    assert audit_verify().ok
    with pytest.raises(CommandError, match="beyond the end of the chain"):
        call_command("audit", "verify", "--checkpoint", str(path))


def test_a_forged_checkpoint_is_refused(tmp_path: Path) -> None:
    _trail(3)
    path = _checkpoint(tmp_path)
    body = json.loads(path.read_text())
    body["chain"] = hmac.digest(b"other", b"x", "sha256").hex()
    path.write_text(json.dumps(body))
    with pytest.raises(CommandError, match="signature does not verify"):
        call_command("audit", "verify", "--checkpoint", str(path))


def test_checkpoint_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _trail(3)
    path = _checkpoint(tmp_path)
    _trail(2)
    call_command("audit", "verify", "--checkpoint", str(path))
    out = capsys.readouterr().out
    assert "audit trail intact: 5 rows" in out and "position(s) 3" in out
