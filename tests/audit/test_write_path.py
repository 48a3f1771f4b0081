"""An audited call costs one INSERT and nothing else (issue 16: audit writes at 2,000 rows/s from
16 writers), and the row it stores is the one its MAC was computed on."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from tests.conftest import MakeUser
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.audit.services import Action, audit_record, compute_mac
from tiaki.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


def test_an_audited_call_is_one_insert_with_no_savepoint_or_chain_read(
        django_assert_num_queries: Any, make_user: MakeUser) -> None:
    user = make_user("auditor", roles=[Role.INVESTIGATOR])
    user.role_codes(), user.agency  # loaded once per request, not per audited call
    with transaction.atomic(), django_assert_num_queries(2) as queries:
        audit_record(actor=None, action=Action.READ, object_type="test.thing", object_id="1")
        audit_record(actor=user, action=Action.UPDATE, object_type="test.thing", object_id="2",
                     changes={"n": 1})
    assert all(q["sql"].startswith("INSERT INTO") for q in queries.captured_queries)


def test_the_stored_row_is_the_one_its_mac_covers() -> None:
    changes = {"name": "Mere Ātaahua", "nested": {"list": [1, 2.5, None, True, "ß"],
                                                 "é": {"z": [], "a": {}}}, "emoji": "🪶"}
    event = audit_record(actor=None, action=Action.UPDATE, object_type="test.thing",
                         object_id="x" * 64, summary="ā" * 400, changes=changes,
                         reason="line one\nline \"two\"")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert not event._state.adding and event.pk is not None
    assert stored.mac == event.mac == compute_mac(stored)
    assert stored.changes == changes and stored.summary == "ā" * 300
    assert stored.at == event.at
    assert audit_verify().ok


def test_the_returned_row_still_refuses_to_be_changed() -> None:
    from tiaki.audit.models import AppendOnlyError

    event = audit_record(actor=None, action=Action.READ, object_type="test.thing")
    event.summary = "edited"
    with pytest.raises(AppendOnlyError):
        event.save()


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_opens_with_its_audit_row_commits_and_rolls_back_with_it() -> None:
    # On PostgreSQL the BEGIN travels with the INSERT (one round trip, not two): the row must
    # still belong to the atomic block's transaction, and the connection must come out of it
    # in autocommit as usual.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        kept = audit_record(actor=None, action=Action.READ, object_type="test.thing",
                            object_id="kept")
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == 1
    if connection.vendor == "postgresql":
        assert inserts[0].startswith("BEGIN; INSERT INTO")
    assert connection.get_autocommit() and AuditEvent.objects.filter(pk=kept.pk).exists()

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        gone = audit_record(actor=None, action=Action.READ, object_type="test.thing",
                            object_id="gone")
        audit_record(actor=None, action=Action.UPDATE, object_type="test.thing",
                     object_id="gone too", changes={"n": 1})
        raise Undo
    assert not AuditEvent.objects.filter(object_id__in=["gone", "gone too"]).exists()
    assert gone.pk is not None and connection.get_autocommit()
    if connection.vendor == "postgresql":
        assert connection.connection.autocommit
        assert connection.connection.info.transaction_status == 0  # idle: nothing left open

    # A statement outside any block is committed on its own, as before.
    audit_record(actor=None, action=Action.READ, object_type="test.thing", object_id="alone")
    with transaction.atomic():
        # Not the first statement: the transaction is already open, no second BEGIN.
        AuditEvent.objects.filter(object_id="alone").exists()
        audit_record(actor=None, action=Action.READ, object_type="test.thing", object_id="2nd")
    assert set(AuditEvent.objects.values_list("object_id", flat=True)) == {"kept", "alone", "2nd"}
    assert all(e.mac == compute_mac(e) for e in AuditEvent.objects.all())


# What Django logs when a block begins or ends, whether or not anything is sent.
_MARKERS = {"BEGIN", "COMMIT", "ROLLBACK"}


@pytest.mark.django_db(transaction=True)
def test_a_bare_audited_call_travels_with_its_commit() -> None:
    # On PostgreSQL the INSERT waits for whatever the connection sends next: the block's
    # COMMIT (one message, one round trip), or any statement, which then sees the row.
    from django.db import DataError, connection
    from django.test.utils import CaptureQueriesContext
    from psycopg import pq

    postgres = connection.vendor == "postgresql"
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        one = audit_record(actor=None, action=Action.READ, object_type="test.thing",
                           object_id="one")
    sent = [q["sql"] for q in queries.captured_queries if q["sql"] not in _MARKERS]
    if postgres:
        assert len(sent) == 1 and sent[0].startswith("BEGIN; INSERT INTO")
        assert sent[0].endswith("; COMMIT")
    assert one.pk is not None and AuditEvent.objects.get(pk=one.pk).object_id == "one"

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        AuditEvent.objects.filter(object_id="one").exists()  # the change: the block has begun
        two = audit_record(actor=None, action=Action.UPDATE, object_type="test.thing",
                           object_id="two", changes={"n": 2})
    sent = [q["sql"] for q in queries.captured_queries if q["sql"] not in _MARKERS]
    if postgres:
        assert len(sent) == 2 and sent[1].startswith("INSERT INTO")
        assert sent[1].endswith("; COMMIT")
    assert AuditEvent.objects.get(pk=two.pk).changes == {"n": 2}

    with transaction.atomic():
        three = audit_record(actor=None, action=Action.READ, object_type="test.thing",
                             object_id="three")
        # The next statement sends the row first, in the same transaction.
        assert AuditEvent.objects.filter(object_id="three").count() == 1
        assert three.pk is not None
        with transaction.atomic():  # a savepoint: sent with nothing held
            four = audit_record(actor=None, action=Action.READ, object_type="test.thing",
                                object_id="four")
            assert four.pk is not None
        five = audit_record(actor=None, action=Action.READ, object_type="test.thing",
                            object_id="five")
    assert five.pk is not None and five.pk > four.pk > three.pk

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        audit_record(actor=None, action=Action.READ, object_type="test.thing",
                     object_id="undone")
        raise Undo
    if postgres:  # SQLite does not hold a CharField to its length
        # A row that fails when it goes with the COMMIT takes the block's changes with it.
        with pytest.raises(DataError), transaction.atomic():
            audit_record(actor=None, action=Action.READ, object_type="test.thing",
                         object_id="change")
            audit_record(actor=None, action=Action.READ, object_type="x" * 101)  # too long
    assert set(AuditEvent.objects.values_list("object_id", flat=True)) == {
        "one", "two", "three", "four", "five"}
    assert all(e.mac == compute_mac(e) for e in AuditEvent.objects.all())
    assert connection.get_autocommit()
    if postgres:
        assert connection.connection.info.transaction_status == pq.TransactionStatus.IDLE
