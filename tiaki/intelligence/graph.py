"""The network: an entity's neighbourhood and shortest paths, filtered by the viewer.

Nodes are entities (``e:<ftm_id>``) and FtM pivot values (``phone:+64…``, ``email:…``).
Edges are ``Link`` rows, read through the link policy (a hidden report hides its edges),
and an edge to an entity the viewer may not see is dropped (a hidden report hides its
entities too), plus "same as" edges from the viewer's standing merges. Expansion is
capped: a hub contributes at most ``per_node`` neighbours and is marked ``truncated``, and
a neighbourhood stops at ``cap`` nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from tiaki.core.policy import visible
from tiaki.intelligence.models import Entity, Link
from tiaki.intelligence.resolution import Verdict, ledger_for

ENTITY = "e:"


@dataclass
class Graph:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, str]] = field(default_factory=list)
    truncated: set[str] = field(default_factory=set)

    def as_json(self) -> dict[str, Any]:
        return {"nodes": [{"id": k, **v, "truncated": k in self.truncated}
                          for k, v in self.nodes.items()],
                "edges": self.edges}


class View:
    """One viewer's graph: what they may see, read lazily a frontier at a time."""

    def __init__(self, user: Any, per_node: int = 50) -> None:
        self.user = user
        self.per_node = per_node
        self.links = visible(user, Link)
        self.entities = visible(user, Entity)
        self._seen: dict[str, Entity | None] = {}
        self.same: dict[str, set[str]] = {}
        ledger = ledger_for(user)
        pairs = [(a, b) for (a, b), row in ledger.standing.items()
                 if row.verdict == Verdict.SAME]
        ids = {pk: f for pk, f in self.entities.filter(
            pk__in={p for pair in pairs for p in pair}).values_list("pk", "ftm_id")}
        for a, b in pairs:
            if a in ids and b in ids:
                self.same.setdefault(ENTITY + ids[a], set()).add(ENTITY + ids[b])
                self.same.setdefault(ENTITY + ids[b], set()).add(ENTITY + ids[a])

    def _entities(self, keys: set[str]) -> None:
        wanted = {k[len(ENTITY):] for k in keys if k.startswith(ENTITY) and k not in self._seen}
        if not wanted:
            # Already known: building (and compiling) an empty query per key cost seconds
            # on a hub's neighbourhood (bench/graph.py).
            return
        found = {e.ftm_id: e for e in self.entities.filter(ftm_id__in=wanted)}
        for ftm_id in wanted:
            self._seen[ENTITY + ftm_id] = found.get(ftm_id)

    def may_see(self, key: str) -> bool:
        if not key.startswith(ENTITY):
            return True
        self._entities({key})
        return self._seen[key] is not None

    def node(self, key: str) -> dict[str, Any]:
        if key.startswith(ENTITY):
            self._entities({key})
            entity = self._seen.get(key)
            assert entity is not None
            return {"label": entity.caption, "kind": entity.schema,
                    "report": entity.report_id}
        kind, _, value = key.partition(":")
        return {"label": value, "kind": kind}

    def neighbours(self, frontier: set[str]) -> dict[str, list[tuple[str, str]]]:
        """For each frontier node, up to ``per_node`` visible (neighbour, label) pairs."""
        rows = list(self.links.filter(Q(source__in=frontier) | Q(target__in=frontier))
                    .values_list("source", "target", "label"))
        self._entities({k for s, t, _ in rows for k in (s, t)})
        out: dict[str, list[tuple[str, str]]] = {k: [] for k in frontier}
        for source, target, label in rows:
            if not (self.may_see(source) and self.may_see(target)):
                continue
            if source in out:
                out[source].append((target, label))
            if target in out:
                out[target].append((source, label))
        for key in frontier:
            for other in sorted(self.same.get(key, ())):
                out[key].append((other, "same as"))
        return out


def neighbourhood(user: Any, key: str, *, hops: int = 2, cap: int = 500,
                  per_node: int = 50) -> Graph:
    view = View(user, per_node)
    graph = Graph()
    if not view.may_see(key):
        return graph
    graph.nodes[key] = view.node(key)
    frontier = {key}
    seen_edges: set[tuple[str, str, str]] = set()
    for _ in range(hops):
        found = view.neighbours(frontier)
        following: set[str] = set()
        for node in sorted(frontier):
            around = sorted(set(found[node]))
            if len(around) > per_node:
                graph.truncated.add(node)
                around = around[:per_node]
            for other, label in around:
                if other not in graph.nodes:
                    if len(graph.nodes) >= cap:
                        graph.truncated.add(node)
                        continue
                    graph.nodes[other] = view.node(other)
                    following.add(other)
                edge = (min(node, other), max(node, other), label)
                if edge not in seen_edges:
                    seen_edges.add(edge)
                    graph.edges.append({"source": node, "target": other, "label": label})
        frontier = following
        if not frontier:
            break
    return graph


def shortest_path(user: Any, start: str, goal: str, *, max_hops: int = 4) -> Graph:
    """One shortest path (breadth-first) of at most ``max_hops`` edges, or an empty graph."""
    view = View(user, per_node=10_000)
    graph = Graph()
    if not (view.may_see(start) and view.may_see(goal)):
        return graph
    came: dict[str, tuple[str, str] | None] = {start: None}
    frontier = {start}
    depth = 0
    while frontier and goal not in came and depth < max_hops:
        found = view.neighbours(frontier)
        following = set()
        for node in sorted(frontier):
            for other, label in sorted(set(found[node])):
                if other not in came:
                    came[other] = (node, label)
                    following.add(other)
        frontier = following
        depth += 1
    if goal not in came:
        return graph
    step: str | None = goal
    while step is not None:
        graph.nodes[step] = view.node(step)
        back = came[step]
        if back is not None:
            graph.edges.append({"source": back[0], "target": step, "label": back[1]})
            step = back[0]
        else:
            step = None
    graph.edges.reverse()
    return graph
