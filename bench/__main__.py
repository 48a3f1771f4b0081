"""`python -m bench`: the matching benchmarks; `python -m bench generate|report|pages|soak ...`:
the data generator and the benchmarks that run on what it generated (PostgreSQL)."""

import sys

if len(sys.argv) > 1 and sys.argv[1] in {"generate", "report", "pages", "soak"}:
    from importlib import import_module

    sys.exit(import_module(f"bench.{sys.argv[1]}").main(sys.argv[2:]))

from bench.run import main

sys.exit(main())
