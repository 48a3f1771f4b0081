"""Tiaki's database backends (``settings.DATABASES``), thin subclasses of Django's."""

from __future__ import annotations

from typing import Any


def sends_default_begin(raw: Any) -> bool:
    """Whether psycopg 3 connection ``raw`` (``connection.connection``; None before it
    connects) would open a transaction with a plain ``BEGIN`` before its next statement:
    idle, not in autocommit, and isolation level, read-only and deferrable all unset.

    Both ways of sending a ``BEGIN`` of our own in the same message as an audit ``INSERT``
    (the held statement of ``tiaki.core.db.postgresql`` and ``tiaki.audit.services``) may
    only stand in for psycopg's when it would have sent exactly this one; any other
    characteristics belong in the ``BEGIN`` psycopg composes itself (decision 0024).
    """
    # Imported here: SQLite setups run without psycopg installed.
    from psycopg import pq

    return bool(raw is not None and not raw.autocommit
                and raw.info.transaction_status == pq.TransactionStatus.IDLE
                and raw.isolation_level is None and raw.read_only is None
                and raw.deferrable is None)
