"""The network: an entity's neighbourhood and shortest paths, filtered by the viewer.

Nodes are entities (``e:<ftm_id>``) and FtM pivot values (``phone:+64…``, ``email:…``).
Edges are ``Link`` rows of reports the viewer may see (a hidden report hides its edges), and
an edge to an entity the viewer may not see is dropped (a hidden report hides its entities
too), plus "same as" edges from the viewer's standing merges.

The database does the work (issue 13: 1,000,000 entities and 5,000,000 links with hubs of
10,000+ links; see docs/benchmarks.md). The viewer's visible reports are read once per
query and the visibility filter runs inside SQL, on the link's report and on the entity at
the far end. Expansion is capped in SQL: a node contributes at most ``per_node`` neighbours,
the first in (neighbour, label) order, read from the ``(source, target, label, report)`` and
``(target, source, label, report)`` indexes so a hub's walk stops after ``per_node + 1``
visible rows and is marked ``truncated``; a neighbourhood stops at ``cap`` nodes. On
PostgreSQL a neighbourhood's first two hops are read ahead in one statement
(``View.prefetch``), which also reads each far entity's node; the walk itself is unchanged
and reads on demand whatever the read-ahead did not cover (a node reached through a merge). A
shortest path is a bidirectional breadth-first search, one query per level, whose last
two hops are one join in the database (the meeting node's visibility is checked only for
the candidates the join finds), so a hub's links are never carried into Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q

from tiaki.core.policy import visible
from tiaki.intelligence.models import Entity, Judgement, Link, Report
from tiaki.intelligence.policies import visible_reports
from tiaki.intelligence.resolution import Verdict, ledger_for

ENTITY = "e:"
LINKS = Link._meta.db_table
ENTITIES = Entity._meta.db_table


@dataclass
class Graph:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, str]] = field(default_factory=list)
    truncated: set[str] = field(default_factory=set)

    def as_json(self) -> dict[str, Any]:
        return {"nodes": [{"id": k, **v, "truncated": k in self.truncated}
                          for k, v in self.nodes.items()],
                "edges": self.edges}


def _postgres() -> bool:
    return connection.vendor == "postgresql"


class View:
    """One viewer's graph: what they may see, read a frontier at a time in SQL."""

    def __init__(self, user: Any, per_node: int = 50) -> None:
        self.user = user
        self.per_node = per_node
        reports = visible_reports(user).values("pk")
        self._seen: dict[str, dict[str, Any] | None] = {}
        # (node, limit) -> its first ``limit`` visible (other, label) pairs, read ahead by
        # ``prefetch`` (both hops of a neighbourhood in one statement).
        self._ahead: dict[tuple[str, int], list[tuple[str, str]]] = {}
        if _postgres():
            # A constant array, spelt once: PostgreSQL hashes ``= ANY`` of a constant array
            # once per query, so each edge and far entity costs one probe. Of the visible
            # and the hidden reports, the shorter list is sent (planning and quoting cost
            # grow with it): usually the hidden, caveated few. Both come from one read.
            # ``pk IN (visible)`` is one hashed subplan over the reports, read raw (the
            # ORM's per-row cost is most of this read otherwise).
            flags = Report.objects.order_by().annotate(seen=ExpressionWrapper(
                Q(pk__in=reports), output_field=BooleanField())).values_list("pk", "seen")
            self._vis_set: set[int] = set()
            hidden: set[int] = set()
            sql, params = flags.query.sql_with_params()
            for pk, seen in self._run(sql, list(params)):
                (self._vis_set if seen else hidden).add(pk)
            if not self._vis_set:
                hidden = set()
            self._hide = bool(self._vis_set) and len(hidden) < len(self._vis_set)
            ids = hidden if self._hide else self._vis_set
            self._vis_literal = "{" + ",".join(str(pk) for pk in sorted(ids)) + "}"
        else:
            self.entities = visible(user, Entity)
            sql, params = reports.query.sql_with_params()
            self._vis_sql, self._vis_params = sql, list(params)
        self.same: dict[str, set[str]] = {}
        # No "same" judgement was ever recorded: no merge can stand, so the ledger (the
        # judgement policy's query) is not read at all.
        if not Judgement.objects.filter(verdict=Verdict.SAME).exists():
            return
        ledger = ledger_for(user)
        pairs = [(a, b) for (a, b), row in ledger.standing.items()
                 if row.verdict == Verdict.SAME]
        if not pairs:
            return
        wanted = {p for pair in pairs for p in pair}
        if _postgres():
            # By primary key alone; the report is checked against the visible set.
            keys = {pk: f for pk, f, r in Entity.objects.filter(pk__in=wanted).values_list(
                "pk", "ftm_id", "report_id") if r in self._vis_set}
        else:
            keys = dict(self.entities.filter(pk__in=wanted).values_list("pk", "ftm_id"))
        for a, b in pairs:
            if a in keys and b in keys:
                self.same.setdefault(ENTITY + keys[a], set()).add(ENTITY + keys[b])
                self.same.setdefault(ENTITY + keys[b], set()).add(ENTITY + keys[a])

    # -- SQL fragments ------------------------------------------------------------------

    def _vis(self, column: str) -> tuple[str, list[Any]]:
        """``column`` names a report the viewer may see."""
        if _postgres():
            if self._hide:
                return f"{column} <> ALL(%s::bigint[])", [self._vis_literal]
            return f"{column} = ANY(%s::bigint[])", [self._vis_literal]
        return f"{column} IN ({self._vis_sql})", list(self._vis_params)

    def _far_visible(self, column: str) -> tuple[str, list[Any]]:
        """The node ``column`` is a value node or an entity of a visible report."""
        vis, params = self._vis("e.report_id")
        # OFFSET 0 keeps this a probe of the ftm_id index per candidate row: without it
        # PostgreSQL may hash every visible entity (a million of them) to answer a few.
        offset = " OFFSET 0" if _postgres() else ""
        return (f"(substr({column}, 1, 2) <> '{ENTITY}' OR EXISTS (SELECT 1 FROM {ENTITIES} e "
                f"WHERE e.ftm_id = substr({column}, 3) AND {vis}{offset}))", params)

    def _capped(self, node: str, node_params: list[Any], limit: int) -> tuple[str, list[Any]]:
        """The first ``limit`` visible (other, label) of ``node`` in each direction, each
        an ordered walk of one edge index that stops at ``limit``."""
        vis, vparams = self._vis("l.report_id")
        arms, params = [], []
        for near, other in (("source", "target"), ("target", "source")):
            far, fparams = self._far_visible(f"l.{other}")
            arms.append(f"SELECT * FROM (SELECT DISTINCT l.{other} AS other, l.label AS label "
                        f"FROM {LINKS} l WHERE l.{near} {node} AND {vis} AND {far} "
                        f"ORDER BY l.{other}, l.label LIMIT {int(limit)}) {near[0]}")
            params += node_params + vparams + fparams
        return " UNION ALL ".join(arms), params

    def _edges(self, node: str, node_params: list[Any]) -> tuple[str, list[Any]]:
        """Both directions of ``node``'s visible edges as (near, other, label); ``node`` is
        the SQL condition on the near end (``= %s``, ``= ANY(%s::text[])``)."""
        vis, vparams = self._vis("l.report_id")
        sql = (f"SELECT l.source AS near, l.target AS other, l.label AS label FROM {LINKS} l "
               f"WHERE l.source {node} AND {vis} "
               f"UNION ALL "
               f"SELECT l.target, l.source, l.label FROM {LINKS} l "
               f"WHERE l.target {node} AND {vis}")
        return sql, node_params + vparams + node_params + vparams

    def _run(self, sql: str, params: list[Any] | None) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []

    # -- nodes ----------------------------------------------------------------------------

    def _entities(self, keys: set[str]) -> None:
        wanted = {k[len(ENTITY):] for k in keys if k.startswith(ENTITY) and k not in self._seen}
        if not wanted:
            return
        if _postgres():
            # By the ftm_id index alone; the report is then checked against the visible
            # set read once (EntityPolicy's rule: an entity is seen when its report is).
            rows = [r for r in Entity.objects.filter(ftm_id__in=wanted).values_list(
                "ftm_id", "caption", "schema", "report_id") if r[3] in self._vis_set]
        else:
            rows = list(self.entities.filter(ftm_id__in=wanted).values_list(
                "ftm_id", "caption", "schema", "report_id"))
        found = {f: {"label": c, "kind": s, "report": r} for f, c, s, r in rows}
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
            return dict(entity)
        kind, _, value = key.partition(":")
        return {"label": value, "kind": kind}

    # -- edges ----------------------------------------------------------------------------

    def neighbours(self, frontier: set[str], limit: int | None = None
                   ) -> dict[str, list[tuple[str, str]]]:
        """For each frontier node its visible (neighbour, label) pairs, sorted; with
        ``limit``, only the first ``limit`` of them (the walk stops there in SQL) plus its
        "same as" neighbours."""
        out: dict[str, list[tuple[str, str]]] = {k: [] for k in frontier}
        if not frontier:
            return out
        if limit is not None:
            for key in frontier:
                if (key, limit) in self._ahead:
                    out[key].extend(self._ahead[(key, limit)])
            frontier = {k for k in frontier if (k, limit) not in self._ahead}
        ordered = sorted(frontier)
        rows: list[tuple[Any, ...]] = []
        if not ordered:
            pass
        elif limit is None:
            edges, params = self._edges("= ANY(%s::text[])" if _postgres() else
                                        f"IN ({', '.join(['%s'] * len(ordered))})",
                                        [ordered] if _postgres() else list(ordered))
            far, fparams = self._far_visible("x.other")
            rows = self._run(f"SELECT DISTINCT x.near, x.other, x.label FROM ({edges}) x "
                             f"WHERE {far}", params + fparams)
        elif _postgres():
            # Each direction's first ``limit`` (other, label) pairs hold the first
            # ``limit`` of both together, so the hub's walk stops early on both indexes.
            arms, params = self._capped("= f.node", [], limit)
            rows = self._run(f"SELECT f.node, n.other, n.label FROM unnest(%s::text[]) AS "
                             f"f(node) CROSS JOIN LATERAL ({arms}) n", [ordered, *params])
        else:
            for key in ordered:
                arms, params = self._capped("= %s", [key], limit)
                rows += [(key, o, lab) for o, lab in self._run(arms, params)]
        for near, other, label in rows:
            out[near].append((other, label))
        for key in out:
            out[key].extend((other, "same as") for other in self.same.get(key, ()))
            out[key] = sorted(set(out[key]))
        return out

    def _walk(self, node: str, node_params: list[Any], limit: int) -> tuple[str, list[Any]]:
        """PostgreSQL: the first ``limit`` visible (other, label) of ``node`` (an SQL
        expression) in each direction, with the far entity's caption, schema and report
        (NULL for a value node), each an ordered walk of one edge index that stops at
        ``limit``. The far entity is probed by its ftm_id per candidate row (LATERAL, so
        never a hash of a million entities), which both decides its visibility and reads
        its node: the neighbourhood needs no read of its nodes afterwards."""
        vis, vparams = self._vis("l.report_id")
        evis, eparams = self._vis("e.report_id")
        arms, params = [], []
        for near, other in (("source", "target"), ("target", "source")):
            arms.append(
                f"SELECT * FROM (SELECT DISTINCT ON (l.{other}, l.label) l.{other} AS other, "
                f"l.label AS label, en.caption, en.schema, en.report_id FROM {LINKS} l "
                f"LEFT JOIN LATERAL (SELECT e.caption, e.schema, e.report_id FROM {ENTITIES} e "
                f"WHERE substr(l.{other}, 1, 2) = '{ENTITY}' "
                f"AND e.ftm_id = substr(l.{other}, 3) AND {evis} LIMIT 1) en ON true "
                f"WHERE l.{near} = {node} AND {vis} "
                f"AND (substr(l.{other}, 1, 2) <> '{ENTITY}' OR en.report_id IS NOT NULL) "
                f"ORDER BY l.{other}, l.label LIMIT {int(limit)}) {near[0]}")
            params += eparams + node_params + vparams
        return " UNION ALL ".join(arms), params

    def prefetch(self, key: str, limit: int, width: int) -> None:
        """PostgreSQL: read ahead, in one statement, the first ``limit`` visible
        neighbours of ``key`` and of each of the first ``width`` of those (the second hop
        of a capped neighbourhood), with their nodes. ``neighbours`` then answers these
        from memory; a node the walk reaches otherwise (through a "same as" edge) is
        still read on demand, so the result is the same as without the read-ahead."""
        if not _postgres():
            return
        first, fparams = self._walk("%s", [key], limit)
        second, sparams = self._walk("f.node", [], limit)
        rows = self._run(
            f"WITH h1 AS MATERIALIZED ({first}), "
            f"f AS (SELECT DISTINCT other AS node FROM (SELECT other, label FROM h1 "
            f"ORDER BY other, label LIMIT {int(width)}) x) "
            f"SELECT 1, %s::text, h1.* FROM h1 "
            f"UNION ALL SELECT 0, f.node, NULL, NULL, NULL, NULL, NULL FROM f "
            f"UNION ALL SELECT 2, f.node, n.* FROM f CROSS JOIN LATERAL ({second}) n",
            [*fparams, key, *sparams])
        # Every node read ahead has an entry, even with no visible edge (hop 0 rows name
        # the second hop's nodes).
        self._ahead[(key, limit)] = []
        for _, near, *_rest in rows:
            self._ahead.setdefault((near, limit), [])
        for hop, near, other, label, caption, schema, report in rows:
            if hop == 0:
                continue
            self._ahead[(near, limit)].append((other, label))
            if caption is not None and other not in self._seen:
                self._seen[other] = {"label": caption, "kind": schema, "report": report}

    def connect(self, left: set[str], right: set[str]) -> tuple[str, str, str] | None:
        """One visible edge (a, label, b) with ``a`` in ``left`` and ``b`` in ``right``
        (both sides' nodes are already known to be visible)."""
        for a in sorted(left):
            for b in sorted(self.same.get(a, set()) & right):
                return a, "same as", b
        if not left or not right:
            return None
        lo, ro = sorted(left), sorted(right)
        if _postgres():
            vis, vparams = self._vis("l.report_id")
            rows = self._run(
                f"SELECT near, label, other FROM ("
                f"SELECT l.source AS near, l.label AS label, l.target AS other FROM {LINKS} l "
                f"WHERE l.source = ANY(%s::text[]) AND l.target = ANY(%s::text[]) AND {vis} "
                f"UNION ALL "
                f"SELECT l.target, l.label, l.source FROM {LINKS} l "
                f"WHERE l.target = ANY(%s::text[]) AND l.source = ANY(%s::text[]) AND {vis}) x "
                f"ORDER BY near, other, label LIMIT 1",
                [lo, ro, *vparams, lo, ro, *vparams])
            return rows[0] if rows else None
        found = self.neighbours(left)
        for a in lo:
            for other, label in found[a]:
                if other in right:
                    return a, label, other
        return None

    def meet(self, left: set[str], right: set[str]) -> tuple[str, str, str, str, str] | None:
        """One visible node ``m`` outside both sides with edges a-m (``a`` in ``left``) and
        m-b (``b`` in ``right``), as (a, label, m, label, b); none involve a "same as"
        edge of ``left`` or ``right`` (the caller expands those instead)."""
        if not left or not right:
            return None
        lo, ro = sorted(left), sorted(right)
        if _postgres():
            # Both sides' edges can run to tens of thousands at a hub: joined by hashing,
            # never by a nested loop over the two (the planner's guess at ANY is poor).
            self._run("SET LOCAL enable_nestloop = off; SET LOCAL enable_mergejoin = off", None)
            ea, aparams = self._edges("= ANY(%s::text[])", [lo])
            eb, bparams = self._edges("= ANY(%s::text[])", [ro])
            far, fparams = self._far_visible("a.other")
            rows = self._run(
                f"SELECT a.near, a.label, a.other, b.label, b.near FROM ({ea}) a "
                f"JOIN ({eb}) b ON b.other = a.other "
                f"WHERE NOT (a.other = ANY(%s::text[])) AND NOT (a.other = ANY(%s::text[])) "
                f"AND {far} "
                f"ORDER BY a.other, a.near, b.near, a.label, b.label LIMIT 1",
                aparams + bparams + [lo, ro] + fparams)
            self._run("SET LOCAL enable_nestloop TO DEFAULT; "
                      "SET LOCAL enable_mergejoin TO DEFAULT", None)
            return rows[0] if rows else None
        around = self.neighbours(left)
        middle = {o for a in lo for o, _ in around[a]} - left - right
        back = self.neighbours(middle)
        for m in sorted(middle):
            for b, label in back[m]:
                if b in right and label != "same as":
                    a, first = next((a, lab) for a in lo for o, lab in around[a] if o == m)
                    return a, first, m, label, b
        return None


@contextmanager
def _session(*settings: str) -> Iterator[None]:
    """On PostgreSQL, plan the graph's many small queries for latency: no parallel workers
    (starting them costs more than these queries) and no JIT; undone on leaving."""
    if not _postgres():
        yield
        return
    names = ["max_parallel_workers_per_gather = 0", "jit = off", *settings]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET LOCAL {n}" for n in names))
        try:
            yield
        finally:
            cursor.execute("; ".join(f"SET LOCAL {n.split(' =')[0]} TO DEFAULT"
                                     for n in names))


def neighbourhood(user: Any, key: str, *, hops: int = 2, cap: int = 500,
                  per_node: int = 50, read_ahead: bool = True) -> Graph:
    """``key``'s neighbourhood of ``hops`` hops, at most ``per_node`` neighbours a node and
    ``cap`` nodes in all. With ``read_ahead`` (on PostgreSQL) the first two hops are one
    statement; without it each hop is one query (the same graph, kept for comparison)."""
    with _session():
        return _neighbourhood(user, key, hops=hops, cap=cap, per_node=per_node,
                              read_ahead=read_ahead)


def _neighbourhood(user: Any, key: str, *, hops: int, cap: int, per_node: int,
                   read_ahead: bool) -> Graph:
    view = View(user, per_node)
    graph = Graph()
    if not view.may_see(key):
        return graph
    if read_ahead and hops >= 2:
        view.prefetch(key, per_node + 1, per_node)
    keep = [key]
    truncated: set[str] = set()
    frontier = {key}
    seen_nodes = {key}
    seen_edges: set[tuple[str, str, str]] = set()
    edges: list[dict[str, str]] = []
    for _ in range(hops):
        # One more than the cap tells a hub (marked truncated) from a node with exactly
        # ``per_node`` neighbours.
        found = view.neighbours(frontier, limit=per_node + 1)
        following: set[str] = set()
        for node in sorted(frontier):
            around = found[node]
            if len(around) > per_node:
                truncated.add(node)
                around = around[:per_node]
            for other, label in around:
                if other not in seen_nodes:
                    if len(seen_nodes) >= cap:
                        truncated.add(node)
                        continue
                    seen_nodes.add(other)
                    keep.append(other)
                    following.add(other)
                edge = (min(node, other), max(node, other), label)
                if edge not in seen_edges:
                    seen_edges.add(edge)
                    edges.append({"source": node, "target": other, "label": label})
        frontier = following
        if not frontier:
            break
    view._entities(set(keep))
    for node in keep:
        graph.nodes[node] = view.node(node)
    graph.edges = edges
    graph.truncated = truncated
    return graph


def shortest_path(user: Any, start: str, goal: str, *, max_hops: int = 4) -> Graph:
    """One shortest path of at most ``max_hops`` edges, or an empty graph.

    Bidirectional breadth-first search: each side keeps the node it reached every node from;
    while hops remain, look for an edge between the two frontiers (one indexed query), then,
    with two hops left, for a node between them (one join), else grow the smaller frontier
    by a level (one query)."""
    with _session():
        return _shortest_path(user, start, goal, max_hops=max_hops)


def _shortest_path(user: Any, start: str, goal: str, *, max_hops: int) -> Graph:
    view = View(user)
    graph = Graph()
    if not (view.may_see(start) and view.may_see(goal)):
        return graph
    came_a: dict[str, tuple[str, str] | None] = {start: None}
    came_b: dict[str, tuple[str, str] | None] = {goal: None}
    fa, fb = {start}, {goal}
    da = db = 0
    # (from-start side node, label, from-goal side node) edges of the path's middle.
    middle: list[tuple[str, str, str]] | None = None
    if start == goal:
        middle = []
    while middle is None and fa and fb and da + db < max_hops:
        joined = view.connect(fa, fb)
        if joined is not None:
            middle = [joined]
            break
        if da + db + 1 >= max_hops:
            break
        merged = any(view.same.get(k) for k in fa | fb)
        if da + db + 2 == max_hops and not merged:
            met = view.meet(fa, fb)
            if met is not None:
                a, la, m, lb, b = met
                middle = [(a, la, m), (m, lb, b)]
            break
        grow_a = len(fa) <= len(fb)
        came, frontier = (came_a, fa) if grow_a else (came_b, fb)
        found = view.neighbours(frontier)
        following: set[str] = set()
        for node in sorted(frontier):
            for other, label in found[node]:
                if other not in came:
                    came[other] = (node, label)
                    following.add(other)
        if grow_a:
            fa, da = following, da + 1
        else:
            fb, db = following, db + 1
        common = sorted(set(came_a) & set(came_b))
        if common:
            # Reached from both sides: the path runs through the meeting node.
            middle = [(common[0], "", common[0])]
    if middle is None:
        return graph
    steps: list[tuple[str, str, str]] = []
    # Walk back from the start side's end of the middle to ``start``...
    node = middle[0][0] if middle else start
    while came_a.get(node) is not None:
        parent, label = came_a[node]  # type: ignore[misc]
        steps.append((parent, label, node))
        node = parent
    steps.reverse()
    steps += [m for m in middle if m[0] != m[2]]
    # ...and forward from the goal side's end of the middle to ``goal``.
    node = middle[-1][2] if middle else goal
    while came_b.get(node) is not None:
        parent, label = came_b[node]  # type: ignore[misc]
        steps.append((node, label, parent))
        node = parent
    keys = [start] + [b for _, _, b in steps]
    view._entities(set(keys))
    for key in keys:
        graph.nodes[key] = view.node(key)
    graph.edges = [{"source": a, "target": b, "label": label} for a, label, b in steps]
    return graph
