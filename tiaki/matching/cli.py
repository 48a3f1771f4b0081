"""Command line: ``python -m tiaki.matching screen|link|dedupe ...`` (also ``tiaki screen ...``).

The reference side (watchlist, right file, or the records to de-duplicate) is read whole and
indexed; the other side is streamed in chunks, each chunk's pairs written out as soon as they
are scored, so memory depends on the chunk size, not on the number of travellers.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polars as pl
from tqdm import tqdm

from tiaki.matching import engine
from tiaki.matching.engine import CHUNK_SIZE, DEFAULT_THRESHOLDS, OUTPUT_COLUMNS, Mode, Reference
from tiaki.matching.records import MatchInputError, iter_csv, read_csv, summary, unparsed_counts


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tiaki",
        description="Match person records: screen against a watchlist, link two files, or find "
        "duplicates. Output CSV columns: left_id,right_id,score,explanation.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser, mode: str) -> None:
        sp.add_argument("--out", required=True, type=Path, help="output CSV")
        sp.add_argument(
            "--threshold",
            type=float,
            default=None,
            help=f"minimum score 0-1 (default {DEFAULT_THRESHOLDS[mode]})",
        )
        sp.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, help=argparse.SUPPRESS)
        sp.add_argument("--no-progress", action="store_true", help="no progress bar")
        sp.add_argument(
            "--strict",
            action="store_true",
            help="refuse a file with a value that does not parse (a date of birth, a country "
            "code), naming its line and field; by default such values are compared as text",
        )

    s = sub.add_parser("screen", help="alerts: records that match a watchlist entry")
    s.add_argument("--watchlist", required=True, type=Path, help="CSV; its ids become left_id")
    s.add_argument("--records", required=True, type=Path, help="CSV; its ids become right_id")
    common(s, "screen")
    lk = sub.add_parser("link", help="pairs of records, one from each file, for one person")
    lk.add_argument("--left", required=True, type=Path, help="CSV (streamed)")
    lk.add_argument("--right", required=True, type=Path, help="CSV (indexed in memory)")
    common(lk, "link")
    d = sub.add_parser("dedupe", help="pairs of records in one file for one person")
    d.add_argument("--records", required=True, type=Path, help="CSV; left_id is the earlier row")
    common(d, "dedupe")
    return p


def _count_rows(path: Path) -> int:
    return int(pl.scan_csv(path, infer_schema=False).select(pl.len()).collect().item())


def _progress(
    chunks: Iterator[tuple[int, pl.DataFrame]], total: int, enabled: bool
) -> Iterator[tuple[int, pl.DataFrame]]:
    with tqdm(total=total, unit="rec", file=sys.stderr, disable=not enabled) as bar:
        for offset, chunk in chunks:
            yield offset, chunk
            bar.update(chunk.height)


def _counted(
    chunks: Iterator[tuple[int, pl.DataFrame]], counts: Counter[str]
) -> Iterator[tuple[int, pl.DataFrame]]:
    for offset, chunk in chunks:
        counts.update(unparsed_counts(chunk))
        yield offset, chunk


def _execute(args: argparse.Namespace) -> int:
    mode: Mode = args.command
    strict = args.strict
    counts: Counter[str] = Counter()
    if mode == "screen":
        watchlist = read_csv(args.watchlist, strict)
        counts.update(unparsed_counts(watchlist))
        # Names on the watchlist and in the first records screened (as `engine.screen` does).
        sample = next(iter_csv(args.records, engine.SAMPLE_ROWS, strict), (0, None))[1]
        ref = engine.screening_reference(watchlist, sample)
        query_path = args.records
    elif mode == "link":
        # Token frequencies over both files, the left one streamed, as `engine.link` does.
        right = read_csv(args.right, strict)
        counts.update(unparsed_counts(right))
        left_chunks = (df for _, df in iter_csv(args.left, args.chunk_size, strict))
        sample = next(iter_csv(args.left, engine.SAMPLE_ROWS, strict), (0, None))[1]
        ref = Reference.build(
            right,
            engine.name_stats(itertools.chain([right], left_chunks)),
            sample=sample,
            mode="link",
        )
        query_path = args.left
    else:
        ref = Reference.build(read_csv(args.records, strict), mode="dedupe")
        query_path = args.records
    chunks = _progress(
        iter_csv(query_path, args.chunk_size, strict),
        _count_rows(query_path),
        not args.no_progress,
    )
    pairs = 0
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(OUTPUT_COLUMNS) + "\n")
        for frame in engine.run(mode, ref, _counted(chunks, counts), args.threshold):
            frame.write_csv(fh, include_header=False)
            pairs += frame.height
    for line in summary(dict(counts)):
        print(line, file=sys.stderr)
    print(f"{pairs} {'pair' if pairs == 1 else 'pairs'} written to {args.out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (0 ok, 2 bad input or usage)."""
    args = _parser().parse_args(argv)
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        print("error: --threshold must be between 0 and 1", file=sys.stderr)
        return 2
    try:
        return _execute(args)
    except (MatchInputError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
