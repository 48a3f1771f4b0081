"""Entity resolution: candidates from the shared engine with explanations, an append-only
ledger, clusters from it, an undo that takes back one merge and keeps later judgements, a
"not the same" that stops the pair being suggested, and the judged-apart warning."""

from __future__ import annotations

import pytest

from tests.intelligence.conftest import make_report
from tiaki.accounts.models import User
from tiaki.core.policy import NotVisible, Refused
from tiaki.intelligence import resolution, services
from tiaki.intelligence.models import Entity, Judgement, Report

pytestmark = pytest.mark.django_db


def person(actor: User, report: Report, name: str, **props: str) -> Entity:
    return services.entity_add(actor=actor, report=report, schema="Person",
                               properties={"name": name, **props})


def pairs(found: list[resolution.Candidate]) -> set[frozenset[str]]:
    return {frozenset((c.left.caption, c.right.caption)) for c in found}


def test_candidates_ledger_clusters_and_undo(analysts: dict[str, User],
                                             report: Report) -> None:
    actor = analysts["cleared"]
    a = person(actor, report, "Rex Sample", birthDate="1978-03-02", phone="+64215550101")
    b = person(actor, report, "Rex Sampel", birthDate="1978-03-02", phone="+64215550101")
    c = person(actor, report, "Rex Sample", birthDate="1978-03-02")
    person(actor, report, "Mere Other", birthDate="1990-01-01")
    found = resolution.candidates(actor)
    assert frozenset(("Rex Sample", "Rex Sampel")) in pairs(found)
    assert all(c.explanation for c in found)
    assert not any("Mere Other" in pair for pair in pairs(found))

    merge_ab = resolution.judgement_record(actor=actor, left=a, right=b, verdict="same",
                                           reason="same phone and date of birth")
    resolution.judgement_record(actor=actor, left=b, right=c, verdict="same",
                                reason="same passport seen later")
    assert [sorted(e.caption for e in cl) for cl in resolution.clusters_for(actor)] == [
        ["Rex Sampel", "Rex Sample", "Rex Sample"]]
    assert resolution.candidates(actor) == []  # all three in one cluster

    resolution.judgement_undo(actor=actor, judgement=merge_ab, reason="phone was shared")
    clusters = [sorted(e.pk for e in cl) for cl in resolution.clusters_for(actor)]
    assert clusters == [sorted([b.pk, c.pk])]  # the later merge stands
    assert Judgement.objects.count() == 3  # nothing overwritten
    with pytest.raises(Refused, match="already been undone"):
        resolution.judgement_undo(actor=actor, judgement=merge_ab, reason="again")
    with pytest.raises(ValueError, match="append-only"):
        merge_ab.save()


def test_not_same_stops_the_pair_being_suggested(analysts: dict[str, User],
                                                 report: Report) -> None:
    actor = analysts["cleared"]
    a = person(actor, report, "Rex Sample", birthDate="1978-03-02")
    b = person(actor, report, "Rex Sample", birthDate="1978-03-02")
    assert len(resolution.candidates(actor)) == 1
    resolution.judgement_record(actor=actor, left=a, right=b, verdict="unsure",
                                reason="need the passport")
    assert len(resolution.candidates(actor)) == 1  # unsure keeps it open
    resolution.judgement_record(actor=actor, left=b, right=a, verdict="not_same",
                                reason="different fathers' names")
    assert resolution.candidates(actor) == []


def test_warning_when_a_record_scores_high_against_two_clusters_judged_apart(
        analysts: dict[str, User], report: Report) -> None:
    actor = analysts["cleared"]
    a = person(actor, report, "Rex Sample", birthDate="1978-03-02", phone="+64215550101")
    b = person(actor, report, "Rex Sample", birthDate="1978-03-02", phone="+64215550101")
    person(actor, report, "Rex Sample", birthDate="1978-03-02", phone="+64215550101")
    resolution.judgement_record(actor=actor, left=a, right=b, verdict="not_same",
                                reason="twins")
    found = resolution.candidates(actor)
    assert found and all("judged not the same" in c.warning for c in found)


def test_hidden_entities_are_neither_candidates_nor_judgeable(
        analysts: dict[str, User], report: Report) -> None:
    hidden = person(analysts["cleared"], report, "Rex Sample", birthDate="1978-03-02")
    open_report = make_report(analysts["uncleared"], caveats=())
    mine = person(analysts["uncleared"], open_report, "Rex Sample", birthDate="1978-03-02")
    assert resolution.candidates(analysts["uncleared"]) == []
    assert len(resolution.candidates(analysts["cleared"])) == 1
    with pytest.raises(NotVisible):
        resolution.judgement_record(actor=analysts["uncleared"], left=mine, right=hidden,
                                    verdict="same", reason="looks alike")
    with pytest.raises(Refused, match="say why"):
        resolution.judgement_record(actor=analysts["cleared"], left=mine, right=hidden,
                                    verdict="same", reason=" ")
