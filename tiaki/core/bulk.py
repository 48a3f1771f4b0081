"""Inserting many rows at once: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

``bulk_create`` builds a model instance and prepares every value through its field, which for
100,000 watchlist entries costs more than the database does. ``bulk_insert`` takes plain
rows (attribute name → value), fills the rest with the fields' defaults, and streams them
with ``COPY … FROM STDIN`` in the caller's transaction. It is for new rows whose keys the
caller does not need back, or whose keys it reserved first (``reserve_ids``) and gives in
each row; constraints still apply (a duplicate fails the whole copy).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from django.db import connection, models

BATCH = 5000


def bulk_insert(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert ``rows`` into ``model``'s table; returns how many."""
    rows = list(rows)
    if not rows:
        return 0
    given = set().union(*(r.keys() for r in rows))
    # An automatic key is left to the database unless the rows carry reserved ones.
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in given
              or not isinstance(f, models.AutoField | models.BigAutoField)]
    # Defaults once per call: every row of one import gets the same time stamp. A field
    # some rows give and others leave out gets its default in those others.
    defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**{**defaults, **r}) for r in rows],
                                           batch_size=BATCH)
        return len(rows)
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, which speaks COPY
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = {**defaults, **row}
                copy.write_row([_json_text(values[n]) if n in json_fields else values[n]
                                for n in names])
    return len(rows)


def _json_text(value: Any) -> str:
    """A JSON column's value as the text ``COPY`` sends (the server parses it as ``jsonb``).

    An empty list, what most of a traveller's JSON columns hold, is one constant: wrapping
    every value in psycopg's ``Jsonb`` cost 60,000 dumps per 10,000 travellers, a third of
    storing them. Others are written by orjson (a tenth of ``json.dumps``'s time; the server
    reads the text, so spacing and escapes do not matter), and by ``json.dumps`` when orjson
    refuses a value (a key that is not text, an integer beyond 64 bits). ``None`` is JSON
    ``null`` either way."""
    if value == [] and type(value) is list:
        return "[]"
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh values of ``model``'s automatic key, for rows that other rows inserted
    in the same batch refer to (a case's referrals, an event's seal).

    On PostgreSQL they come from the key's own sequence, so concurrent writers never get the
    same one and the sequence carries on after them. Elsewhere (SQLite: tests, one writer)
    they are the next free numbers after the highest key stored.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    column = str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)", [table, column, count])
            return [int(row[0]) for row in cursor.fetchall()]
        # The table and column names are the model's own, not input.
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) "  # noqa: S608
                       f"FROM {connection.ops.quote_name(table)}")
        row = cursor.fetchone()
    start = int(row[0]) + 1 if row else 1
    return list(range(start, start + count))
