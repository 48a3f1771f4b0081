"""Django's PostgreSQL backend, plus one statement held back to travel with the ``COMMIT``.

A bare audited call (``with transaction.atomic(): audit_record(...)``) made two round trips,
the ``INSERT`` and the atomic block's ``COMMIT``; under contention each round trip costs both
processes a sleep and a wake-up, which was most of the call's CPU (docs/benchmarks.md, issue
16). Here the caller of ``defer`` may hand over one statement, inside the outermost atomic
block, whose result nobody needs until later: it is sent with whatever this connection sends
next, so in the same transaction and in the same order as if it had been sent at once:

- the atomic block's ``COMMIT``: one message ``[BEGIN;] statement; COMMIT``, one round trip;
- any other statement (a new cursor: every query, savepoint, ``COPY``): sent just before it;
- a ``ROLLBACK`` or the connection closing: dropped, as the server would have dropped it.

Only one statement waits at a time (a second ``defer`` sends the first), and only in the
outermost block (not in a ``TestCase``'s, which is never committed), on psycopg 3 with client-side
binding (Django's default: the parameters are quoted into the text, so several statements can
share a simple-protocol message). See docs/decisions/0024-audit-insert-with-commit.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import is_psycopg3

from tiaki.core.db import sends_default_begin


class DatabaseWrapper(base.DatabaseWrapper):
    _deferred: tuple[str, list[Any], Callable[[Any], None]] | None = None

    def defer(self, sql: str, params: list[Any], done: Callable[[Any], None]) -> bool:
        """Hold ``sql`` to send with the next statement or the ``COMMIT``; ``done(cursor)``
        is called once it has run, the cursor on its result. Returns False (and holds
        nothing) where it cannot wait: then the caller sends it itself."""
        if not self._can_defer():
            return False
        self._deferred = (sql, params, done)
        return True

    def _can_defer(self) -> bool:
        # ``_from_testcase``: a ``TestCase``'s block is never committed, and its tests read
        # back what they wrote by the id they were given.
        if not (is_psycopg3 and self.in_atomic_block and len(self.atomic_blocks) == 1
                and not getattr(self.atomic_blocks[0], "_from_testcase", False)
                and self.commit_on_exit and not self.needs_rollback
                and not self.settings_dict["OPTIONS"].get("server_side_binding")):
            return False
        if self._deferred is not None:
            self._send_deferred(commit=False)
        from psycopg import pq

        raw = self.connection
        if raw is None:
            return False
        status = raw.info.transaction_status
        if status == pq.TransactionStatus.INTRANS:
            return True
        # Not begun yet: the held message will carry the BEGIN, which must be the one
        # psycopg would send (default characteristics).
        return sends_default_begin(raw)

    def _send_deferred(self, *, commit: bool) -> None:
        from psycopg import pq

        assert self._deferred is not None
        (sql, params, done), self._deferred = self._deferred, None
        raw = self.connection
        opens = raw.info.transaction_status == pq.TransactionStatus.IDLE
        if opens:
            # psycopg must not send a BEGIN of its own first: its autocommit flag only
            # decides that, and the atomic block's exit turns it on anyway. The server
            # keeps the transaction open after the message ends (explicit BEGIN); psycopg
            # ends it with COMMIT or ROLLBACK as usual.
            raw.autocommit = True
            sql = "BEGIN; " + sql
        if commit:
            sql += "; COMMIT"
        with self.cursor() as cursor:  # Django's: logged, counted, errors wrapped
            cursor.execute(sql, params)
            if opens:
                cursor.nextset()
            done(cursor)

    def _cursor(self, name: str | None = None) -> Any:
        if self._deferred is not None:
            self._send_deferred(commit=False)
        return super()._cursor(name)  # type: ignore[misc]  # not in the stubs

    def _commit(self) -> None:
        if self._deferred is not None and self.connection is not None:
            self._send_deferred(commit=True)
            return None
        return super()._commit()  # type: ignore[misc]  # not in the stubs

    def _rollback(self) -> None:
        self._deferred = None
        return super()._rollback()  # type: ignore[misc]  # not in the stubs

    def _close(self) -> None:
        self._deferred = None
        return super()._close()  # type: ignore[misc]  # not in the stubs
