"""The audit trail: append-only, chained, verifiable, outliving users."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.audit.models import AppendOnlyError, AuditEvent, AuditSeal
from tiaki.audit.sealing import audit_seal
from tiaki.audit.services import Action, audit_record, audit_verify


def _rows(n: int, actor: Any = None, *, seal: bool = True) -> list[AuditEvent]:
    rows = [audit_record(actor=actor, action=Action.UPDATE, object_type="test.thing",
                         object_id=str(i), summary=f"change {i}", changes={"n": i, "é": "ā"})
            for i in range(n)]
    if seal:
        audit_seal()
    return rows


@pytest.mark.django_db
def test_rows_chain_and_verify() -> None:
    rows = _rows(5)
    seals = list(AuditSeal.objects.order_by("seq"))
    assert [s.seq for s in seals] == [1, 2, 3, 4, 5]
    assert [s.event_id for s in seals] == [r.pk for r in rows]
    assert len({r.mac for r in rows}) == 5
    result = audit_verify()
    assert result.ok and result.checked == 5 and result.unsealed == 0


@pytest.mark.django_db
def test_unsealed_rows_are_reported_and_still_checked() -> None:
    _rows(3)
    later = _rows(2, seal=False)
    result = audit_verify()
    assert result.ok and result.unsealed == 2 and result.last_seq == 3
    out = _verify_output()
    assert "2 rows not yet sealed" in out
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET reason = %s WHERE id = %s",
                       ["edited before sealing", later[1].pk])
    result = audit_verify()
    assert result.first_break is not None and result.first_break.event_id == later[1].pk
    assert audit_seal() == 2


def _verify_output(*args: str) -> str:
    import io

    out = io.StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_direct_database_edit_is_named_by_verify(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _rows(6)
    target = rows[3]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET summary = %s WHERE id = %s",
                       ["innocent change", target.pk])
    result = audit_verify()
    assert result.first_break is not None and result.first_break.event_id == target.pk
    with pytest.raises(CommandError, match=f"row {target.pk}"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_deleting_a_row_in_the_database_names_that_row() -> None:
    rows = _rows(4)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [rows[1].pk])
    result = audit_verify()
    assert result.first_break is not None and result.first_break.event_id == rows[1].pk
    assert "deleted" in result.first_break.problem


@pytest.mark.django_db
def test_deleting_a_row_and_its_seal_names_the_missing_position() -> None:
    rows = _rows(4)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [rows[1].pk])
        cursor.execute(f"DELETE FROM {AuditSeal._meta.db_table} WHERE seq = 2")
    result = audit_verify()
    assert result.first_break is not None and result.first_break.seq == 2
    assert "positions 2–2 are missing" in result.first_break.problem


@pytest.mark.django_db
def test_deleting_the_newest_row_is_detected() -> None:
    rows = _rows(3)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [rows[2].pk])
    assert not audit_verify().ok


@pytest.mark.django_db
def test_app_cannot_change_or_delete_rows() -> None:
    row = _rows(1)[0]
    row.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).update(summary="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert audit_verify().ok


@pytest.mark.django_db
def test_row_rolls_back_with_the_change() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action=Action.CREATE, object_type="test.thing")
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()
    _rows(2)
    assert audit_verify().ok


def test_rows_outlive_their_user(make_user: Any) -> None:
    user = make_user("leaver", "POLICE", ["investigator"])
    _rows(2, actor=user)
    user.delete()
    assert AuditEvent.objects.filter(actor_username="leaver", actor_agency="POLICE").count() == 2
    assert audit_verify().ok


def test_only_auditors_search(client: Any, personas: dict[str, User]) -> None:
    _rows(3, actor=personas["customs"])
    login(client, personas["customs"])
    assert client.get("/audit/").status_code == 403
    login(client, personas["auditor"])
    page = client.get("/audit/?actor=cus")
    assert page.status_code == 200
    assert page.content.decode().count("change ") >= 3
    filtered = client.get("/audit/?actor=cus&object_type=test.thing").content.decode()
    assert "1–3 of 3" in filtered


@pytest.mark.django_db
def test_anonymous_rows_keep_time_to_the_hour() -> None:
    row = audit_record(actor=None, action=Action.CREATE, object_type="intake.report")
    assert (row.at.minute, row.at.second, row.at.microsecond) == (0, 0, 0)
    assert audit_verify().ok
