"""Parallel writers on PostgreSQL: 20 at once on cases, certifications and the audit trail
(issue 15). SQLite serialises every writer, so there is no race to test there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from tests.cases.conftest import ASSESSMENT, open_case
from tiaki.accounts.models import User
from tiaki.audit.models import AuditEvent, AuditSeal
from tiaki.audit.sealing import audit_seal
from tiaki.audit.services import Action, audit_record, audit_verify
from tiaki.cases import services
from tiaki.cases.models import Certification, VictimCase

WRITERS = 20
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="parallel writers race only on PostgreSQL (SQLite serialises "
                              "every writer); CI runs this on PostgreSQL"),
]


def _in_parallel(work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    start = threading.Barrier(WRITERS)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            start.wait()
            results.append(work(i))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_twenty_parallel_case_openings_all_succeed(team: dict[str, User]) -> None:
    cases, errors = _in_parallel(lambda i: open_case(team["investigator"]).reference)
    assert errors == []
    assert len(set(cases)) == WRITERS == VictimCase.objects.count()
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in cases)
    assert numbers == list(range(1, WRITERS + 1))


def test_twenty_parallel_certification_requests_all_succeed(team: dict[str, User]) -> None:
    case_ids = [open_case(team["investigator"]).pk for _ in range(WRITERS)]

    def request(i: int) -> str:
        case = VictimCase.objects.get(pk=case_ids[i])
        return services.certification_request(case=case, actor=team["investigator"],
                                              assessment=ASSESSMENT).reference

    refs, errors = _in_parallel(request)
    assert errors == []
    assert len(set(refs)) == WRITERS == Certification.objects.count()


def test_twenty_parallel_audit_writers_chain_cleanly() -> None:
    def write(i: int) -> int:
        for n in range(25):
            audit_record(actor=None, action=Action.READ, object_type="test.thing",
                         object_id=f"{i}-{n}")
        return i

    stop = threading.Event()

    def seal_meanwhile() -> None:
        while not stop.is_set():
            audit_seal()
        connections.close_all()

    sealer = threading.Thread(target=seal_meanwhile)
    sealer.start()
    _, errors = _in_parallel(write)
    stop.set()
    sealer.join()
    audit_seal(sweep=True)
    assert errors == []
    assert AuditEvent.objects.count() == WRITERS * 25 == AuditSeal.objects.count()
    result = audit_verify()
    assert result.ok and result.unsealed == 0 and result.last_seq == WRITERS * 25
