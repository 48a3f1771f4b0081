"""Entity resolution at scale: person records through intelligence's own path.

    python -m bench.resolve --records 1000000

Generates person records (``bench.synthetic``: Zipf-distributed names, a share of them
planted copies of other records with a typo, reversed names, an initial, a swapped or
missing day, or Cyrillic script), holds each as a FollowTheMoney Person entity's properties,
turns them into the engine's records with ``tiaki.intelligence.resolution.as_record`` (what
the candidates page does) and resolves them with the shared engine's ``tiaki.matching.dedupe``,
end to end. Nothing is written to a database (the engine's cost, not the ORM's, is what
grows with the number of records). Prints the wall and CPU seconds of each step, the pairs
found and how many planted copies were found.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.resolve", description=__doc__)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--planted", type=float, default=0.01,
                    help="share of the records that are planted copies of another")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.settings")
    import django

    django.setup()
    from bench import synthetic
    from tiaki.intelligence.models import Entity
    from tiaki.intelligence.resolution import DEFAULT_THRESHOLD, HIGH, as_record
    from tiaki.matching import dedupe

    copies = max(1, int(args.records * args.planted))
    t0, c0 = time.perf_counter(), time.process_time()
    # Two pools (the generator's watchlist and travellers) with the copies planted in the
    # second; resolution runs over both as one set of records.
    data = synthetic.generate(args.records - 2 * copies, 2 * copies, copies, seed=args.seed)
    frames = [data.watchlist.to_dicts(), data.travellers.to_dicts()]
    entities = []
    for rows in frames:
        for row in rows:
            name = " ".join(p for p in (row.get("given_name"), row.get("family_name")) if p)
            props = {"name": [name], "firstName": [row.get("given_name") or ""],
                     "lastName": [row.get("family_name") or ""],
                     "birthDate": [row.get("date_of_birth") or ""],
                     "nationality": [(row.get("nationality") or "").lower()]}
            entities.append(Entity(ftm_id=row["id"], schema="Person", caption=name,
                                   properties={k: v for k, v in props.items() if v[0]}))
    generated = time.perf_counter() - t0
    t1, c1 = time.perf_counter(), time.process_time()
    records = [as_record(e) for e in entities]
    frame = dedupe(records, threshold=min(DEFAULT_THRESHOLD, HIGH))
    resolved, cpu = time.perf_counter() - t1, time.process_time() - c1
    pairs = {(a, b) for a, b in frame.select("left_id", "right_id").iter_rows()}
    found = sum(1 for w, t in data.planted.iter_rows()
                if (w, t) in pairs or (t, w) in pairs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {load}")
    print(f"{len(records):,} person records ({copies:,} planted copies): generated in "
          f"{generated:.1f} s; resolved end to end in {resolved:.1f} s wall, {cpu:.1f} s CPU "
          f"(threshold {min(DEFAULT_THRESHOLD, HIGH)}); {len(pairs):,} candidate pairs, "
          f"{found:,}/{copies:,} planted copies found; peak memory {peak:,.0f} MB; "
          f"total CPU {time.process_time() - c0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
