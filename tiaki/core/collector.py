"""Pausing Python's cyclic garbage collector over a bulk step.

An ingest builds some fifteen objects a record that live until the step ends; every 700
allocations the collector runs, and each time enough of them survive it walks the whole
heap (the Django app, the watchlist index's lookups, the records themselves). Profiling
10,000 CSV travellers showed it made building the rows three times and reading them back
twice as dear as the work itself. Such records and rows hold no reference cycles, so
reference counting frees them without the collector; pausing it over the step and letting
it run once afterwards is the usual remedy (Python's ``gc`` documentation: "Since the
collector supplements the reference counting already used in Python, you can disable the
collector if you are sure your program does not create reference cycles"; CPython's
garbage collector design notes describe the generation thresholds that trigger it).
Reading a 10,000-passenger PAXLST message (120,000 segments, each a handful of tuples,
strings and a position) showed the same: the collector took half the parse's CPU and freed
nothing. One helper serves both: the ingest services and the EDIFACT/PAXLST parsers.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off for the block, then on again as it was (nested blocks leave
    it to the outermost). Garbage in cycles made meanwhile waits for the next collection."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
