"""Inserting many rows at once: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

``bulk_create`` builds a model instance and prepares every value through its field, which for
100,000 watchlist entries costs more than the database does. ``bulk_insert`` takes plain
rows (attribute name → value), fills the rest with the fields' defaults, and streams them
with ``COPY … FROM STDIN`` in the caller's transaction. It is for new rows whose keys the
caller does not need back; constraints still apply (a duplicate fails the whole copy).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models

BATCH = 5000


def bulk_insert(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert ``rows`` into ``model``'s table; returns how many."""
    rows = list(rows)
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or
              not isinstance(f, models.AutoField | models.BigAutoField)]
    given = set().union(*(r.keys() for r in rows))
    # Defaults once per call: every row of one import gets the same time stamp.
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in given}
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**{**defaults, **r}) for r in rows],
                                           batch_size=BATCH)
        return len(rows)
    from psycopg.types.json import Jsonb

    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, which speaks COPY
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = {**defaults, **row}
                copy.write_row([Jsonb(values[n]) if n in json_fields else values[n]
                                for n in names])
    return len(rows)
