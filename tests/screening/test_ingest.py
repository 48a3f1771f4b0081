"""`tiaki ingest`: formats detected, idempotent, problems reported with positions."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command

from tests.screening.conftest import PAXLST_AKL
from tiaki.audit.models import AuditEvent
from tiaki.screening.models import Alert, IngestBatch, Traveller
from tiaki.screening.parsers.paxlst import parse_paxlst_file
from tiaki.screening.services import ingest

pytestmark = pytest.mark.django_db

PAXLST_FILES = ["Test1.txt", "Test3.txt", "airline2.edi", "apisMessage.txt",
                "multiple_flight_leg_apis.txt"]

SCREEN_CHUNK = 2000  # smaller than production's, so a short file spans chunks


def _ingest(*paths: Path, **options: Any) -> str:
    out = StringIO()
    call_command("ingest", *[str(p) for p in paths], stdout=out, stderr=out, **options)
    return out.getvalue()


@pytest.mark.shared_data
def test_five_paxlst_messages_ingest_with_the_traveller_count_of_the_messages(
    shared_data: Path, agencies: Any
) -> None:
    paths = [shared_data / "paxlst" / name for name in PAXLST_FILES]
    expected = {p.name: len(parse_paxlst_file(p).travellers) for p in paths}
    # The count comes from the messages themselves (one NAD per traveller), not from us.
    raw_nads = {p.name: p.read_text(encoding="latin-1").count("NAD+F") +
                p.read_text(encoding="latin-1").count("NAD*F") for p in paths}
    assert expected == raw_nads

    output = _ingest(*paths)

    for path in paths:
        batch = IngestBatch.objects.get(file_name=path.name)
        assert batch.format == "paxlst"
        assert batch.read_count == expected[path.name]
        assert batch.added_count + batch.present_count == expected[path.name]
        assert batch.rejected_count == 0
        assert f"{path.name}: paxlst, {expected[path.name]} travellers read" in output
    assert Traveller.objects.count() == sum(expected.values())
    # The malformed trailing segment is reported with its position; its travellers are kept.
    broken = IngestBatch.objects.get(file_name="multiple_flight_leg_apis.txt")
    assert any(p["line"] == 49 and p["severity"] == "error" and "malformed segment" in
               p["reason"] for p in broken.problems)
    assert "line 49: malformed segment" in output
    assert Traveller.objects.filter(batch=broken).count() == 2
    # Every traveller was routed to a queue (these flights land abroad: the default post).
    assert not Traveller.objects.filter(post__isnull=True).exists()


@pytest.mark.shared_data
def test_reingesting_changes_nothing(shared_data: Path, agencies: Any) -> None:
    paths = [shared_data / "paxlst" / name for name in PAXLST_FILES]
    _ingest(*paths)
    before = list(Traveller.objects.order_by("pk").values())
    alerts = Alert.objects.count()

    output = _ingest(*paths)

    assert list(Traveller.objects.order_by("pk").values()) == before
    assert Alert.objects.count() == alerts
    for path in paths:
        batch = IngestBatch.objects.filter(file_name=path.name).first()
        assert batch is not None and batch.added_count == 0
        assert batch.present_count == batch.read_count
        assert f"0 added, {batch.read_count} already present" in output


def test_csv_rows_rejected_with_line_and_reason_and_the_rest_kept(
    tmp_path: Path, agencies: Any
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "family_name,given_name,date_of_birth,nationality,passport_number,arrival_port\n"
        "Tui,Aroha,1990-02-03,NZL,LA123456,AKL\n"
        ",,,,,\n"
        ",,1980-01-01,FJI,,AKL,EXTRA\n"
        "Smith,John,not a date,AUS,PA998877,WLG\n",
        encoding="utf-8",
    )
    output = _ingest(path)

    batch = IngestBatch.objects.get()
    assert batch.format == "csv"
    assert batch.added_count == 2
    assert batch.rejected_count == 1
    assert "line 4" in output and "rejected" in output
    assert any(p["line"] == 5 and p["field"] == "date_of_birth" for p in batch.problems)
    smith = Traveller.objects.get(family_name__iexact="Smith")
    assert smith.date_of_birth == ""  # bad field left empty, row kept
    assert smith.post is not None and smith.post.code == "WLG"


def test_unreadable_file_is_refused_with_a_reason(tmp_path: Path, agencies: Any) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello there\n", encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        _ingest(path)
    assert not IngestBatch.objects.exists()


def test_paxlst_arrival_port_routes_to_its_post(tmp_path: Path, agencies: Any) -> None:
    path = tmp_path / "akl.edi"
    path.write_text(PAXLST_AKL, encoding="utf-8")
    output = _ingest(path)
    assert "2 travellers read, 2 added" in output
    assert set(Traveller.objects.values_list("post__code", flat=True)) == {"AKL"}
    jane = Traveller.objects.get(family_name__iexact="DOE")
    assert jane.arrival_port == "AKL" and jane.nationality == "THA"
    assert jane.date_of_birth == "2007-05-14"


def test_visa_application_csv_goes_to_the_visa_queue(tmp_path: Path, agencies: Any) -> None:
    path = tmp_path / "applications.csv"
    path.write_text("application_id,family_name,given_names,date_of_birth,nationality,"
                    "employer_name\nA-7,Vea,Sione,1996-04-01,TON,Pacific Harvest Ltd\n",
                    encoding="utf-8")
    output = _ingest(path, kind="visa_application")
    assert "1 applications read, 1 added" in output
    app = Traveller.objects.get()
    assert app.kind == "visa_application" and app.post is not None
    assert app.post.code == "INZ-VISA" and app.party("employer") == "Pacific Harvest Ltd"


def test_a_passenger_leaving_a_multi_leg_flight_early_goes_to_that_ports_queue(
    tmp_path: Path, agencies: Any
) -> None:
    message = PAXLST_AKL.replace(
        "LOC+87+AKL'DTM+232:2603011200:201'",
        "LOC+87+AKL'DTM+232:2603011200:201'TDT+20+TA101+++TA'LOC+125+AKL'"
        "DTM+189:2603011300:201'LOC+87+CHC'DTM+232:2603011420:201'",
    ).replace("NAD+FL+++ROE:RICHARD'", "NAD+FL+++ROE:RICHARD'LOC+178+SIN'LOC+179+AKL'")
    path = tmp_path / "two-legs.edi"
    path.write_text(message, encoding="utf-8")
    _ingest(path)
    roe = Traveller.objects.get(family_name__iexact="ROE")
    doe = Traveller.objects.get(family_name__iexact="DOE")
    assert len(roe.itinerary) == 2
    assert (roe.arrival_port, roe.post.code if roe.post else None) == ("AKL", "AKL")
    # With no LOC+179, the flight's last arrival decides.
    assert (doe.arrival_port, doe.post.code if doe.post else None) == ("CHC", "CHC")


def test_an_ingest_writes_one_audit_row_with_its_counts(tmp_path: Path, agencies: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "SCREEN_CHUNK", SCREEN_CHUNK)  # a file of several chunks
    path = tmp_path / "arrivals.csv"
    header = "family_name,given_name,date_of_birth,nationality,passport_number,arrival_port\n"
    rows = [f"Family{i},Given{i},1980-01-0{1 + i % 9},AUS,P{i:07d},AKL\n"
            for i in range(SCREEN_CHUNK + 500)]
    tui = "Tui,Aroha,1990-02-03,NZL,LA123456,AKL\n"
    # One row rejected (a field too many), one a repeat of a row above.
    path.write_text(header + "".join(rows) + tui + ",,1980-01-01,FJI,,AKL,EXTRA\n" + tui,
                    encoding="utf-8")
    _ingest(path, no_screen=True)

    batch = IngestBatch.objects.get()
    # More rows than one chunk, stored by the bulk path with every column kept.
    added = SCREEN_CHUNK + 501
    assert batch.added_count == Traveller.objects.filter(batch=batch).count() == added
    assert batch.present_count == 1 and batch.rejected_count == 1
    kept = Traveller.objects.get(document_number="LA123456")
    assert (kept.family_name, kept.date_of_birth, kept.post.code) == ("Tui", "1990-02-03", "AKL")
    assert kept.fingerprint and kept.source_format == "csv" and kept.itinerary is not None
    audit = AuditEvent.objects.filter(object_type="screening.ingestbatch", object_id=str(batch.pk))
    assert audit.count() == 1
    assert audit.get().changes == {"sha256": batch.sha256, "format": "csv", "read": added + 2,
                                   "added": added, "present": 1, "rejected": 1}


def test_the_screening_read_gives_the_stored_values(tmp_path: Path, agencies: Any) -> None:
    """Batch screening reads a chunk's JSON columns as text and decodes them itself; each
    traveller it builds holds what the ORM reads for the same row, empty lists and filled."""
    from tiaki.screening.services.ingest import _SCREENED, _screen_chunk

    path = tmp_path / "two-legs.edi"
    path.write_text(PAXLST_AKL.replace(
        "LOC+87+AKL'DTM+232:2603011200:201'",
        "LOC+87+AKL'DTM+232:2603011200:201'TDT+20+TA101+++TA'LOC+125+AKL'"
        "DTM+189:2603011300:201'LOC+87+CHC'DTM+232:2603011420:201'"), encoding="utf-8")
    _ingest(path)
    roe = Traveller.objects.get(family_name__iexact="ROE")
    Traveller.objects.filter(pk=roe.pk).update(
        parties=[{"role": "agent", "name": "Ōtautahi Travel \"Ltd\""}],
        phones=["+64 21 555 0101"], emails=[])
    assert roe.batch_id is not None
    chunk = {t.pk: t for t in _screen_chunk(roe.batch_id, 0)}
    stored = {t.pk: t for t in Traveller.objects.filter(batch_id=roe.batch_id)}
    assert chunk.keys() == stored.keys() and len(chunk) >= 2
    for pk, traveller in chunk.items():
        for name in _SCREENED:
            assert getattr(traveller, name) == getattr(stored[pk], name), name
    assert len(chunk[roe.pk].itinerary) == 2
    assert chunk[roe.pk].parties == [{"role": "agent", "name": "Ōtautahi Travel \"Ltd\""}]


def test_the_screening_read_of_the_engine_columns_gives_each_travellers_contract_row(
    tmp_path: Path, agencies: Any
) -> None:
    """With no risk profile in effect, batch screening reads only the engine's columns,
    straight into a frame: it holds what ``checks.contract_row`` makes of each stored
    traveller (first phone and e-mail, blanks as none, the key as text), in key order."""
    from tiaki.screening import checks
    from tiaki.screening.services.ingest import _contract_chunk

    path = tmp_path / "akl.edi"
    path.write_text(PAXLST_AKL, encoding="utf-8")
    _ingest(path, no_screen=True)
    roe = Traveller.objects.get(family_name__iexact="ROE")
    Traveller.objects.filter(pk=roe.pk).update(
        phones=["+64 21 555 0101", "+64 9 555 0102"], emails=["roe@example.org"],
        address="1 Queen Street, Ōtautahi", given_names="")
    batch_id = roe.batch_id
    assert batch_id is not None
    stored = list(Traveller.objects.filter(batch_id=batch_id).order_by("pk"))
    assert len(stored) >= 2

    frame, last = _contract_chunk(batch_id, 0)
    assert frame.equals(checks.contract_frame(stored))
    assert last == stored[-1].pk
    row = frame.row(by_predicate=pl.col("id") == str(roe.pk), named=True)
    assert (row["phone"], row["email"], row["given_name"]) == (
        "+64 21 555 0101", "roe@example.org", None)
    # Past the last record: nothing, and the cursor stays where it was.
    rest, cursor = _contract_chunk(batch_id, last)
    assert rest.is_empty() and cursor == last
    after_first, _ = _contract_chunk(batch_id, stored[0].pk)
    assert after_first.equals(checks.contract_frame(stored[1:]))
