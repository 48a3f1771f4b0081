"""The network: neighbourhood with capped hubs, shortest path (through merges), JSON, the
no-JavaScript tables, and the caveat policy hiding a report's entities and edges."""

from __future__ import annotations

import itertools

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


def _people(actor: User, report: Report, count: int, prefix: str = "P") -> list[str]:
    return [f"e:{services.entity_add(actor=actor, report=report, schema='Person', properties={'name': f'{prefix} {n}'}).ftm_id}"  # noqa: E501
            for n in range(count)]


def _associate(actor: User, report: Report, left: str, right: str) -> None:
    services.entity_add(actor=actor, report=report, schema="Associate",
                        properties={"person": left[2:], "associate": right[2:]})


def test_hidden_report_hides_an_edge_between_visible_entities_and_a_middle_entity(
        analysts: dict[str, User], report: Report) -> None:
    """The uncleared analyst sees both ends but neither the edge a caveated report states
    between them nor a path through an entity of a caveated report."""
    actor, viewer = analysts["cleared"], analysts["uncleared"]
    open_report = make_report(actor, caveats=())
    left, right, far = _people(actor, open_report, 3)
    (hidden,) = _people(actor, report, 1, prefix="Hidden")
    _associate(actor, report, left, right)      # the edge itself is caveated
    _associate(actor, open_report, right, hidden)
    _associate(actor, open_report, hidden, far)  # far is reached only through hidden
    assert [e["label"] for e in graph.shortest_path(actor, left, far).edges] == [
        "Associate"] * 3
    assert graph.shortest_path(viewer, left, right).nodes == {}
    assert graph.shortest_path(viewer, right, far).nodes == {}
    around = graph.neighbourhood(viewer, right, hops=2)
    assert set(around.nodes) == {right} and around.edges == []
    assert set(graph.neighbourhood(actor, right, hops=1).nodes) == {right, left, hidden}


def test_hub_cap_counts_visible_neighbours_only_in_order(analysts: dict[str, User],
                                                         report: Report) -> None:
    actor, viewer = analysts["cleared"], analysts["uncleared"]
    open_report = make_report(actor, caveats=())
    hub = "phone:+6490000000"
    for n in range(8):
        services.entity_add(actor=actor, report=open_report, schema="Person",
                            properties={"name": f"Open {n}", "phone": "+6490000000"})
    for n in range(5):
        services.entity_add(actor=actor, report=report, schema="Person",
                            properties={"name": f"Hidden {n}", "phone": "+6490000000"})
    assert len(graph.neighbourhood(actor, hub, hops=1).nodes) == 14
    exact = graph.neighbourhood(viewer, hub, hops=1, per_node=8)
    assert len(exact.nodes) == 9 and hub not in exact.truncated
    assert all(n["label"].startswith("Open") for k, n in exact.nodes.items() if k != hub)
    capped = graph.neighbourhood(viewer, hub, hops=1, per_node=7)
    assert hub in capped.truncated
    # The first seven in neighbour order, the same on every run.
    workers = sorted(k for k in exact.nodes if k != hub)
    assert list(capped.nodes)[1:] == workers[:7]
    # From the last worker, two hops reach the hub and only the hub's first three.
    two = graph.neighbourhood(viewer, workers[-1], hops=2, per_node=3)
    assert list(two.nodes) == [workers[-1], hub, *workers[:3]]
    assert hub in two.truncated


def test_path_found_up_to_four_hops_and_none_beyond(analysts: dict[str, User]) -> None:
    actor = analysts["cleared"]
    open_report = make_report(actor, caveats=())
    chain = _people(actor, open_report, 6, prefix="Chain")
    for a, b in itertools.pairwise(chain):
        _associate(actor, open_report, a, b)
    for hops in range(1, 5):
        found = graph.shortest_path(actor, chain[0], chain[hops], max_hops=4)
        assert list(found.nodes) == chain[:hops + 1], hops
        assert [(e["source"], e["target"]) for e in found.edges] == list(
            itertools.pairwise(chain[:hops + 1]))
        # ...and backwards: the edges run from the start whichever way they were stated.
        back = graph.shortest_path(actor, chain[hops], chain[0], max_hops=4)
        assert list(back.nodes) == chain[hops::-1]
    assert graph.shortest_path(actor, chain[0], chain[5], max_hops=4).nodes == {}
    assert len(graph.shortest_path(actor, chain[0], chain[5], max_hops=5).edges) == 5
    assert graph.shortest_path(actor, chain[0], chain[3], max_hops=2).nodes == {}
    # A shortcut makes the path shorter: the search finds the shortest, not the first.
    _associate(actor, open_report, chain[1], chain[4])
    assert list(graph.shortest_path(actor, chain[0], chain[5]).nodes) == [
        chain[0], chain[1], chain[4], chain[5]]


def test_read_ahead_neighbourhood_equals_the_hop_by_hop_one(
        analysts: dict[str, User]) -> None:
    """Both hops in one statement (PostgreSQL) give exactly the graph of one query per hop:
    a small power-law graph over an open and a caveated report, with value nodes, hubs past
    the per-node cap, a merge, and viewers with and without the caveat."""
    import random

    from tiaki.intelligence.models import Judgement, Link

    actor = analysts["cleared"]
    reports = [make_report(actor, caveats=()), make_report(actor)]
    rng = random.Random(13)
    people = [Entity.objects.create(report=reports[n % 5 == 0], ftm_id=f"g{n}", schema="Person",
                                    caption=f"P{n}", properties={"name": [f"P{n}"]})
              for n in range(60)]
    ends = [f"e:{p.ftm_id}" for p in people] + ["phone:+6401", "phone:+6402", "e:missing"]
    links = []
    for _ in range(400):
        owner = rng.choice(people)
        # Skewed far ends: the first few nodes are hubs well past a per-node cap of 4.
        far = ends[min(len(ends) - 1, int(len(ends) * rng.random() ** 3))]
        if rng.random() < 0.1:
            far = rng.choice(ends[-3:])
        links.append(Link(report=owner.report, entity=owner, source=f"e:{owner.ftm_id}",
                          target=far, label=rng.choice(["Associate", "Phone", "Employer"])))
    Link.objects.bulk_create(links)
    # Merges, one between two hubs (its "same as" edge changes which nodes a hop reaches).
    for a, b in ((3, 7), (1, 2)):
        Judgement.objects.create(left=people[a], right=people[b], verdict="same", actor=actor,
                                 reason="same person")
    for viewer in (analysts["cleared"], analysts["uncleared"]):
        for start in [*ends[:25], "phone:+6401"]:
            for hops, per_node, cap in ((2, 4, 500), (2, 4, 12), (3, 3, 40), (1, 5, 500)):
                fast = graph.neighbourhood(viewer, start, hops=hops, cap=cap,
                                           per_node=per_node)
                slow = graph.neighbourhood(viewer, start, hops=hops, cap=cap,
                                           per_node=per_node, read_ahead=False)
                assert fast.as_json() == slow.as_json(), (viewer, start, hops)
    assert any(graph.neighbourhood(actor, e, per_node=4).truncated for e in ends[:3])
