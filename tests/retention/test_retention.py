"""The retention and disposal schedule: data, legal holds, disposal runs (issue 15).

Time is always injected (``NOW``); no test reads the wall clock for what is due.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import MakeUser, login
from tiaki.accounts.models import Agency
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.audit.services import audit_verify
from tiaki.cases import models as cm
from tiaki.core.policy import Refused
from tiaki.intake.models import Report, Screening
from tiaki.investigations.models import Investigation, Suspect
from tiaki.plan.metrics import Period, compute_metric
from tiaki.retention import classes, services
from tiaki.retention.models import Disposal, DisposalRun, LegalHold
from tiaki.retention.schedule import ScheduleFileError, parse_schedule, schedule, schedule_path
from tiaki.scheduling.registry import JOBS
from tiaki.screening.models import Traveller

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2040, 6, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
_n = itertools.count(1)


def _days(code: str) -> int:
    days = schedule().period_days(code)
    assert days is not None
    return days


def _case(agency: Agency, closed_ago: dt.timedelta, **extra: Any) -> cm.VictimCase:
    n = next(_n)
    case = cm.VictimCase.objects.create(
        reference=f"VC-2030-{n:04d}", agency=agency, status=cm.CaseStatus.CLOSED,
        created_at=NOW - closed_ago - 30 * DAY, closed_at=NOW - closed_ago,
        closure_reason="goals_met", closure_note="Ms Quillfeather moved to Napier",
        languages="Thai", services_received=["health", "housing"], age=24, **extra)
    cm.IdentifyingDetails.objects.create(case=case, ciphertext="secret-blob")
    cm.CaseEvent.objects.create(case=case, kind="note", summary="Spoke with Ms Quillfeather")
    cm.RiskAssessment.objects.create(case=case, level="high", assessment="Lives at 3 Rata St",
                                     review_on=(NOW - closed_ago).date(),
                                     assessed_at=NOW - closed_ago - 10 * DAY)
    return case


def _report(closed_ago: dt.timedelta) -> Report:
    n = next(_n)
    return Report.objects.create(
        lookup_digest=f"d{n}", code_salt="s", code_hash="h", channel="portal",
        what_seen="Workers locked in", contact="021 555 0101", status=Report.Status.CLOSED,
        closed_at=NOW - closed_ago)


def _screening(agency: Agency, decided_ago: dt.timedelta) -> Screening:
    return Screening.objects.create(
        agency=agency, subject_label="Passenger 3, flight NZ 123", notes="Said her name was Ana",
        recommendation="refer", engine_version="t", decision="refer",
        decided_at=NOW - decided_ago, created_at=NOW - decided_ago - DAY)


def _traveller(received_ago: dt.timedelta) -> Traveller:
    n = next(_n)
    return Traveller.objects.create(fingerprint=f"fp{n}", full_name="ANA TUPOU",
                                    document_number="LA123456", nationality="TON",
                                    created_at=NOW - received_ago)


def _investigation(agency: Agency, closed_ago: dt.timedelta) -> Investigation:
    n = next(_n)
    inv = Investigation.objects.create(
        reference=f"OP-2030-{n:04d}", title="Operation Rata: J. Smith", summary="Smith's farm",
        lead_agency=agency, status=Investigation.Status.CLOSED, closed_at=NOW - closed_ago,
        closure_reason="prosecution_concluded")
    Suspect.objects.create(investigation=inv, kind="person", name="John Smith",
                           nationality="NZ", age=50)
    return inv


@pytest.fixture
def admin(make_user: MakeUser) -> Any:
    return make_user("records", "POLICE", [Role.ADMINISTRATOR])


# --------------------------------------------------------------------------- the schedule


def test_schedule_file_names_every_class_and_the_authority() -> None:
    sched = schedule()
    assert {c.code for c in sched.classes()} == set(classes.RECORD_CLASSES)
    assert sched.authority.reference and sched.authority.confirmed is False
    assert sched.get("audit_rows").action in {"retain", "transfer"}  # type: ignore[union-attr]
    assert sched.period_days("public_reports") == 365 * 7


def test_report_retention_setting_overrides_the_schedule(settings: Any) -> None:
    settings.TIAKI_REPORT_RETENTION_DAYS = 30
    assert schedule().period_days("public_reports") == 30
    from tiaki.intake.services import retention_days

    assert retention_days() == 30


def _edited(old: str, new: str) -> tuple[str, int]:
    """The schedule file with ``old`` replaced by ``new``, and the line of the change."""
    text = schedule_path().read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1), text[:text.index(old)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "field", "says"), [
    ("action: anonymise\n    note: \"Identifying", "action: shred\n    note: \"Identifying",
     "classes.1.action", "Input should be"),
    ("trigger: case_closed", "trigger: case_opened", "classes.1.trigger", "case_closed"),
    ("action: transfer", "action: destroy", "classes.6.action", "retain or transfer"),
    ("code: travellers", "code: passengers", "classes.5.code", "unknown record class"),
    ("period_days: 3650              # 10 years, to be confirmed\n",
     "period_days: ten\n", "classes.1.period_days", "integer"),
])
def test_a_wrong_schedule_names_the_line_and_field(old: str, new: str, field: str,
                                                   says: str) -> None:
    text, line = _edited(old, new)
    with pytest.raises(ScheduleFileError) as caught:
        parse_schedule(text)
    message = str(caught.value)
    assert f"field '{field}'" in message and says in message, message
    assert message.startswith(f"retention.yaml: line {line},"), message


# --------------------------------------------------------------------------- runs


def test_each_class_is_disposed_of_only_after_its_period(
        agencies: dict[str, Agency], django_capture_on_commit_callbacks: Any) -> None:
    police = agencies["POLICE"]
    old_case, new_case = (_case(police, (_days("victim_cases") + d) * DAY) for d in (1, -1))
    old_rep, new_rep = (_report((_days("public_reports") + d) * DAY) for d in (1, -1))
    old_scr, new_scr = (_screening(police, (_days("screenings") + d) * DAY) for d in (1, -1))
    old_trv, new_trv = (_traveller((_days("travellers") + d) * DAY) for d in (1, -1))
    old_inv, new_inv = (_investigation(police, (_days("investigations") + d) * DAY)
                        for d in (1, -1))
    open_case = _case(police, 9000 * DAY)
    cm.VictimCase.objects.filter(pk=open_case.pk).update(status=cm.CaseStatus.ACTIVE)

    with django_capture_on_commit_callbacks(execute=True):
        report = services.retention_run(now=NOW, dry_run=False)

    counts = {c.code: c.disposed for c in report.classes}
    assert counts == {"public_reports": 1, "victim_cases": 1, "investigations": 1,
                      "intelligence_reports": 0, "screenings": 1, "travellers": 1,
                      "audit_rows": 0}
    assert not Report.objects.filter(pk=old_rep.pk).exists()
    assert Report.objects.filter(pk=new_rep.pk).exists()
    old_case.refresh_from_db()
    new_case.refresh_from_db()
    assert old_case.closure_note == "" and old_case.languages == ""
    assert not cm.IdentifyingDetails.objects.filter(case=old_case).exists()
    assert not cm.CaseEvent.objects.filter(case=old_case).exists()
    assert cm.RiskAssessment.objects.get(case=old_case).assessment == ""
    assert new_case.closure_note and cm.IdentifyingDetails.objects.filter(case=new_case).exists()
    assert cm.IdentifyingDetails.objects.filter(case=open_case).exists()
    old_scr.refresh_from_db()
    new_scr.refresh_from_db()
    assert old_scr.notes == "" and "Passenger" not in old_scr.subject_label
    assert old_scr.decision == "refer" and new_scr.notes
    old_trv.refresh_from_db()
    new_trv.refresh_from_db()
    assert old_trv.full_name == old_trv.document_number == "" and old_trv.nationality == "TON"
    assert new_trv.full_name == "ANA TUPOU"
    assert Suspect.objects.get(investigation=old_inv).name == "(anonymised)"
    assert Suspect.objects.get(investigation=new_inv).name == "John Smith"
    old_inv.refresh_from_db()
    assert "Smith" not in old_inv.title and old_inv.summary == ""
    run = DisposalRun.objects.get()
    assert run.status == DisposalRun.Status.FINISHED and run.total == 5
    assert run.counts["victim_cases"]["disposed"] == 1
    # One audit row per batch per class, with the ids and references disposed of.
    rows = AuditEvent.objects.filter(action="purge", object_type="retention.disposalrun")
    assert rows.count() == 5
    case_row = rows.get(changes__record_class="victim_cases")
    assert case_row.changes["references"] == [old_case.reference]
    assert case_row.changes["ids"] == [old_case.pk] and case_row.changes["count"] == 1
    assert case_row.changes["disposal_authority"] == schedule().authority.reference
    # A second run finds nothing more to do (anonymised records are not done again).
    again = services.retention_run(now=NOW, dry_run=False)
    assert again.disposed == 0 and Disposal.objects.count() == 5


def test_a_traveller_with_an_undecided_alert_is_kept(agencies: dict[str, Agency]) -> None:
    from tiaki.screening.models import Alert, Post

    traveller = _traveller((_days("travellers") + 5) * DAY)
    post = Post.objects.create(code="AKL", name="Auckland", agency=agencies["CUSTOMS"])
    Alert.objects.create(traveller=traveller, post=post, source="watchlist", explanation="ANA",
                         dedupe_key="k1")
    assert services.retention_run(now=NOW, dry_run=False).disposed == 0
    Alert.objects.filter(traveller=traveller).update(decided=True)
    assert services.retention_run(now=NOW, dry_run=False).disposed == 1
    assert Alert.objects.get(traveller=traveller).explanation == ""


def test_dry_run_changes_nothing(agencies: dict[str, Agency]) -> None:
    case = _case(agencies["POLICE"], (_days("victim_cases") + 1) * DAY)
    _report((_days("public_reports") + 1) * DAY)
    audit_rows = AuditEvent.objects.count()
    report = services.retention_run(now=NOW, dry_run=True)
    assert {c.code: c.due for c in report.classes}["victim_cases"] == 1
    assert report.due == 2 and report.disposed == 0 and report.run is None
    case.refresh_from_db()
    assert case.closure_note and Report.objects.count() == 1
    assert AuditEvent.objects.count() == audit_rows
    assert not DisposalRun.objects.exists() and not Disposal.objects.exists()


def test_anonymised_cases_still_count_in_the_plans_measures(agencies: dict[str, Agency]) -> None:
    ago = (_days("victim_cases") + 20) * DAY
    for _ in range(3):
        _case(agencies["POLICE"], ago)
    closed = (NOW - ago).date()
    period = Period(closed - dt.timedelta(days=60), closed + dt.timedelta(days=5))
    codes = ("cases.closures", "cases.services_received", "cases.opened",
             "cases.risk_assessments")
    before = {code: compute_metric(code, period) for code in codes}
    assert before["cases.closures"].value == 3  # type: ignore[union-attr]
    assert services.retention_run(now=NOW, dry_run=False).disposed == 3
    after = {code: compute_metric(code, period) for code in codes}
    for code in codes:
        assert after[code].value == before[code].value, code  # type: ignore[union-attr]
        assert after[code].breakdown == before[code].breakdown, code  # type: ignore[union-attr]


def test_audit_rows_are_never_disposed_of_and_the_chain_verifies(
        agencies: dict[str, Agency], admin: Any) -> None:
    case = _case(agencies["POLICE"], (_days("victim_cases") + 1) * DAY)
    services.hold_place(actor=admin, record_class="victim_cases", reference=case.reference,
                        reason="Civil claim pending")
    old_rows = AuditEvent.objects.count()
    # Far enough ahead that the audit class is due too: its rows are only listed.
    later = NOW + dt.timedelta(days=_days("audit_rows") + 10)
    report = services.retention_run(now=later, dry_run=False)
    audit = next(c for c in report.classes if c.code == "audit_rows")
    assert audit.action == "transfer" and audit.due == old_rows and audit.disposed == 0
    assert AuditEvent.objects.count() >= old_rows
    assert audit_verify().ok


def test_a_hold_stops_disposal_and_release_lets_the_next_run_dispose(
        agencies: dict[str, Agency], admin: Any) -> None:
    case = _case(agencies["POLICE"], (_days("victim_cases") + 1) * DAY)
    hold = services.hold_place(actor=admin, record_class="victim_cases",
                               reference=case.reference.lower(), reason="Judicial review",
                               authority="CIV-2040-404-12", now=NOW)
    assert hold.agency_id == agencies["POLICE"].pk and hold.object_id == case.pk
    with pytest.raises(Refused, match="already under a legal hold"):
        services.hold_place(actor=admin, record_class="victim_cases", reference=case.reference,
                            reason="again")
    first = services.retention_run(now=NOW, dry_run=False)
    outcome = next(c for c in first.classes if c.code == "victim_cases")
    assert outcome.held == 1 and outcome.disposed == 0
    case.refresh_from_db()
    assert case.closure_note
    with pytest.raises(Refused, match="say why"):
        services.hold_release(actor=admin, hold=hold, reason=" ")
    services.hold_release(actor=admin, hold=hold, reason="Review dismissed", now=NOW)
    with pytest.raises(Refused, match="already been released"):
        services.hold_release(actor=admin, hold=LegalHold.objects.get(), reason="again")
    second = services.retention_run(now=NOW, dry_run=False)
    assert next(c for c in second.classes if c.code == "victim_cases").disposed == 1
    case.refresh_from_db()
    assert case.closure_note == ""
    placed, released = AuditEvent.objects.filter(object_type="retention.legalhold") \
        .order_by("pk")
    assert placed.reason == "Judicial review" and released.reason == "Review dismissed"
    with pytest.raises(Refused, match="already been disposed of"):
        services.hold_place(actor=admin, record_class="victim_cases", reference=case.reference,
                            reason="too late")


def test_who_may_place_and_release_holds(agencies: dict[str, Agency], admin: Any,
                                         make_user: MakeUser) -> None:
    case = _case(agencies["POLICE"], DAY)
    frontline = make_user("front", "POLICE", [Role.INVESTIGATOR])
    other_admin = make_user("otadmin", "ORANGA_TAMARIKI", [Role.ADMINISTRATOR])
    platform = make_user("plat", "DIA", [Role.PLATFORM_ADMINISTRATOR])
    with pytest.raises(Refused, match="only an administrator"):
        services.hold_place(actor=frontline, record_class="victim_cases",
                            reference=case.reference, reason="x")
    # Another agency's record answers like a missing one.
    with pytest.raises(Refused, match="no record VC-") as outside:
        services.hold_place(actor=other_admin, record_class="victim_cases",
                            reference=case.reference, reason="x")
    with pytest.raises(Refused) as missing:
        services.hold_place(actor=other_admin, record_class="victim_cases",
                            reference="VC-1999-0001", reason="x")
    assert str(outside.value).replace(case.reference, "?") == \
        str(missing.value).replace("VC-1999-0001", "?")
    with pytest.raises(Refused, match="cannot be held"):
        services.hold_place(actor=platform, record_class="audit_rows", reference="#1",
                            reason="x")
    hold = services.hold_place(actor=platform, record_class="victim_cases",
                               reference=case.reference, reason="Inquiry")
    with pytest.raises(Refused, match="agency"):
        services.hold_release(actor=other_admin, hold=hold, reason="no")
    services.hold_release(actor=admin, hold=hold, reason="Inquiry over")


def test_a_crash_mid_run_leaves_whole_batches_and_the_next_run_resumes(
        agencies: dict[str, Agency], monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [_case(agencies["POLICE"], (_days("victim_cases") + 1) * DAY) for _ in range(5)]
    real = classes.RECORD_CLASSES["victim_cases"]
    calls = itertools.count(1)

    def dies_on_the_third(case: Any) -> None:
        if next(calls) == 3:
            raise RuntimeError("killed")
        assert real.anonymise is not None
        real.anonymise(case)

    monkeypatch.setitem(classes.RECORD_CLASSES, "victim_cases",
                        dataclasses.replace(real, anonymise=dies_on_the_third))
    monkeypatch.setattr(services, "RECORD_CLASSES", classes.RECORD_CLASSES)
    with pytest.raises(RuntimeError, match="killed"):
        services.retention_run(now=NOW, dry_run=False, size=2)
    failed = DisposalRun.objects.get()
    assert failed.status == DisposalRun.Status.FAILED and "killed" in failed.error
    # The first batch (two cases) is done; the second is wholly undone.
    done = set(Disposal.objects.values_list("object_id", flat=True))
    assert done == {cases[0].pk, cases[1].pk}
    for case in cases[2:]:
        case.refresh_from_db()
        assert case.closure_note and cm.IdentifyingDetails.objects.filter(case=case).exists()
    assert AuditEvent.objects.filter(object_type="retention.disposalrun").count() == 1
    monkeypatch.setitem(classes.RECORD_CLASSES, "victim_cases", real)
    resumed = services.retention_run(now=NOW, dry_run=False, size=2)
    assert next(c for c in resumed.classes if c.code == "victim_cases").disposed == 3
    assert sorted(Disposal.objects.values_list("object_id", flat=True)) == \
        sorted(c.pk for c in cases)
    assert audit_verify().ok


# --------------------------------------------------------------------------- page, command, job


def test_page_shows_schedule_due_holds_and_runs(client: Client, agencies: dict[str, Agency],
                                                admin: Any, make_user: MakeUser) -> None:
    case = _case(agencies["POLICE"], DAY)
    assert login(Client(), make_user("inv", "POLICE", [Role.INVESTIGATOR])) \
        .get("/retention/").status_code == 403
    page = login(client, admin)
    listing = page.get("/retention/")
    body = listing.content.decode()
    assert listing.status_code == 200
    assert schedule().authority.reference in body and 'data-class="victim_cases"' in body
    refused = page.post("/retention/holds/new/", {"record_class": "victim_cases",
                                                  "reference": case.reference, "reason": ""})
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    placed = page.post("/retention/holds/new/", {"record_class": "victim_cases",
                                                 "reference": case.reference,
                                                 "reason": "Proceedings"})
    assert placed.status_code == 302
    hold = LegalHold.objects.get()
    assert case.reference in page.get("/retention/").content.decode()
    assert page.post(f"/retention/holds/{hold.pk}/release/",
                     {"reason": "Done"}).status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is not None
    other = login(Client(), make_user("otadm", "ORANGA_TAMARIKI", [Role.ADMINISTRATOR]))
    assert other.post(f"/retention/holds/{hold.pk}/release/",
                      {"reason": "x"}).status_code == 404


def test_command_runs_with_and_without_dry_run(agencies: dict[str, Agency]) -> None:
    _report(9000 * DAY)
    out = StringIO()
    call_command("retention", "run", "--dry-run", "--no-progress", stdout=out)
    assert "dry run" in out.getvalue() and "public_reports: destroy" in out.getvalue()
    assert Report.objects.count() == 1
    out = StringIO()
    call_command("retention", "run", "--no-progress", stdout=out)
    assert "1 record(s) disposed of" in out.getvalue() and Report.objects.count() == 0


def test_the_run_is_a_scheduled_job() -> None:
    from django.utils.module_loading import import_string

    job = JOBS["retention_run"]
    assert job.daily_at is not None and "purge_reports" not in JOBS
    assert callable(import_string(job.task_path).call)


def test_runs_and_released_holds_page_and_export(client: Client, agencies: dict[str, Agency],
                                                 admin: Any) -> None:
    from django.utils import timezone

    from tests.listing_helpers import csv_rows, export_count, last_export, summary
    from tiaki.retention.models import DisposalRun

    now = timezone.now()
    DisposalRun.objects.bulk_create([DisposalRun(as_of=now, status="done",
                                                 schedule_version=f"v{i}") for i in range(40)])
    LegalHold.objects.bulk_create(
        [LegalHold(record_class="victim_cases", object_id=i, reference=f"C-{i:03d}",
                   agency=agencies["POLICE"], reason="Proceedings", placed_by=admin,
                   released_at=now, released_by=admin, release_reason="Done")
         for i in range(30)])
    page = login(client, admin)
    body = page.get("/retention/").content.decode()
    runs = body[body.index('id="listing-disposal-runs"'):]
    assert summary(runs) == "1–25 of 40"  # no longer cut at 20
    held = body[body.index('id="listing-released-holds"'):]
    assert summary(held) == "1–25 of 30"
    body = page.get("/retention/?runs-page=2").content.decode()
    assert summary(body[body.index('id="listing-disposal-runs"'):]) == "26–40 of 40"
    before = export_count()
    rows = csv_rows(page.get("/retention/?released-export=csv").content)
    assert len(rows) == 31 and export_count() == before + 1
    assert last_export().changes["list"] == "released-holds"
    assert len(csv_rows(page.get("/retention/?runs-export=csv").content)) == 41
