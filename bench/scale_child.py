"""Run one CLI screening in this process and print its wall time and peak memory as JSON.

Spawned by `bench.scale` so that the peak resident set size is the screening's alone.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from tiaki.matching.cli import main

if __name__ == "__main__":
    start = time.perf_counter()
    code = main(sys.argv[1:])
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    print(
        json.dumps(
            {
                "code": code,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "peak_mib": usage.ru_maxrss / 1024,
            }
        )
    )
