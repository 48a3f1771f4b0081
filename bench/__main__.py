"""`python -m bench`: the matching benchmarks; `python -m bench generate|report|pages ...`:
the data generator and the benchmarks that run on what it generated (PostgreSQL)."""

import sys

if len(sys.argv) > 1 and sys.argv[1] == "generate":
    from bench.generate import main as generate

    sys.exit(generate(sys.argv[2:]))

from bench.run import main

sys.exit(main())
