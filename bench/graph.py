"""Network benchmark on the configured database (``DATABASE_URL``; PostgreSQL is the target).

    DATABASE_URL=postgres://…/scratch python -m bench.graph --entities 100000 --links 500000

Generates a power-law graph (preferential attachment: a few hubs with thousands of links)
straight into the intelligence tables, spread over reports of which a tenth carry a caveat
the benchmark's analyst does not hold, then times, as that analyst (caveat filtering on):
the 2-hop neighbourhood capped at 500 nodes (``graph.neighbourhood``) and one shortest path
of at most 4 hops (``graph.shortest_path``) between random visible entities. It writes into
the database it is given (migrating it first), so point it at a scratch database.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.settings")
    import django

    django.setup()


def _copy(table: str, columns: list[str], rows: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def generate(entities: int, links: int, reports: int, seed: int) -> dict[str, Any]:
    """Reports, entities and links by COPY; returns the analyst and some visible keys."""
    from django.core.management import call_command
    from django.utils import timezone

    from tiaki.accounts.loader import agencies_load
    from tiaki.accounts.models import Agency, User
    from tiaki.accounts.roles import Role
    from tiaki.intelligence.grading import default_paths, grading_load
    from tiaki.intelligence.models import Caveat, Entity, GradingScheme, Link, Report

    call_command("migrate", verbosity=0)
    from django.conf import settings

    agencies_load(path=settings.TIAKI_DATA_DIR / "nz" / "agencies.yaml")
    grading_load(paths=default_paths())
    rng = random.Random(seed)
    mbie = Agency.objects.get(code="MBIE")
    analyst, _ = User.objects.get_or_create(username="bench_analyst",
                                            defaults={"agency": mbie})
    analyst.set_roles([Role.INTELLIGENCE_ANALYST])
    scheme = GradingScheme.objects.get(code="nato-admiralty")
    htx = Caveat.objects.get(code="HTX")
    Link.objects.all().delete()
    Entity.objects.all().delete()
    Report.objects.filter(reference__startswith="BENCH-").delete()
    now = timezone.now()
    t0 = time.perf_counter()
    _copy(Report._meta.db_table,
          ["reference", "title", "text", "agency_id", "created_at", "scheme_id",
           "source_grade", "information_grade", "handling_code", "release", "partners", "tlp",
           "provenance"],
          ((f"BENCH-{n}", "bench", "bench", mbie.pk, now, scheme.pk, "F", "6", "", "nz",
            "[]", "amber", "{}") for n in range(reports)))
    report_ids = list(Report.objects.filter(reference__startswith="BENCH-")
                      .order_by("pk").values_list("pk", flat=True))
    hidden = set(report_ids[:: 10])
    through = Report.caveats.through
    _copy(through._meta.db_table, ["report_id", "caveat_id"],
          ((pk, htx.pk) for pk in sorted(hidden)))
    owner = [report_ids[rng.randrange(reports)] for _ in range(entities)]
    _copy(Entity._meta.db_table,
          ["report_id", "ftm_id", "schema", "properties", "caption", "created_at"],
          ((owner[n], f"b{n}", "Person", f'{{"name": ["P{n}"]}}', f"P{n}", now)
           for n in range(entities)))
    entity_pk = dict(Entity.objects.values_list("ftm_id", "pk"))
    # Preferential attachment: each new link's target drawn from the endpoints so far, so
    # degrees follow a power law and the first nodes become hubs of thousands of links.
    ends: list[int] = list(range(min(10, entities)))

    def edges() -> Any:
        for _ in range(links):
            source = rng.randrange(entities)
            target = ends[rng.randrange(len(ends))] if rng.random() < 0.8 \
                else rng.randrange(entities)
            if target == source:
                target = (target + 1) % entities
            ends.append(target)
            ends.append(source)
            yield (owner[source], entity_pk[f"b{source}"], f"e:b{source}", f"e:b{target}",
                   "Associate")

    _copy(Link._meta.db_table, ["report_id", "entity_id", "source", "target", "label"],
          edges())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Link._meta.db_table}")
        cursor.execute(f"ANALYZE {Entity._meta.db_table}")
    loaded = time.perf_counter() - t0
    degree: dict[int, int] = {}
    for node in ends:
        degree[node] = degree.get(node, 0) + 1
    visible_nodes = [n for n in range(entities) if owner[n] not in hidden]
    return {"analyst": analyst, "visible": visible_nodes, "load_s": loaded,
            "max_degree": max(degree.values()) // 1, "hubs_10k": sum(
                1 for d in degree.values() if d >= 10_000), "rng": rng}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.graph", description=__doc__)
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--links", type=int, default=500_000)
    ap.add_argument("--reports", type=int, default=2_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    _setup()
    from tiaki.intelligence import graph

    data = generate(args.entities, args.links, args.reports, args.seed)
    print(f"loaded in {data['load_s']:.1f} s", file=sys.stderr, flush=True)
    rng, user, nodes = data["rng"], data["analyst"], data["visible"]
    hood, path, found = [], [], 0
    for _ in range(args.queries):
        key = f"e:b{rng.choice(nodes)}"
        t = time.perf_counter()
        graph.neighbourhood(user, key, hops=2, cap=500)
        hood.append((time.perf_counter() - t) * 1000)
        a, b = rng.choice(nodes), rng.choice(nodes)
        t = time.perf_counter()
        found += bool(graph.shortest_path(user, f"e:b{a}", f"e:b{b}", max_hops=4).nodes)
        path.append((time.perf_counter() - t) * 1000)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {load}")
    print(f"graph: {args.entities:,} entities, {args.links:,} links, {args.reports:,} reports "
          f"(1 in 10 caveated, hidden from the analyst); largest degree "
          f"{data['max_degree']:,}, hubs >= 10,000 links: {data['hubs_10k']}; "
          f"loaded in {data['load_s']:.1f} s")
    print(f"2-hop neighbourhood, cap 500: median {statistics.median(hood):.1f} ms, "
          f"p95 {_p(hood, 0.95):.1f} ms over {len(hood)} queries")
    print(f"shortest path <= 4 hops: median {statistics.median(path):.1f} ms, "
          f"p95 {_p(path, 0.95):.1f} ms over {len(path)} queries ({found} found)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
