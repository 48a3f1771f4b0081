"""The flat verify loop (issue 16: ``audit verify`` at 100,000 rows/s) still checks every column
of every row, whatever its contents, and still names the first bad row and counts the rows not
yet sealed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from tiaki.audit.models import AuditEvent, AuditSeal
from tiaki.audit.sealing import audit_seal
from tiaki.audit.services import Action, audit_record
from tiaki.audit.verify import _changes, audit_verify

pytestmark = pytest.mark.django_db

EVENTS = AuditEvent._meta.db_table

CHANGES: list[dict[str, Any]] = [
    {},
    {"n": 1},
    {"name": {"from": "Mere", "to": "Mere Ātaahua"}, "tags": ["🪶", "東京", None, True]},
    {"amount": 10.5, "big": 2**70, "neg": -0.25, "tiny": 1.5e-7, "quote": 'a "b" \\ c\n'},
    {"z": 1, "a": {"y": [], "b": {}}, "ā": "last in code-point order", "Z": "first"},
]


def _trail() -> list[AuditEvent]:
    rows = [audit_record(actor=None, action=Action.UPDATE, object_type="test.thing",
                         object_id=f"{i}-ā", summary=f"change {i} — Ngā Tāngata",
                         changes=changes, reason="\t reason ☃")
            for i, changes in enumerate(CHANGES * 3)]
    audit_seal()
    return rows


def _sql(query: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(query, params)


def test_rows_of_every_kind_verify() -> None:
    _trail()
    result = audit_verify()
    assert result.ok, result.first_break
    assert result.checked == len(CHANGES) * 3 and result.unsealed == 0


@pytest.mark.parametrize("column, value", [
    ("summary", "change 7 — Nga Tangata"),  # one macron less
    ("reason", "\t reason ☃ "),
    ("actor_username", "someone"),
    ("object_id", "7-a"),
    ("action", "read"),
])
def test_an_edit_to_any_column_names_that_row(column: str, value: str) -> None:
    rows = _trail()
    _sql(f"UPDATE {EVENTS} SET {column} = %s WHERE id = %s", [value, rows[7].pk])
    result = audit_verify()
    assert result.first_break is not None and result.first_break.event_id == rows[7].pk
    assert result.first_break.seq == 8 and "MAC" in result.first_break.problem
    assert result.checked == 8


@pytest.mark.parametrize("index, edited", [
    (1, {"n": 2}),
    (2, {"name": {"from": "Mere", "to": "Mere Ataahua"}, "tags": ["🪶", "東京", None, True]}),
    (3, {"amount": 10.50001, "big": 2**70, "neg": -0.25, "tiny": 1.5e-7,
         "quote": 'a "b" \\ c\n'}),
    (0, {"added": True}),
])
def test_an_edit_inside_the_changes_is_caught(index: int, edited: dict[str, Any]) -> None:
    rows = _trail()
    victim = rows[len(CHANGES) + index]
    _sql(f"UPDATE {EVENTS} SET changes = %s WHERE id = %s", [json.dumps(edited), victim.pk])
    result = audit_verify()
    assert result.first_break is not None and result.first_break.event_id == victim.pk


def test_an_edit_to_the_time_is_caught_to_the_microsecond() -> None:
    rows = _trail()
    stored = AuditEvent.objects.get(pk=rows[4].pk).at
    _sql(f"UPDATE {EVENTS} SET at = %s WHERE id = %s",
         [stored.replace(microsecond=(stored.microsecond + 1) % 1_000_000), rows[4].pk])
    result = audit_verify()
    assert result.first_break is not None and result.first_break.event_id == rows[4].pk


def test_unsealed_rows_are_counted_after_the_sealed_ones_are_checked() -> None:
    _trail()
    late = [audit_record(actor=None, action=Action.READ, object_type="test.thing",
                         object_id=str(i), changes=CHANGES[i % len(CHANGES)])
            for i in range(4)]
    result = audit_verify()
    assert result.ok and result.unsealed == 4 and result.last_seq == len(CHANGES) * 3
    assert result.oldest_unsealed == late[0].at
    _sql(f"UPDATE {EVENTS} SET changes = %s WHERE id = %s", ['{"n": 2}', late[1].pk])
    result = audit_verify()
    assert result.first_break is not None and result.first_break.event_id == late[1].pk
    assert result.first_break.seq is None and "not yet sealed" in result.first_break.problem
    assert AuditSeal.objects.count() == len(CHANGES) * 3


@pytest.mark.parametrize("text", [
    "{}", '{"n": 1}', ' {"n": 1} ', '{"a": [1, 2.50, {"b": null}]}', '"\\u0101"', "[]",
    '{"big": 123456789012345678901234567890}', '{"e": 1E+2, "f": -0.0}', "{ }",
])
def test_changes_text_decodes_as_json_loads_does(text: str) -> None:
    assert _changes(text) == json.loads(text)
    assert json.dumps(_changes(text), sort_keys=True) == json.dumps(json.loads(text),
                                                                   sort_keys=True)


def test_the_oldest_unsealed_row_is_named_by_its_time_not_its_id() -> None:
    import datetime as dt

    from tiaki.audit.services import MAC_FIELDS, row_mac
    from tiaki.core.bulk import bulk_insert

    _trail()
    base = dt.datetime(2026, 12, 3, 11, 0, tzinfo=dt.UTC)
    times = [base + dt.timedelta(minutes=2), base + dt.timedelta(microseconds=7),
             base + dt.timedelta(minutes=1)]
    rows = []
    for n, at in enumerate(times):
        row = {"at": at, "actor_id": None, "actor_username": "", "actor_agency": "",
               "actor_roles": "", "action": "read", "object_type": "test.thing",
               "object_id": str(n), "summary": "ā", "changes": CHANGES[n + 2], "reason": ""}
        rows.append({**row, "mac": row_mac(*(row[f] for f in MAC_FIELDS))})
    bulk_insert(AuditEvent, rows)
    result = audit_verify()
    assert result.ok and result.unsealed == 3
    assert result.oldest_unsealed == times[1]
