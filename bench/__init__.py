"""Benchmarks for the matching engine: `python -m bench [--quick]` (see docs/benchmarks.md)."""
