"""The data files: services and their agencies, HTCDS vocabularies, the s98D elements."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tiaki.accounts.models import Agency
from tiaki.cases import catalogue


@pytest.mark.django_db
def test_every_service_agency_is_a_known_active_agency(agencies: dict[str, Agency]) -> None:
    for service in catalogue.catalogue().services.values():
        for code in service.agencies:
            assert code in agencies, f"{service.code}: unknown agency {code}"
            assert agencies[code].active, f"{service.code}: {code} no longer exists"


def test_services_cover_the_plans_protection_items() -> None:
    items = {s.plan_item for s in catalogue.catalogue().services.values()}
    assert {14, 15, 16, 17, 18, 19, 20, 21, 22, 25, 26, 27, 28} <= items


def test_interpreter_needs_to_know_only_language_and_appointment() -> None:
    interpreter = catalogue.service("interpreter")
    assert interpreter is not None
    assert set(interpreter.shares) == {"reference", "languages", "appointment"}


def test_certified_only_services_follow_the_plan() -> None:
    services = catalogue.catalogue().services
    assert services["health"].requires_certification  # item 17
    assert services["msd_case_management"].requires_certification  # item 20
    assert not services["acc_rehabilitation"].requires_certification  # item 18: anyone


def test_malformed_services_file_is_refused() -> None:
    with pytest.raises(catalogue.CatalogueError, match="unknown fields"):
        catalogue.parse_services({
            "schema": "tiaki.services/1",
            "fields": {f: {"label": f, "identifying": True} for f in
                       (*catalogue.IDENTIFYING_FIELDS, "reference")},
            "services": [{"code": "x", "name": "X", "agencies": ["MOJ"],
                          "requires_certification": False, "shares": ["reference", "secrets"]}],
        })


@pytest.mark.shared_data
def test_exploitation_types_are_htcds_plus_forced_criminality(shared_data: Path) -> None:
    form = (shared_data / "htcds" / "htcds_xlsform.xml").read_text(encoding="utf-8")
    start = form.index('ref="/data/vic_TypeOfExploitation"')
    block = form[start:form.index("</select", start)]
    htcds = set(re.findall(r"<value>([^<]*)</value>", block))
    ours = {t.code for t in catalogue.vocabularies()["exploitation_types"]}
    assert htcds and htcds <= ours
    assert ours - htcds == {"ForcedCriminality"}


@pytest.mark.shared_data
def test_methods_of_control_are_htcds(shared_data: Path) -> None:
    form = (shared_data / "htcds" / "htcds_xlsform.xml").read_text(encoding="utf-8")
    start = form.index('ref="/data/vic_Methods_of_Control"')
    block = form[start:form.index("</select", start)]
    htcds = set(re.findall(r"<value>([^<]*)</value>", block))
    assert {t.code for t in catalogue.vocabularies()["methods_of_control"]} == htcds


def test_s98d_elements_are_read_from_the_legal_test() -> None:
    elements = catalogue.s98d_elements()
    assert [e.code for e in elements] == ["act", "means", "purpose"]
    assert "s98D" in elements[0].nz and any(t.code == "deception" for t in elements[1].values)
