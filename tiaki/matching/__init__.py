"""Tiaki's matching engine: watchlist screening, record linkage and de-duplication of person
records, with one vectorised, explainable pipeline (issue "Prevent at the border", part 2).

Pure Python on Polars, RapidFuzz and anyascii; no Django. See docs/decisions/0004.
"""

from tiaki.matching.engine import DEFAULT_THRESHOLDS, Reference, dedupe, link, screen
from tiaki.matching.names import compare_lists, name_similarity
from tiaki.matching.records import FIELDS, MatchInputError
from tiaki.matching.screener import Alert, Screener

__all__ = [
    "DEFAULT_THRESHOLDS",
    "FIELDS",
    "Alert",
    "MatchInputError",
    "Reference",
    "Screener",
    "compare_lists",
    "dedupe",
    "link",
    "name_similarity",
    "screen",
]
