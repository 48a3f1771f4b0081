"""Network benchmark on the configured database (``DATABASE_URL``; PostgreSQL is the target).

    DATABASE_URL=postgres://…/scratch python -m bench.graph --entities 1000000 --links 5000000
    DATABASE_URL=postgres://…/scratch python -m bench.graph --reuse   # time again, no reload

Generates a power-law graph (Zipf-distributed link ends: a few hubs of tens of thousands of
links) straight into the intelligence tables by COPY (indexes dropped for the load and
rebuilt after), spread over reports of which a tenth carry a caveat the benchmark's analyst
does not hold, then times, as that analyst (caveat filtering on): the 2-hop neighbourhood
capped at 500 nodes (``graph.neighbourhood``) and one shortest path of at most 4 hops
(``graph.shortest_path``) between random visible entities. It writes into the database it
is given (migrating it first, truncating its entities and links), so point it at a scratch
database.
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


def _copy_lines(table: str, columns: list[str], lines: Any) -> None:
    """COPY text-format lines (tab-separated, newline-terminated) in large chunks."""
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for chunk in lines:
                copy.write(chunk)


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT "
            "EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_class x ON x.oid = c.conindid "
            "WHERE x.relname = i.indexname)", [table])
        return list(cursor.fetchall())


def _targets(rng: Any, entities: int, links: int, skew: float) -> Any:
    """Link ends with power-law degrees: 80% drawn as ``entities * u**skew`` (so entity
    ``k`` is hit with probability ~ k**(1/skew - 1): a Zipf law whose first few entities
    are hubs of tens of thousands of links at 5M links), 20% uniform."""
    import numpy as np

    preferred = (entities * rng.random(links) ** skew).astype(np.int64)
    uniform = rng.integers(0, entities, links)
    return np.where(rng.random(links) < 0.8, preferred, uniform)


def generate(entities: int, links: int, reports: int, seed: int,
             skew: float = 3.5) -> dict[str, Any]:
    """Reports, entities and links by COPY into a scratch PostgreSQL database (its link
    and entity rows are replaced); returns the analyst and the visible entities."""
    import numpy as np
    from django.core.management import call_command
    from django.db import connection
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
    rng = np.random.default_rng(seed)
    mbie = Agency.objects.get(code="MBIE")
    analyst, _ = User.objects.get_or_create(username="bench_analyst",
                                            defaults={"agency": mbie})
    analyst.set_roles([Role.INTELLIGENCE_ANALYST])
    scheme = GradingScheme.objects.get(code="nato-admiralty")
    htx = Caveat.objects.get(code="HTX")
    link_table, entity_table = Link._meta.db_table, Entity._meta.db_table
    with connection.cursor() as cursor:
        # A scratch database: TRUNCATE (a DELETE through the ORM takes hours at 5M links).
        cursor.execute(f"TRUNCATE {link_table}, {entity_table} CASCADE")
    Report.objects.filter(reference__startswith="BENCH-").delete()
    now = timezone.now().isoformat()
    t0 = time.perf_counter()
    _copy_lines(Report._meta.db_table,
                ["reference", "title", "text", "agency_id", "created_at", "scheme_id",
                 "source_grade", "information_grade", "handling_code", "release", "partners",
                 "tlp", "provenance"],
                ["".join(f"BENCH-{n}\tbench\tbench\t{mbie.pk}\t{now}\t{scheme.pk}\tF\t6\t"
                         f"\tnz\t[]\tamber\t{{}}\n" for n in range(reports))])
    report_ids = np.array(Report.objects.filter(reference__startswith="BENCH-")
                          .order_by("pk").values_list("pk", flat=True))
    hidden = set(int(pk) for pk in report_ids[:: 10])
    through = Report.caveats.through
    _copy_lines(through._meta.db_table, ["report_id", "caveat_id"],
                ["".join(f"{pk}\t{htx.pk}\n" for pk in sorted(hidden))])
    owner = report_ids[rng.integers(0, reports, entities)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {entity_table}")
        base = cursor.fetchone()[0]
    # Indexes are built once after the load (much faster than row by row), and the
    # foreign keys are not re-checked per row (every id written here exists).
    dropped = _secondary_indexes(link_table) + _secondary_indexes(entity_table)
    with connection.cursor() as cursor:
        for name, _ in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
    chunk = 200_000

    def entity_lines() -> Any:
        for lo in range(0, entities, chunk):
            yield "".join(f"{base + n}\t{owner[n]}\tb{n}\tPerson\t{{\"name\": [\"P{n}\"]}}"
                          f"\tP{n}\t{now}\n" for n in range(lo, min(entities, lo + chunk)))

    _copy_lines(entity_table,
                ["id", "report_id", "ftm_id", "schema", "properties", "caption", "created_at"],
                entity_lines())
    source = rng.integers(0, entities, links)
    target = _targets(rng, entities, links, skew)
    target = np.where(target == source, (target + 1) % entities, target)

    def link_lines() -> Any:
        for lo in range(0, links, chunk):
            s, t = source[lo:lo + chunk].tolist(), target[lo:lo + chunk].tolist()
            o = owner[source[lo:lo + chunk]].tolist()
            yield "".join(f"{r}\t{base + a}\te:b{a}\te:b{b}\tAssociate\n"
                          for a, b, r in zip(s, t, o, strict=True))

    _copy_lines(link_table, ["report_id", "entity_id", "source", "target", "label"],
                link_lines())
    loaded = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{entity_table}', 'id'), "
                       f"(SELECT MAX(id) FROM {entity_table}))")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _, definition in dropped:
            cursor.execute(definition)
        indexed = time.perf_counter() - t0 - loaded
        # VACUUM sets the visibility map, so the edge indexes answer index-only.
        cursor.execute(f"VACUUM ANALYZE {link_table}")
        cursor.execute(f"VACUUM ANALYZE {entity_table}")
        cursor.execute(f"ANALYZE {Report._meta.db_table}")
    degree = np.bincount(np.concatenate([source, target]), minlength=entities)
    return {"analyst": analyst, "load_s": loaded, "index_s": indexed,
            "total_s": time.perf_counter() - t0,
            "max_degree": int(degree.max()), "hubs_10k": int((degree >= 10_000).sum())}


def _state() -> dict[str, Any]:
    """The analyst and the generated graph's figures, read back from the database."""
    from django.db import connection

    from tiaki.accounts.models import User
    from tiaki.intelligence.models import Entity, Link

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(n) FROM (SELECT target, COUNT(*) AS n FROM {Link._meta.db_table} "
            f"GROUP BY target) s")
        out_max = cursor.fetchone()[0] or 0
    return {"analyst": User.objects.get(username="bench_analyst"),
            "entities": Entity.objects.count(), "out_max": out_max}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.graph", description=__doc__)
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--links", type=int, default=5_000_000)
    ap.add_argument("--reports", type=int, default=2_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--reuse", action="store_true",
                    help="time the queries on the graph already generated in this database")
    args = ap.parse_args(argv)
    _setup()
    from tiaki.intelligence import graph
    from tiaki.intelligence.models import Entity
    from tiaki.intelligence.policies import visible_reports

    data: dict[str, Any] = {}
    if not args.reuse:
        data = generate(args.entities, args.links, args.reports, args.seed)
        print(f"generated in {data['total_s']:.1f} s (COPY {data['load_s']:.1f} s, indexes "
              f"{data['index_s']:.1f} s); largest degree {data['max_degree']:,}, "
              f"hubs >= 10,000 links: {data['hubs_10k']}", file=sys.stderr, flush=True)
    user = data.get("analyst") or _state()["analyst"]
    rng = random.Random(args.seed)
    keys = [f"e:{f}" for f in Entity.objects.filter(report__in=visible_reports(user))
            .order_by("?").values_list("ftm_id", flat=True)[: 3 * args.queries]]
    hood, path, found, sizes = [], [], 0, []
    for n in range(args.queries):
        key = keys[n]
        t = time.perf_counter()
        sizes.append(len(graph.neighbourhood(user, key, hops=2, cap=500).nodes))
        hood.append((time.perf_counter() - t) * 1000)
        a, b = rng.choice(keys), rng.choice(keys)
        t = time.perf_counter()
        found += bool(graph.shortest_path(user, a, b, max_hops=4).nodes)
        path.append((time.perf_counter() - t) * 1000)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    state = _state()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {load}")
    print(f"graph: {state['entities']:,} entities, {args.links:,} links, {args.reports:,} "
          f"reports (1 in 10 caveated, hidden from the analyst); largest in-degree "
          f"{state['out_max']:,}" + (f", largest degree {data['max_degree']:,}, hubs >= "
                                     f"10,000 links: {data['hubs_10k']}" if data else ""))
    print(f"2-hop neighbourhood, cap 500: median {statistics.median(hood):.1f} ms, "
          f"p95 {_p(hood, 0.95):.1f} ms over {len(hood)} queries "
          f"(median {statistics.median(sizes):.0f} nodes)")
    print(f"shortest path <= 4 hops: median {statistics.median(path):.1f} ms, "
          f"p95 {_p(path, 0.95):.1f} ms over {len(path)} queries ({found} found)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
