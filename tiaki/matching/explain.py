"""Human-readable explanations, built for all output pairs at once.

Example: "name 0.97 (transliterated: Иванов→ivanov), dob exact, nationality same, document
number differs". Only fields present on both sides are mentioned.
"""

from __future__ import annotations

import polars as pl

from tiaki.matching.fields import CLOSE, DIFFERS, PARTIAL, SAME

# Below this many bits a name is called common in the explanation (1 person in 4,000).
COMMON_NAME_BITS = 12.0

_PRECISION = pl.col("dob_prec").replace_strict(
    {1: "year", 2: "year and month", 3: "full date"}, default="", return_dtype=pl.String
)


def _translit(side: str) -> pl.Expr:
    raw = pl.col(f"{side}_name")
    return pl.when(raw.str.contains(r"[^\x00-\x7F]")).then(
        pl.format("{}→{}", raw, pl.col(f"{side}_tok").list.join(" "))
    )


def _count(col: str, word: str) -> pl.Expr:
    n = pl.col(col)
    return (
        pl.when(n == 1)
        .then(pl.lit(f"1 {word}"))
        .when(n > 1)
        .then(pl.format("{} {}s", n, pl.lit(word)))
    )


def _name() -> pl.Expr:
    translit = pl.concat_str([_translit("l"), _translit("r")], separator=", ", ignore_nulls=True)
    notes = pl.concat_str(
        [
            pl.when(translit != "").then(pl.format("transliterated: {}", translit)),
            pl.when(pl.col("reordered")).then(pl.lit("order differs")),
            pl.when(pl.col("joined")).then(pl.lit("words joined or split")),
            _count("initials", "initial"),
            _count("extras", "extra name"),
            _count("conflicts", "conflicting name"),
            pl.when((pl.col("name_bits") < COMMON_NAME_BITS) & (pl.col("name_sim") >= 0.6)).then(
                pl.lit("common name")
            ),
        ],
        separator="; ",
        ignore_nulls=True,
    )
    head = pl.format("name {}", pl.col("name_sim").round(2))
    return (
        pl.when(pl.col("name_sim").is_null())
        .then(None)
        .when(notes != "")
        .then(pl.format("{} ({})", head, notes))
        .otherwise(head)
    )


def _level(col: str, label: str, words: dict[str, str] | None = None) -> pl.Expr:
    words = words or {}
    text = pl.col(col).replace_strict(
        {SAME: words.get(SAME, "same"), DIFFERS: "differs", CLOSE: words.get(CLOSE, "close")},
        default=pl.col(col),
        return_dtype=pl.String,
    )
    return pl.when(pl.col(col).is_not_null()).then(pl.format(f"{label} {{}}", text))


def explanations(df: pl.DataFrame) -> pl.Series:
    """One explanation string per row of a scored pair frame."""
    dob = (
        pl.when(pl.col("dob") == PARTIAL)
        .then(pl.format("dob agrees on {}", _PRECISION))
        .when(pl.col("dob").is_not_null())
        .then(pl.format("dob {}", pl.col("dob")))
    )
    address = pl.when(pl.col("address").is_not_null()).then(
        pl.format("address {}", pl.col("address").round(2))
    )
    parts = [
        _name(),
        dob,
        _level("sex", "sex"),
        _level("nat", "nationality"),
        _level("doc", "document number", {CLOSE: "one character off"}),
        _level("phone", "phone"),
        _level("email", "email"),
        address,
        _level("postcode", "postcode"),
    ]
    return df.select(
        pl.concat_str(parts, separator=", ", ignore_nulls=True).alias("explanation")
    ).get_column("explanation")
