"""Reference numbers (``PREFIX-YEAR-NNNN``) from a locked counter.

Reading the highest reference and adding one lets two parallel writers pick the same number
(on PostgreSQL 19 of 20 parallel case openings failed that way). Here the number comes from
one ``UPDATE … RETURNING`` on the stem's counter row, which PostgreSQL and SQLite both run
atomically; the row stays locked until the caller's transaction ends, so numbers are handed
out in commit order and a rolled-back transaction gives its number back. The first number
under a new stem starts after the highest reference already stored, so existing data (or a
database restored without its counters) carries on without a clash.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, models, transaction
from django.db.models.functions import Length
from django.utils import timezone

from tiaki.core.models import ReferenceCounter

TABLE = ReferenceCounter._meta.db_table


def _bump(stem: str, count: int = 1) -> int | None:
    with connection.cursor() as cursor:
        # The table name is the model's constant; the stem goes in as a parameter.
        cursor.execute(f"UPDATE {TABLE} SET last = last + %s WHERE stem = %s "  # noqa: S608
                       "RETURNING last", [count, stem])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def next_number(stem: str, *, highest_stored: Callable[[], int], count: int = 1) -> int:
    """The next number under ``stem``; ``highest_stored`` reads the highest one in use, and
    is only called the first time a stem is seen. With ``count`` > 1 the next ``count``
    numbers are taken at once (a bulk load) and the last of them is returned."""
    # No savepoint: nothing here is caught and retried, so an error ends the caller's
    # transaction anyway, and a savepoint costs two round trips on every case opened.
    with transaction.atomic(savepoint=False):
        number = _bump(stem, count)
        if number is not None:
            return number
        start = highest_stored() + count
        with connection.cursor() as cursor:
            # Two first callers race here: one inserts, the other's conflict becomes a bump.
            cursor.execute(
                f"INSERT INTO {TABLE} (stem, last) VALUES (%s, %s) "  # noqa: S608
                f"ON CONFLICT (stem) DO UPDATE SET last = {TABLE}.last + %s RETURNING last",
                [stem, start, count])
            row = cursor.fetchone()
        assert row is not None
        return int(row[0])


def next_reference(model: type[models.Model], prefix: str) -> str:
    """The next ``PREFIX-YEAR-NNNN`` for ``model``'s ``reference`` field: a number, not a
    name, so it identifies no one."""
    return next_references(model, prefix, timezone.localdate().year, 1)[0]


def next_references(model: type[models.Model], prefix: str, year: int, count: int) -> list[str]:
    """The next ``count`` references of ``year`` for ``model``, taken from the counter at
    once (bulk loads of records dated in that year)."""
    stem = f"{prefix}-{year}-"

    def highest_stored() -> int:
        # Longest first, so VC-2026-10000 sorts after VC-2026-9999.
        last = (model._default_manager.filter(reference__startswith=stem)
                .order_by(Length("reference").desc(), "-reference")
                .values_list("reference", flat=True).first())
        return int(last.rsplit("-", 1)[1]) if last else 0

    if count <= 0:
        return []
    last = next_number(stem, highest_stored=highest_stored, count=count)
    return [f"{stem}{n:04d}" for n in range(last - count + 1, last + 1)]
