"""Writing and verifying the audit trail."""

from __future__ import annotations

import datetime as dt
import json
import json.encoder as json_encoder
from collections.abc import Callable
from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, router
from django.utils import timezone

from tiaki.audit import keys
from tiaki.audit.models import AuditEvent
from tiaki.core.db import sends_default_begin

Action = AuditEvent.Action


def _canonical(at: dt.datetime | str, actor_id: int | None, actor_username: str, actor_agency: str,
               actor_roles: str, action: str, object_type: str, object_id: str, summary: str,
               changes: Any, reason: str) -> bytes:
    # A list, not a dict: the order is fixed by this function, and it is quicker to dump.
    # ``at`` may come already printed in that form (the verifier streams it so from the
    # database); a datetime is printed here.
    stamp = at if isinstance(at, str) else at.isoformat(timespec="microseconds")
    return encode_canonical([stamp, actor_id, actor_username,
                    actor_agency, actor_roles, action, object_type, object_id, summary,
                    changes, reason]).encode()


# The canonical form is exactly what this encoder prints (every stored MAC depends on it).
_REFERENCE_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).encode


def _c_encode() -> Callable[[Any], str]:
    # The same C encoder ``_REFERENCE_ENCODE`` builds on every call, built once: the encoder's
    # set-up cost more than encoding a row. Only the circular-reference check is left out,
    # which changes no output: a value with a cycle has no JSON form at all.
    # tests/audit/test_canonical.py holds the bytes equal over varied rows.
    make = getattr(json_encoder, "c_make_encoder", None)  # not in the type stubs
    if make is None:  # a Python built without the C accelerator
        return _REFERENCE_ENCODE
    encode = make(None, str, json_encoder.encode_basestring_ascii, None, ":", ",", True,
                  False, True)
    return lambda value: "".join(encode(value, 0))


encode_canonical = _c_encode()
"""The canonical encoder: a row's MAC is over ``encode_canonical([...]).encode()`` of its
``MAC_FIELDS`` values in order, ``at`` printed by ``isoformat(timespec="microseconds")``."""


# The columns a row's MAC covers, in ``_canonical``'s order.
MAC_FIELDS = ("at", "actor_id", "actor_username", "actor_agency", "actor_roles", "action",
              "object_type", "object_id", "summary", "changes", "reason")


def row_mac(*values: Any, key: bytes | None = None) -> str:
    """HMAC-SHA256 of a row's contents (``MAC_FIELDS`` in order) under the audit key (pass
    ``key=keys.mac_key()`` when computing many)."""
    return keys.keyed_hmac(key or keys.mac_key()).hexdigest(_canonical(*values))


def compute_mac(event: AuditEvent) -> str:
    return row_mac(*(getattr(event, name) for name in MAC_FIELDS))


def coarse_hour(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _describe_actor(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor_id": None, "actor_username": "", "actor_agency": "", "actor_roles": ""}
    agency = getattr(actor, "agency", None)
    roles = sorted(actor.role_codes()) if hasattr(actor, "role_codes") else []
    return {
        "actor_id": actor.pk,
        "actor_username": actor.get_username(),
        "actor_agency": agency.code if agency is not None else "",
        "actor_roles": ",".join(roles),
    }


def object_label(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


@cache
def _insert_sql(alias: str) -> str:
    # Built once per database: the ORM's save() rebuilds this statement (and walks its
    # signals and field hooks) on every call, which was about 40% of an audited call's CPU
    # on PostgreSQL (docs/benchmarks.md, "Write paths on PostgreSQL").
    conn = connections[alias]
    quote, meta = conn.ops.quote_name, AuditEvent._meta
    columns = ", ".join(quote(str(_FIELDS[name].column)) for name in _INSERTED)
    sql = (f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 (our names)
           f"VALUES ({', '.join(['%s'] * len(_INSERTED))})")
    if conn.features.can_return_columns_from_insert:
        sql += f" RETURNING {quote(str(_FIELDS['id'].column))}"
    return sql


@cache
def _pg_insert_sql(alias: str) -> str:
    """PostgreSQL: the row goes in as its canonical JSON text and its MAC, two parameters.

    The canonical text is what the MAC is computed over, so the database stores exactly the
    values the MAC covers (``->>`` gives element n back as text, ``->`` the ``changes``
    object as jsonb). Quoting two parameters instead of twelve was about a sixth of an
    audited call's client CPU (docs/benchmarks.md, "Audit writes and audit verify").
    """
    conn = connections[alias]
    quote, meta = conn.ops.quote_name, AuditEvent._meta
    columns = ", ".join(quote(str(_FIELDS[name].column)) for name in _INSERTED)
    casts = {"at": "::timestamptz", "actor_id": "::bigint"}
    values = ", ".join(
        f"r.j->{n}" if name == "changes" else f"(r.j->>{n}){casts.get(name, '')}"
        for n, name in enumerate(MAC_FIELDS))
    return (f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 (our names)
            f"SELECT {values}, r.m FROM (SELECT %s::jsonb AS j, %s::text AS m) AS r "
            f"RETURNING {quote(str(_FIELDS['id'].column))}")


_FIELDS = {f.name: f for f in AuditEvent._meta.concrete_fields}
_INSERTED = (*MAC_FIELDS, "mac")
# The two columns whose Python value is not what the driver is given.
_ADAPTED = {_INSERTED.index(name): _FIELDS[name] for name in ("at", "changes")}
# ``audit_record`` builds its result from ``[id, *values, mac]`` in this order.
_ALL_FIELDS = ("id", *_INSERTED)
if tuple(_FIELDS) != _ALL_FIELDS:
    raise ImproperlyConfigured(f"AuditEvent's fields changed order: {tuple(_FIELDS)}")


def _insert(event: AuditEvent, values: list[Any], text: str, mac: str) -> None:
    """Store a new row with one INSERT and nothing else (no signals, no savepoint), through
    Django's cursor so query logging and counting still see it, and set ``event``'s id.

    ``values`` are ``MAC_FIELDS``' values in order, ``text`` their canonical JSON."""
    conn = connections[router.db_for_write(AuditEvent)]
    if conn.vendor == "postgresql":
        _pg_insert(conn, event, text, mac)
        return
    params = [*values, mac]
    for n, model_field in _ADAPTED.items():
        params[n] = model_field.get_db_prep_save(params[n], conn)
    with conn.cursor() as cursor:
        cursor.execute(_insert_sql(conn.alias), params)
        if conn.features.can_return_columns_from_insert:
            event.pk = int(cursor.fetchone()[0])
        else:
            event.pk = int(cursor.lastrowid)


def _opens_transaction(conn: Any) -> bool:
    """Whether this INSERT is the first statement of a transaction that an outermost
    ``transaction.atomic()`` opened (and will end), on a psycopg 3 connection with
    client-side binding (Django's default) and the default transaction characteristics.

    psycopg starts such a transaction by sending ``BEGIN`` on its own and waiting for the
    answer before the first statement (``BaseConnection._start_query``): a whole round trip,
    a third of a bare audited call's. Then ``BEGIN`` travels with the INSERT in one
    simple-protocol message instead: the server runs a message's statements in order, and
    after an explicit ``BEGIN`` the transaction stays open when the message ends
    (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT).
    """
    return bool(
        conn.in_atomic_block and conn.commit_on_exit and not conn.get_autocommit()
        and not conn.settings_dict["OPTIONS"].get("server_side_binding")
        and sends_default_begin(conn.connection))


def _pg_insert(conn: Any, event: AuditEvent, text: str, mac: str) -> None:
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    def stored(cursor: Any) -> None:
        event.pk = int(cursor.fetchone()[0])

    # Tiaki's backend (``tiaki.core.db.postgresql``) holds the INSERT, in the outermost
    # atomic block, until the connection sends anything else: with the block's COMMIT when
    # nothing else comes, one round trip for a bare audited call instead of two. The row is
    # in the same transaction and in the same place in it as if sent now; the returned
    # event's id is set once it is sent (docs/decisions/0024-audit-insert-with-commit.md).
    defer = getattr(conn, "defer", None)
    if defer is not None and defer(_pg_insert_sql(conn.alias), [text, mac], stored):
        return
    with conn.cursor() as cursor:
        if is_psycopg3 and _opens_transaction(conn):
            # psycopg must not send its own BEGIN as well. Its autocommit flag only decides
            # whether it sends one before a statement, and may be turned on while the
            # connection is idle; the transaction opened here is ended by the atomic
            # block's COMMIT or ROLLBACK as usual (psycopg sends either whenever the server
            # is in a transaction), and the block's exit turns autocommit on anyway
            # (``Atomic.__exit__`` -> ``set_autocommit(True)``). tests/audit/test_write_path.py
            # holds the commit, the rollback and the round trips.
            conn.connection.autocommit = True
            cursor.execute("BEGIN; " + _pg_insert_sql(conn.alias), [text, mac])
            cursor.nextset()
        else:
            cursor.execute(_pg_insert_sql(conn.alias), [text, mac])
        stored(cursor)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one row to the audit trail, inside the caller's transaction.

    Call it from the service function that makes the change, so the row and the change
    commit or roll back together. It takes no lock: the row carries its own MAC, and the
    sealer gives it its place in the chain after it commits (``tiaki.audit.sealing``).
    """
    at = timezone.now()
    if actor is None:
        # Rows with no signed-in actor come from the public (anonymous reports, follow-ups)
        # or the system. Their time is kept to the hour, like the reports themselves, so the
        # trail cannot be used to tell when an anonymous reporter was active.
        at = coarse_hour(at)
    if obj is not None:
        object_type = object_type or object_label(obj)
        object_id = object_id or str(obj.pk)
    who = _describe_actor(actor)
    values = [at, who["actor_id"], who["actor_username"], who["actor_agency"],
              who["actor_roles"], action, object_type, object_id, summary[:300],
              # Round-trip through JSON so the MAC covers what the database will give back.
              json.loads(json.dumps(changes, default=str)) if changes else {}, reason]
    text = encode_canonical([at.isoformat(timespec="microseconds"), *values[1:]])
    mac = keys.keyed_hmac(keys.mac_key()).hexdigest(text.encode())
    # Built as a fetched row is (positional values, no keyword matching: a third of building
    # the instance) and marked as stored, so ``save()`` refuses it; ``_insert`` sets its id.
    event = AuditEvent.from_db(router.db_for_write(AuditEvent), _ALL_FIELDS,
                               [None, *values, mac])
    _insert(event, values, text, mac)
    return event


def audit_read(*, actor: Any, obj: models.Model, reason: str = "", summary: str = "") -> AuditEvent:
    """Record that ``actor`` read a sensitive record."""
    return audit_record(actor=actor, action=Action.READ, obj=obj, reason=reason, summary=summary)


def audit_verify(**kwargs: Any) -> Any:
    """``tiaki.audit.verify.audit_verify``, kept here for the callers that import it here."""
    from tiaki.audit.verify import audit_verify as verify

    return verify(**kwargs)
