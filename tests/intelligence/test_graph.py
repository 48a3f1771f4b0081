"""The network: neighbourhood with capped hubs, shortest path (through merges), JSON, the
no-JavaScript tables, and the caveat policy hiding a report's entities and edges."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import login, page_main
from tests.intelligence.conftest import make_report
from tiaki.accounts.models import User
from tiaki.intelligence import graph, resolution, services
from tiaki.intelligence.models import Entity, Report

pytestmark = pytest.mark.django_db
PHONE = "phone:+64215550101"


@pytest.fixture
def story(analysts: dict[str, User], report: Report) -> dict[str, Entity]:
    """A phone on a recruiter (caveated report), the recruiter judged the same as a person
    in an open report, who is an associate of the suspect."""
    actor = analysts["cleared"]
    recruiter = services.entity_add(actor=actor, report=report, schema="Person",
                                    properties={"name": "Rex Sample", "phone": "+64215550101",
                                                "birthDate": "1978-03-02"})
    open_report = make_report(actor, caveats=())
    alias = services.entity_add(actor=actor, report=open_report, schema="Person",
                                properties={"name": "Rex Sampel", "birthDate": "1978-03-02"})
    suspect = services.entity_add(actor=actor, report=open_report, schema="Person",
                                  properties={"name": "Boss Example"})
    services.entity_add(actor=actor, report=open_report, schema="Associate",
                        properties={"person": alias.ftm_id, "associate": suspect.ftm_id,
                                    "relationship": "business partner"})
    resolution.judgement_record(actor=actor, left=recruiter, right=alias, verdict="same",
                                reason="same date of birth and photo")
    return {"recruiter": recruiter, "alias": alias, "suspect": suspect}


def test_path_from_phone_to_suspect_through_a_merge(analysts: dict[str, User],
                                                    story: dict[str, Entity]) -> None:
    suspect = f"e:{story['suspect'].ftm_id}"
    found = graph.shortest_path(analysts["cleared"], PHONE, suspect)
    labels = [e["label"] for e in found.edges]
    assert labels == ["Phone", "same as", "Associate"]
    assert found.edges[0]["source"] == PHONE and found.edges[-1]["target"] == suspect
    assert graph.shortest_path(analysts["cleared"], PHONE, suspect, max_hops=2).edges == []


def test_hidden_report_hides_entities_and_edges(analysts: dict[str, User],
                                                story: dict[str, Entity]) -> None:
    viewer = analysts["uncleared"]
    suspect = f"e:{story['suspect'].ftm_id}"
    assert graph.shortest_path(viewer, PHONE, suspect).nodes == {}
    around = graph.neighbourhood(viewer, suspect, hops=3)
    assert f"e:{story['recruiter'].ftm_id}" not in around.nodes
    assert PHONE not in around.nodes
    assert f"e:{story['alias'].ftm_id}" in around.nodes
    assert graph.neighbourhood(viewer, f"e:{story['recruiter'].ftm_id}").nodes == {}


def test_hub_expansion_is_capped(analysts: dict[str, User], report: Report) -> None:
    actor = analysts["cleared"]
    for number in range(12):
        services.entity_add(actor=actor, report=report, schema="Person",
                            properties={"name": f"Worker {number}", "phone": "+6499999999"})
    found = graph.neighbourhood(actor, "phone:+6499999999", hops=1, per_node=5)
    assert len(found.nodes) == 6
    assert "phone:+6499999999" in found.truncated
    capped = graph.neighbourhood(actor, "phone:+6499999999", hops=1, cap=4)
    assert len(capped.nodes) == 4


def test_network_page_json_and_tables(client: Client, analysts: dict[str, User],
                                      story: dict[str, Entity]) -> None:
    login(client, analysts["cleared"])
    suspect = f"e:{story['suspect'].ftm_id}"
    data = client.get("/intelligence/network/", {"from": PHONE, "to": suspect,
                                                 "format": "json"}).json()
    assert [e["label"] for e in data["edges"]] == ["Phone", "same as", "Associate"]
    page = page_main(client.get("/intelligence/network/", {"node": suspect}))
    assert 'id="nodes"' in page and "Boss Example" in page and "vendor/cytoscape.min.js" in page
    login(client, analysts["uncleared"])
    data = client.get("/intelligence/network/", {"node": PHONE, "format": "json"}).json()
    assert data == {"nodes": [{"id": PHONE, "label": "+64215550101", "kind": "phone",
                               "truncated": False}], "edges": []}
