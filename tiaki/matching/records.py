"""Reading, validating and normalising person records (the CSV contract of issue "Prevent at
the border", part 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from tiaki.matching import names
from tiaki.matching.normalize import transliterate
from tiaki.matching.stats import TokenStats

FIELDS = [
    "id",
    "full_name",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "nationality",
    "document_number",
    "document_country",
    "phone",
    "email",
    "address",
    "postcode",
]
_DATE_RE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class MatchInputError(ValueError):
    """Bad input: the message names the source, the line and the field."""


def _line(offset: int, row: int) -> int:
    # Line 1 is the header; data row 0 is on line 2.
    return offset + row + 2


def validate(df: pl.DataFrame, source: str = "input", offset: int = 0) -> pl.DataFrame:
    """Check the contract and return the frame with every contract column present, as strings.

    `offset` is the index of the frame's first data row in its file, so that a chunk reports
    the line of the whole file. Unknown columns are ignored (exports carry extra fields).
    """
    if "id" not in df.columns:
        found = ", ".join(df.columns) or "none"
        raise MatchInputError(f"{source}: missing required column 'id' (columns found: {found})")
    df = df.with_columns(
        [pl.col(c).cast(pl.String).str.strip_chars() for c in FIELDS if c in df.columns]
        + [pl.lit(None, dtype=pl.String).alias(c) for c in FIELDS if c not in df.columns]
    ).select(FIELDS)
    df = df.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in FIELDS)
    bad_id = df["id"].is_null().arg_true()
    if len(bad_id):
        raise MatchInputError(f"{source} line {_line(offset, bad_id[0])}, field id: empty id")
    dob = df["date_of_birth"]
    bad = (dob.is_not_null() & ~dob.str.contains(_DATE_RE)).arg_true()
    if len(bad) == 0:
        parts = dob.str.split("-")
        month = parts.list.get(1, null_on_oob=True).cast(pl.Int32)
        day = parts.list.get(2, null_on_oob=True).cast(pl.Int32)
        # "00" is the ICAO 9303 convention for an unknown month or day; anything else must exist.
        bad = (((month < 0) | (month > 12)) | ((day < 0) | (day > 31))).fill_null(False).arg_true()
    if len(bad):
        row = bad[0]
        raise MatchInputError(
            f"{source} line {_line(offset, row)}, field date_of_birth: {dob[row]!r} is not a date "
            "(expected YYYY, YYYY-MM or YYYY-MM-DD)"
        )
    return df


def validate_record(record: dict[str, str | None], source: str = "record") -> pl.DataFrame:
    """`validate` for one record held in a dict, without Polars' per-query overhead."""
    return pl.DataFrame([clean_record(record, source)], schema=dict.fromkeys(FIELDS, pl.String))


def clean_record(record: dict[str, str | None], source: str = "record") -> dict[str, str | None]:
    """`validate_record` as a dict: every contract field, stripped, empty values None."""
    row = {
        f: (None if record.get(f) in (None, "") else str(record[f]).strip() or None) for f in FIELDS
    }
    if row["id"] is None:
        raise MatchInputError(f"{source}, field id: empty id")
    dob = row["date_of_birth"]
    if dob is not None:
        parts = dob.split("-")
        ok = (
            re.fullmatch(_DATE_RE, dob) is not None
            and (len(parts) < 2 or int(parts[1]) <= 12)
            and (len(parts) < 3 or int(parts[2]) <= 31)
        )
        if not ok:
            raise MatchInputError(
                f"{source}, field date_of_birth: {dob!r} is not a date "
                "(expected YYYY, YYYY-MM or YYYY-MM-DD)"
            )
    return row


def read_csv(path: str | Path) -> pl.DataFrame:
    """Read a whole contract CSV (every value as text) and validate it."""
    try:
        df = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise MatchInputError(f"{path}: cannot read CSV: {exc}") from exc
    return validate(df, str(path))


def iter_csv(path: str | Path, chunk_size: int) -> Iterator[tuple[int, pl.DataFrame]]:
    """Validated chunks of exactly `chunk_size` rows (the last may be shorter), with offsets."""
    try:
        batches = pl.scan_csv(path, infer_schema=False).collect_batches(chunk_size=chunk_size)
        pending: list[pl.DataFrame] = []
        size = offset = 0
        for batch in batches:
            pending.append(batch)
            size += batch.height
            while size >= chunk_size:
                whole = pl.concat(pending)
                chunk, rest = whole.head(chunk_size), whole.slice(chunk_size)
                yield offset, validate(chunk, str(path), offset)
                offset += chunk_size
                pending, size = [rest], rest.height
        if size:
            yield offset, validate(pl.concat(pending), str(path), offset)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise MatchInputError(f"{path}: cannot read CSV: {exc}") from exc


def _alnum_upper(col: str) -> pl.Expr:
    return pl.col(col).str.to_uppercase().str.replace_all(r"[^0-9A-Z]", "").replace("", None)


def full_names(df: pl.DataFrame) -> pl.Series:
    """`full_name`, or given and family names joined when it is empty."""
    joined = pl.concat_str(
        [pl.col("given_name").fill_null(""), pl.col("family_name").fill_null("")], separator=" "
    ).str.strip_chars()
    return df.select(
        pl.coalesce(pl.col("full_name"), pl.when(joined != "").then(joined)).alias("name")
    ).get_column("name")


def normalise(df: pl.DataFrame, stats: TokenStats | None = None) -> pl.DataFrame:
    """Validated contract frame -> comparison-ready columns (one row per record, same order)."""
    raw_name = full_names(df)
    name_cols = names.prepare(raw_name, stats)
    parts = df["date_of_birth"].str.split("-")
    address = transliterate(df["address"]).str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ")
    sex = df["sex"].str.to_uppercase().str.slice(0, 1)
    out = df.select(
        "id",
        pl.lit(raw_name).alias("name"),
        pl.lit(parts.list.get(0, null_on_oob=True).cast(pl.Int16)).alias("dob_y"),
        pl.lit(parts.list.get(1, null_on_oob=True).cast(pl.Int8)).replace(0, None).alias("dob_m"),
        pl.lit(parts.list.get(2, null_on_oob=True).cast(pl.Int8)).replace(0, None).alias("dob_d"),
        pl.when(sex.is_in(["M", "F"])).then(sex).alias("sex"),
        _alnum_upper("nationality").alias("nat"),
        _alnum_upper("document_number").alias("doc"),
        _alnum_upper("document_country").alias("doc_country"),
        pl.col("phone").str.replace_all(r"\D", "").str.slice(-9).replace("", None).alias("phone"),
        pl.col("email").str.to_lowercase().str.strip_chars().alias("email"),
        pl.lit(address).str.strip_chars().replace("", None).alias("address"),
        _alnum_upper("postcode").alias("postcode"),
    )
    return pl.concat([out, name_cols], how="horizontal")
