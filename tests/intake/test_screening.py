"""Frontline screening through the pages: the engine's result with reasons, the official's
decision with the rules version, referral into the triage queue, the printable guide."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import login
from tiaki.accounts.models import Agency, User
from tiaki.audit.models import AuditEvent
from tiaki.core.models import Notification
from tiaki.core.policy import NotVisible, get_visible
from tiaki.intake.models import Report, Screening
from tiaki.intake.rules import ruleset

pytestmark = pytest.mark.django_db
LABOUR = "adult.labour"


def _screen(client: Client, *, indicators: list[str], **fields: Any) -> Any:
    data = {"subject_label": "Worker B at the orchard", "setting": "Labour inspection, Hastings",
            "exploitation_type": "labour", **fields, "indicators": indicators}
    return client.post("/intake/screening/new/", data)


def test_form_is_built_from_the_indicator_data(client: Client, agencies: dict[str, Agency],
                                               triage: dict[str, User]) -> None:
    staff = login(client, triage["frontline"])
    html = staff.get("/intake/screening/new/?age_group=child&exploitation_type=sexual"
                     ).content.decode()
    child_sexual = ruleset().indicators.set_by_id["child.sexual"]
    for dimension in ruleset().indicators.dimensions:
        assert dimension.title in html
    assert all(f'value="{i.code}"' in html for i in child_sexual.indicators)
    assert 'value="adult.labour.' not in html


def test_adult_deceived_documents_taken_debt_bondage_is_referred(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    official = triage["frontline"]
    staff = login(client, official)
    response = _screen(staff, age="34", age_group="adult", acts=["recruitment"], indicators=[
        f"{LABOUR}.deceptive_recruitment.strong.nature_of_job",
        f"{LABOUR}.coercion_at_destination.strong.confiscation_of_documents",
        f"{LABOUR}.coercion_at_destination.strong.debt_bondage",
        f"{LABOUR}.exploitative_conditions.strong.excessive_hours",
    ])
    assert response.status_code == 302, response.content.decode()[:3000]
    screening = Screening.objects.get()
    assert screening.recommendation == "refer" and not screening.smuggling_likely
    assert screening.engine_version == ruleset().engine_version
    page = staff.get(response["Location"]).content.decode()
    assert 'data-element-status="met"' in page
    assert "Deceived about the nature of the job" in page and "Debt bondage" in page
    for reason in screening.result["reasons"][:2]:
        assert reason.split(":")[0][:40] in page.replace("&#x27;", "'").replace("&quot;", '"')
    # The official decides; differing from the engine needs a reason.
    differ = staff.post(response["Location"], {"action": "decide", "decision": "not_indicated"})
    assert differ.status_code == 400 and "Say why" in differ.content.decode()
    # One decision, one action: deciding "refer" puts it in the Police/MBIE queue as a
    # report from the official's agency; no second step.
    referred = staff.post(response["Location"], {"action": "decide", "decision": "refer"})
    assert referred.status_code == 302
    screening.refresh_from_db()
    assert screening.decision == "refer" and screening.decided_at is not None
    event = AuditEvent.objects.get(summary__contains="decided refer")
    assert event.changes["engine_version"] == screening.engine_version
    report = Report.objects.get()
    page = staff.get(response["Location"]).content.decode()
    assert 'id="refer-form"' not in page and report.reference in page
    screening.refresh_from_db()
    assert screening.report == report and report.channel == "screening"
    assert report.source_agency == official.agency
    assert {r.agency.code for r in report.routes.all()} == {"POLICE", "MBIE"}
    assert "Referred from screening" in report.what_seen
    assert get_visible(triage["police"], Report, pk=report.pk) == report
    assert get_visible(triage["police"], Screening, pk=screening.pk) == screening
    with pytest.raises(NotVisible):
        get_visible(triage["customs"], Screening, pk=screening.pk)


def test_sixteen_year_old_recruited_for_sex_without_means_is_referred(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    staff = login(client, triage["frontline"])
    response = _screen(staff, age="16", exploitation_type="sexual", acts=["recruitment"],
                       indicators=["child.sexual.exploitative_conditions.strong.excessive_hours",
                                   "child.sexual.exploitative_conditions.strong.hazardous_work"])
    assert response.status_code == 302, response.content.decode()[:3000]
    screening = Screening.objects.get()
    assert screening.recommendation == "refer"
    assert screening.result["age_group"] == "child"
    assert screening.result["elements"]["means"]["status"] == "missing"
    page = staff.get(response["Location"]).content.decode()
    assert "article 3(c)" in page
    staff.post(response["Location"], {"action": "decide", "decision": "refer"})
    report = Report.objects.get()
    assert report.children == "yes"
    assert "ORANGA_TAMARIKI" in {r.agency.code for r in report.routes.all()}
    assert Notification.objects.filter(recipient=triage["ot"]).exists()


def test_paid_crossing_free_at_destination_is_smuggling(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    staff = login(client, triage["frontline"])
    response = _screen(staff, age="29", indicators=[], paid_smuggler="yes",
                       crossed_border_irregularly="yes", consented_to_movement="yes",
                       free_to_leave="yes", relationship_ended_at_destination="yes")
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.smuggling_likely and screening.recommendation != "refer"
    page = staff.get(response["Location"]).content.decode()
    assert "Likely smuggling" in page and "smuggling rather than trafficking" in page


def test_contradictory_age_and_unknown_codes_get_clear_messages(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    staff = login(client, triage["frontline"])
    contradiction = _screen(staff, age="30", age_group="child", indicators=[])
    assert contradiction.status_code == 400 and "contradicts" in contradiction.content.decode()
    unknown = _screen(staff, indicators=["adult.labour.made.up"])
    assert unknown.status_code == 400 and "Unknown indicator" in unknown.content.decode()
    assert Screening.objects.count() == 0


def test_only_screening_roles_screen_and_only_the_official_decides(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    # A section the role may never use: 403, in the layout.
    assert login(Client(), triage["secretariat"]).get("/intake/screening/new/"
                                                      ).status_code == 403
    staff = login(client, triage["frontline"])
    _screen(staff, indicators=[])
    screening = Screening.objects.get()
    colleague = login(Client(), triage["mbie"])  # same agency, investigator
    response = colleague.post(f"/intake/screening/{screening.pk}/",
                              {"action": "decide", "decision": screening.recommendation})
    assert response.status_code == 400
    assert "Only the official" in response.content.decode()


def test_printable_guide_is_served_with_a_strict_policy(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    response = login(client, triage["frontline"]).get("/intake/guide/")
    html = response.content.decode()
    assert response.status_code == 200 and "Trafficking indicator guide" in html
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'sha256-" in policy and "script-src 'none'" in policy
    assert "unsafe-inline" not in policy


def test_conduct_date_selects_the_law_in_force_then(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    staff = login(client, triage["frontline"])
    indicators = [f"{LABOUR}.deceptive_recruitment.strong.nature_of_job",
                  f"{LABOUR}.coercion_at_destination.strong.confiscation_of_documents",
                  f"{LABOUR}.coercion_at_destination.strong.debt_bondage"]
    old = _screen(staff, age="40", age_group="adult", conduct_date="2012-03-01",
                  indicators=indicators)
    new = _screen(staff, age="40", age_group="adult", conduct_date="2021-08-01",
                  indicators=indicators)
    assert old.status_code == new.status_code == 302
    first, second = Screening.objects.order_by("pk")
    assert first.facts["conduct_date"] == "2012-03-01"
    applicable = {s.pk: {t["test_id"] for t in s.result["tests"] if t["applicable"]}
                  for s in (first, second)}
    before, after = applicable[first.pk], applicable[second.pk]
    assert "nz_s98d_2002" in before and "nz_s98d_knowledge" not in before
    assert "nz_s98d_knowledge" in after and "nz_s98d_2002" not in after
    assert "nz.crimes.s98d@2002" in first.result["offences_to_consider"]
    page = staff.get(f"/intake/screening/{first.pk}/").content.decode()
    assert "as enacted in 2002" in page


def test_screening_list_and_page_each_write_one_read_row(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    official = triage["frontline"]
    staff = login(client, official)
    created = _screen(staff, age="34", age_group="adult", acts=["recruitment"], indicators=[
        f"{LABOUR}.deceptive_recruitment.strong.nature_of_job"])
    screening = Screening.objects.get()

    def reads() -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=AuditEvent.Action.READ,
                                              actor_username=official.username))

    before = len(reads())
    assert staff.get("/intake/screening/").status_code == 200
    listed = reads()[before:]
    assert len(listed) == 1 and listed[0].changes["references"] == [screening.reference]
    assert staff.get(created["Location"]).status_code == 200
    opened = reads()[before + 1:]
    assert len(opened) == 1 and opened[0].object_id == str(screening.pk)
