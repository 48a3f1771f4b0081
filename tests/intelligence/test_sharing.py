"""Lawful sharing: what may go is decided and frozen per item (refused or redacted with the
reason), a senior officer other than the requester approves, exports are FtM lines and a
STIX 2.1 bundle with TLP 2.0 markings, and the dissemination log is append-only; imports
keep provenance and refuse a bad file whole."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import stix2

from tests.conftest import MakeUser
from tests.intelligence.conftest import make_report
from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.core.policy import NotVisible, Refused, visible
from tiaki.intelligence import imports, sharing, stix
from tiaki.intelligence.models import (
    Caveat,
    CaveatGrant,
    Dissemination,
    Entity,
    Report,
    SharingPackage,
)

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
AUTHORITY = sharing.rules().partner("AU").authorities[0]  # type: ignore[union-attr]


def _package(actor: User, material: dict[str, Any]) -> SharingPackage:
    return sharing.package_create(
        actor=actor, partner="AU", purpose="Recruiter operating from Australia",
        authority=AUTHORITY, reports=[material["shareable"], material["nz_only"]],
        withhold={material["victim"].ftm_id: "a victim; not for release"}, at=AT)


def test_package_refuses_and_redacts_with_reasons(analysts: dict[str, User],
                                                  material: dict[str, Any]) -> None:
    package = _package(analysts["cleared"], material)
    outcomes = {i.get("reference") or i["ftm_id"]: i for i in package.manifest["items"]}
    assert outcomes[material["nz_only"].reference]["outcome"] == "refused"
    assert "not releasable to AU" in outcomes[material["nz_only"].reference]["reason"]
    assert outcomes[material["victim"].ftm_id]["outcome"] == "withheld"
    assert outcomes[material["rex"].ftm_id]["redacted"] == {
        "idNumber": "never sent to partners (data minimisation)"}
    # The relationship to the withheld victim cannot go without its other end.
    assert outcomes[material["link"].ftm_id]["outcome"] == "withheld"
    assert outcomes[material["passport"].ftm_id]["outcome"] == "included"
    sent = [e["id"] for r in package.content["reports"] for e in r["entities"]]
    assert sent == [material["rex"].ftm_id, material["passport"].ftm_id]
    assert package.tlp == "amber"


def test_nothing_releasable_is_refused(analysts: dict[str, User],
                                       material: dict[str, Any]) -> None:
    with pytest.raises(Refused, match="nothing selected may go to AU"):
        sharing.package_create(actor=analysts["cleared"], partner="AU", purpose="x",
                               authority=AUTHORITY, reports=[material["nz_only"]])
    with pytest.raises(Refused, match="choose the authority"):
        sharing.package_create(actor=analysts["cleared"], partner="AU", purpose="x",
                               authority="because", reports=[material["shareable"]])
    with pytest.raises(Refused, match="ZZ is not a partner"):
        sharing.package_create(actor=analysts["cleared"], partner="ZZ", purpose="x",
                               authority=AUTHORITY, reports=[material["shareable"]])


def test_withheld_caveat_refuses_the_report(analysts: dict[str, User]) -> None:
    actor = analysts["cleared"]
    CaveatGrant.objects.create(user=actor, caveat=Caveat.objects.get(code="HUMINT"))
    source = make_report(actor, caveats=("HTX", "HUMINT"), release=Report.Release.PARTNERS,
                         partners=["AU"])
    with pytest.raises(Refused, match="HUMINT caveat: it could reveal a human source"):
        sharing.package_create(actor=actor, partner="AU", purpose="x", authority=AUTHORITY,
                               reports=[source])


def test_approval_by_another_senior_officer_then_export(
        analysts: dict[str, User], material: dict[str, Any], senior: User,
        make_user: MakeUser) -> None:
    package = _package(analysts["cleared"], material)
    with pytest.raises(Refused, match="only after a senior officer approved"):
        sharing.package_export(actor=analysts["cleared"], package=package, fmt="ftm")
    with pytest.raises(Refused, match="only a senior officer"):
        sharing.package_decide(actor=analysts["police"], package=package, approve=True)
    both = make_user("an_so", "MBIE", [Role.INTELLIGENCE_ANALYST, Role.SENIOR_OFFICER])
    CaveatGrant.objects.create(user=both, caveat=Caveat.objects.get(code="HTX"))
    mine = _package(both, material)
    with pytest.raises(Refused, match="other than the person who prepared it"):
        sharing.package_decide(actor=both, package=mine, approve=True)
    sharing.package_decide(actor=senior, package=package, approve=True, note="Proportionate",
                           at=AT)
    lines = sharing.package_export(actor=analysts["cleared"], package=package, fmt="ftm",
                                   at=AT)
    rows = [json.loads(line) for line in lines.content.splitlines()]
    assert [r["id"] for r in rows] == [material["rex"].ftm_id, material["passport"].ftm_id]
    assert "idNumber" not in rows[0]["properties"]
    assert rows[0]["markings"] == ["TLP:AMBER"]
    bundle_row = sharing.package_export(actor=senior, package=package, fmt="stix", at=AT)
    bundle = stix2.parse(bundle_row.content, allow_custom=True)
    kinds = [o["type"] for o in bundle.objects]
    assert kinds.count("marking-definition") == 1
    marking = next(o for o in bundle.objects if o["type"] == "marking-definition")
    assert marking["id"] == stix.TLP2_IDS["amber"]
    assert all(o["object_marking_refs"] == [marking["id"]] for o in bundle.objects
               if o["type"] not in ("marking-definition",) and "created_by_ref" in o)
    assert "Ana Worker" not in bundle_row.content and "ID-998" not in bundle_row.content
    log = list(Dissemination.objects.order_by("pk"))
    assert [(d.partner, d.format, d.authority, d.approved_by, d.sent_by) for d in log] == [
        ("AU", "ftm", AUTHORITY, senior, analysts["cleared"]),
        ("AU", "stix", AUTHORITY, senior, senior)]
    assert AuditEvent.objects.filter(action="export", object_id=str(package.pk)).count() == 2
    with pytest.raises(ValueError, match="append-only"):
        log[0].save()
    with pytest.raises(ValueError, match="append-only"):
        Dissemination.objects.all().delete()


def test_package_hidden_from_analyst_without_the_caveat(
        analysts: dict[str, User], material: dict[str, Any], senior: User) -> None:
    package = _package(analysts["cleared"], material)
    sharing.package_decide(actor=senior, package=package, approve=True, at=AT)
    sharing.package_export(actor=senior, package=package, fmt="ftm", at=AT)
    assert not visible(analysts["uncleared"], SharingPackage).exists()
    assert not visible(analysts["uncleared"], Dissemination).exists()
    with pytest.raises(NotVisible):
        sharing.package_export(actor=analysts["uncleared"], package=package, fmt="ftm")


def test_import_own_stix_export_keeps_provenance(analysts: dict[str, User],
                                                 material: dict[str, Any],
                                                 senior: User) -> None:
    package = _package(analysts["cleared"], material)
    sharing.package_decide(actor=senior, package=package, approve=True, at=AT)
    row = sharing.package_export(actor=senior, package=package, fmt="stix", at=AT)
    report = imports.partner_import(actor=analysts["cleared"], partner="AU", fmt="stix",
                                    content=row.content, at=AT)
    assert report.provenance["partner"] == "AU"
    assert report.provenance["markings"] == ["TLP:AMBER"]
    assert report.tlp == "amber" and report.grade == "F6"
    assert [c.code for c in report.caveats.all()] == ["PARTNER"]
    schemas = sorted(report.entities.values_list("schema", flat=True))
    assert schemas == ["Passport", "Person"]
    again = imports.partner_import(actor=analysts["cleared"], partner="AU", fmt="stix",
                                   content=row.content, at=AT)
    assert again == report
    # Partner material does not go on to another partner (the third-party rule).
    report.release, report.partners = Report.Release.PARTNERS, ["WS", "AU"]
    report.save()
    with pytest.raises(Refused, match="third-party rule"):
        sharing.package_create(actor=analysts["cleared"], partner="WS", purpose="x",
                               authority=sharing.rules().partner("WS").authorities[0],  # type: ignore[union-attr]
                               reports=[report])


FTM_OK = [{"id": "p1", "schema": "Person", "properties": {"name": ["Lee Partner"]}},
          {"id": "pp1", "schema": "Passport",
           "properties": {"number": ["X1"], "holder": ["p1"]}}]


def _lines(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def test_ftm_import_and_whole_refusals(analysts: dict[str, User], senior: User) -> None:
    actor = analysts["cleared"]
    with pytest.raises(Refused, match="no TLP marking"):
        imports.partner_import(actor=actor, partner="AU", fmt="ftm", content=_lines(FTM_OK))
    bad_schema = [FTM_OK[0], {"id": "d", "schema": "Dragon", "properties": {}}]
    with pytest.raises(Refused, match="line 2, field 'schema': unknown or unsupported"):
        imports.partner_import(actor=actor, partner="AU", fmt="ftm", tlp="amber",
                               content=_lines(bad_schema))
    broken = [{"id": "pp1", "schema": "Passport",
               "properties": {"number": ["X1"], "holder": ["nobody"]}}]
    with pytest.raises(Refused, match="field 'holder': refers to 'nobody'"):
        imports.partner_import(actor=actor, partner="AU", fmt="ftm", tlp="amber",
                               content=_lines(broken))
    red = [{**FTM_OK[0], "markings": ["TLP:RED"]}]
    with pytest.raises(Refused, match=r"line 1, field .markings.*cannot be honoured"):
        imports.partner_import(actor=actor, partner="AU", fmt="ftm", content=_lines(red))
    assert not Report.objects.exists() and not Entity.objects.exists()
    report = imports.partner_import(actor=actor, partner="AU", fmt="ftm", tlp="TLP:GREEN",
                                    content=_lines(FTM_OK), at=AT)
    assert report.release == Report.Release.NZ
    passport = report.entities.get(schema="Passport")
    person = report.entities.get(schema="Person")
    assert passport.properties["holder"] == [person.ftm_id]
    assert report.provenance["ids"][person.ftm_id] == "p1"


def test_stix_import_refusals(analysts: dict[str, User], senior: User) -> None:
    actor = analysts["cleared"]
    ident = {"type": "identity", "spec_version": "2.1",
             "id": "identity--11111111-1111-4111-8111-111111111111",
             "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
             "name": "Lee", "identity_class": "individual",
             "object_marking_refs": [stix.TLP2_IDS["amber"]]}

    def bundle(*objects: dict[str, Any]) -> str:
        return json.dumps({"type": "bundle", "id": "bundle--22222222-2222-4222-8222-222222222222",
                           "objects": list(objects)})

    statement = {"type": "marking-definition", "spec_version": "2.1",
                 "id": "marking-definition--33333333-3333-4333-8333-333333333333",
                 "created": "2026-01-01T00:00:00Z", "definition_type": "statement",
                 "definition": {"statement": "Copyright"}}
    with pytest.raises(Refused, match=r"object 1 .*cannot honour"):
        imports.partner_import(actor=actor, partner="AU", fmt="stix",
                               content=bundle(statement, ident))
    rel = {"type": "relationship", "spec_version": "2.1",
           "id": "relationship--44444444-4444-4444-8444-444444444444",
           "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
           "relationship_type": "related-to", "source_ref": ident["id"],
           "target_ref": "identity--55555555-5555-4555-8555-555555555555",
           "object_marking_refs": [stix.TLP2_IDS["amber"]]}
    with pytest.raises(Refused, match="field 'target_ref': refers to"):
        imports.partner_import(actor=actor, partner="AU", fmt="stix", content=bundle(ident, rel))
    malware = {"type": "malware", "spec_version": "2.1",
               "id": "malware--66666666-6666-4666-8666-666666666666",
               "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
               "name": "x", "is_family": False}
    with pytest.raises(Refused, match="field 'type': 'malware' objects"):
        imports.partner_import(actor=actor, partner="AU", fmt="stix",
                               content=bundle(ident, malware))
    red = {**ident, "object_marking_refs": [stix.TLP2_IDS["red"]]}
    with pytest.raises(Refused, match=r"TLP:RED.*cannot be honoured"):
        imports.partner_import(actor=actor, partner="AU", fmt="stix", content=bundle(red))
    assert not Report.objects.exists()
    report = imports.partner_import(actor=actor, partner="AU", fmt="stix",
                                    content=bundle(ident), at=AT)
    assert report.entities.get().caption == "Lee"


def test_item_5_and_6_measures(analysts: dict[str, User], material: dict[str, Any],
                               senior: User) -> None:
    from tiaki.intelligence import metrics
    from tiaki.plan.metrics import Period

    package = _package(analysts["cleared"], material)
    sharing.package_decide(actor=senior, package=package, approve=True, at=AT)
    row = sharing.package_export(actor=senior, package=package, fmt="stix", at=AT)
    imports.partner_import(actor=analysts["cleared"], partner="AU", fmt="stix",
                           content=row.content, at=AT)
    may = Period(dt.date(2026, 5, 1), dt.date(2026, 6, 1))
    assert metrics.disseminations(may) == (1, {"AU": 1})
    assert metrics.partner_reports(may) == (1, {"AU": 1})
    assert metrics.disseminations(Period(dt.date(2026, 6, 1), dt.date(2026, 7, 1)))[0] == 0
