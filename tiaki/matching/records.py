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
from tiaki.screening.parsers._iso3166 import ALPHA2_TO_ALPHA3, ICAO_EXTRA

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
# ISO 8601 calendar dates, extended (1980-05-03) or basic (19800503), with the day or the
# month and day left out; "00" is the ICAO 9303 convention for an unknown month or day.
_DATE_RE = r"^(\d{4})(?:[-/.]?(\d{2})(?:[-/.]?(\d{2}))?)?$"
_DATE_PY = re.compile(_DATE_RE)
# Two- or three-letter country codes (ISO 3166-1 / ICAO 9303); anything else is kept as text.
_COUNTRY_RE = r"^[A-Za-z]{2,3}$"
_COUNTRY_PY = re.compile(_COUNTRY_RE)
YEAR_MIN, YEAR_MAX = 1800, 2100
# Fields whose values must parse, with the words used in the run's summary.
CHECKED = {
    "date_of_birth": ("dates of birth", "YYYY, YYYY-MM or YYYY-MM-DD"),
    "nationality": ("nationalities", "a 2- or 3-letter country code"),
    "document_country": ("document countries", "a 2- or 3-letter country code"),
}

_SINGULAR = {"date_of_birth": "date of birth", "nationality": "nationality",
             "document_country": "document country"}  # fmt: skip


class MatchInputError(ValueError):
    """Bad input: the message names the source, the line and the field."""


def _line(offset: int, row: int) -> int:
    # Line 1 is the header; data row 0 is on line 2.
    return offset + row + 2


def date_parts(dob: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Year, month and day of a date column (null where unknown or where it does not parse)."""
    y = dob.str.extract(_DATE_RE, 1).cast(pl.Int32)
    m = dob.str.extract(_DATE_RE, 2).cast(pl.Int32)
    d = dob.str.extract(_DATE_RE, 3).cast(pl.Int32)
    ok = y.is_between(YEAR_MIN, YEAR_MAX) & m.fill_null(0).is_between(0, 12)
    ok = ok & d.fill_null(0).is_between(0, 31)
    return (
        pl.when(ok).then(y),
        pl.when(ok & (m != 0)).then(m),
        pl.when(ok & (m != 0) & (d != 0)).then(d),
    )


def date_parts_one(dob: str | None) -> tuple[int | None, int | None, int | None]:
    """`date_parts` for one value (the single-record path)."""
    found = _DATE_PY.fullmatch(dob) if dob is not None else None
    if found is None:
        return None, None, None
    y = int(found.group(1))
    m = int(found.group(2)) if found.group(2) else 0
    d = int(found.group(3)) if found.group(3) else 0
    if not (YEAR_MIN <= y <= YEAR_MAX and 0 <= m <= 12 and 0 <= d <= 31):
        return None, None, None
    return y, (m or None), ((d or None) if m else None)


def _unparsed(df: pl.DataFrame) -> dict[str, pl.Series]:
    """Per checked field, a boolean Series: present but does not parse."""
    dob = pl.col("date_of_birth")
    year = date_parts(dob)[0]
    out = df.select(
        date_of_birth=dob.is_not_null() & year.is_null(),
        nationality=pl.col("nationality").is_not_null()
        & ~pl.col("nationality").str.contains(_COUNTRY_RE),
        document_country=pl.col("document_country").is_not_null()
        & ~pl.col("document_country").str.contains(_COUNTRY_RE),
    )
    return {c: out[c] for c in CHECKED}


def unparsed_counts(df: pl.DataFrame) -> dict[str, int]:
    """How many values of each checked field did not parse (they are compared as text)."""
    return {field: int(bad.sum()) for field, bad in _unparsed(df).items()}


def summary(counts: dict[str, int]) -> list[str]:
    """The run summary's lines: "64 dates of birth did not parse; compared as text"."""
    return [
        f"{n} {CHECKED[f][0] if n != 1 else _SINGULAR[f]} did not parse; compared as text"
        for f, n in counts.items()
        if n
    ]


def _column(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").lower())


def validate(
    df: pl.DataFrame, source: str = "input", offset: int = 0, strict: bool = False
) -> pl.DataFrame:
    """Check the contract and return the frame with every contract column present, as strings.

    `offset` is the index of the frame's first data row in its file, so that a chunk reports
    the line of the whole file. Unknown columns are ignored (exports carry extra fields).
    A value that does not parse (a date of birth, a country code) is data, not an error: it
    is kept as written and compared as text. With `strict` it is refused, naming line and field.
    """
    # Headers as people write them ("ID", "Date of birth", " full-name") name the same columns.
    df = df.rename({c: _column(c) for c in df.columns if _column(c) in FIELDS and c != _column(c)})
    # A blank line (often the last of a file saved on Windows) reads as a row of nulls. It is
    # no record, and no reason to refuse the file; it is dropped after the checks, so the
    # lines they name stay the file's own.
    blank = df.select(
        pl.all_horizontal(pl.col(c).cast(pl.String).str.strip_chars().fill_null("") == ""
                          for c in df.columns).alias("blank")
    )["blank"] if df.columns else pl.Series("blank", [], dtype=pl.Boolean)
    if "id" not in df.columns:
        found = ", ".join(df.columns) or "none"
        raise MatchInputError(f"{source}: missing required column 'id' (columns found: {found})")
    df = df.with_columns(
        [pl.col(c).cast(pl.String).str.strip_chars() for c in FIELDS if c in df.columns]
        + [pl.lit(None, dtype=pl.String).alias(c) for c in FIELDS if c not in df.columns]
    ).select(FIELDS)
    df = df.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in FIELDS)
    bad_id = (df["id"].is_null() & ~blank).arg_true()
    if len(bad_id):
        raise MatchInputError(f"{source} line {_line(offset, bad_id[0])}, field id: empty id")
    if strict:
        for field, bad in _unparsed(df).items():
            rows = bad.arg_true()
            if len(rows):
                row = rows[0]
                raise MatchInputError(
                    f"{source} line {_line(offset, row)}, field {field}: {df[field][row]!r} "
                    f"does not parse (expected {CHECKED[field][1]})"
                )
    return df.filter(~blank) if blank.any() else df


def validate_record(
    record: dict[str, str | None], source: str = "record", strict: bool = False
) -> pl.DataFrame:
    """`validate` for one record held in a dict, without Polars' per-query overhead."""
    return pl.DataFrame(
        [clean_record(record, source, strict)], schema=dict.fromkeys(FIELDS, pl.String)
    )


def clean_record(
    record: dict[str, str | None], source: str = "record", strict: bool = False
) -> dict[str, str | None]:
    """`validate_record` as a dict: every contract field, stripped, empty values None."""
    row = {
        f: (None if record.get(f) in (None, "") else str(record[f]).strip() or None) for f in FIELDS
    }
    if row["id"] is None:
        raise MatchInputError(f"{source}, field id: empty id")
    if strict:
        for field, (_, expected) in CHECKED.items():
            value = row[field]
            if value is None:
                continue
            ok = (
                date_parts_one(value)[0] is not None
                if field == "date_of_birth"
                else _COUNTRY_PY.fullmatch(value) is not None
            )
            if not ok:
                raise MatchInputError(
                    f"{source}, field {field}: {value!r} does not parse (expected {expected})"
                )
    return row


def separator(path: str | Path) -> str:
    """The file's field separator: a comma, or the semicolon or tab a header uses instead
    (spreadsheets in many locales export CSV with ";", and some systems write tab-separated
    files); read from the header line only, so a comma inside a name cannot mislead it."""
    with open(path, "rb") as fh:
        header = fh.readline().decode("utf-8", errors="replace")
    if "," in header:
        return ","
    for sep in (";", "\t", "|"):
        if sep in header:
            return sep
    return ","


def _locate(path: str | Path) -> str:
    """The first line of a CSV that cannot be read: bad encoding or the wrong number of fields."""
    import csv

    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return f"line {number}: not UTF-8 text (byte {exc.start + 1})"
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter=separator(path))
        header = next(reader, None)
        if header is None:
            return "empty file"
        for row in reader:
            if row and len(row) != len(header):
                return (
                    f"line {reader.line_num}: {len(row)} fields where the header has "
                    f"{len(header)}"
                )
    return "unreadable CSV"


def _read_error(path: str | Path, exc: Exception) -> MatchInputError:
    return MatchInputError(f"{path}: cannot read CSV, {_locate(path)} ({exc})")


def read_csv(path: str | Path, strict: bool = False) -> pl.DataFrame:
    """Read a whole contract CSV (every value as text) and validate it."""
    try:
        df = pl.read_csv(path, infer_schema=False, encoding="utf8", separator=separator(path))
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise _read_error(path, exc) from exc
    return validate(df, str(path), strict=strict)


def iter_csv(
    path: str | Path, chunk_size: int, strict: bool = False
) -> Iterator[tuple[int, pl.DataFrame]]:
    """Validated chunks of exactly `chunk_size` rows (the last may be shorter), with offsets."""
    try:
        batches = pl.scan_csv(path, infer_schema=False, separator=separator(path)).collect_batches(
            chunk_size=chunk_size
        )
        pending: list[pl.DataFrame] = []
        size = offset = 0
        for batch in batches:
            pending.append(batch)
            size += batch.height
            while size >= chunk_size:
                whole = pl.concat(pending)
                chunk, rest = whole.head(chunk_size), whole.slice(chunk_size)
                yield offset, validate(chunk, str(path), offset, strict)
                offset += chunk_size
                pending, size = [rest], rest.height
        if size:
            yield offset, validate(pl.concat(pending), str(path), offset, strict)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise _read_error(path, exc) from exc


def _alnum_upper(col: str) -> pl.Expr:
    return pl.col(col).str.to_uppercase().str.replace_all(r"[^0-9A-Z]", "").replace("", None)


# A country written as ISO 3166-1 alpha-2 ("NZ") or an ICAO Doc 9303 part 3 code ("D" for
# Germany in MRZs) is the alpha-3 code a passport's MRZ carries: files mix them, and "NZ" against
# "NZL" is the same nationality. One table for both paths (`country_code`, `_country`).
# UK and EL are ISO 3166-1's "exceptionally reserved" alpha-2 codes for the United Kingdom and
# Greece (the EU's own usage), common in files though GB and GR are the assigned codes.
COUNTRY_ALIASES: dict[str, str] = {**ALPHA2_TO_ALPHA3, **ICAO_EXTRA, "UK": "GBR", "EL": "GRC"}


def country_code(value: str | None) -> str | None:
    """A cleaned country code (letters and digits, upper case) as alpha-3 when it is one."""
    return COUNTRY_ALIASES.get(value, value) if value is not None else None


def _country(col: str) -> pl.Expr:
    return _alnum_upper(col).replace(COUNTRY_ALIASES)


def full_names(df: pl.DataFrame) -> pl.Series:
    """`full_name`, or given and family names joined when it is empty."""
    joined = pl.concat_str(
        [pl.col("given_name").fill_null(""), pl.col("family_name").fill_null("")], separator=" "
    ).str.strip_chars()
    return df.select(
        pl.coalesce(pl.col("full_name"), pl.when(joined != "").then(joined)).alias("name")
    ).get_column("name")


def name_part(df: pl.DataFrame) -> pl.Series:
    """Which one name field the name comes from: "given" or "family" when the record has no
    `full_name` and only that one of the two, else null (see `engine._compare_names`)."""
    given = pl.col("given_name").str.strip_chars().fill_null("") != ""
    family = pl.col("family_name").str.strip_chars().fill_null("") != ""
    part = (
        pl.when(pl.col("full_name").is_not_null())
        .then(None)
        .when(given & ~family)
        .then(pl.lit("given"))
        .when(family & ~given)
        .then(pl.lit("family"))
    )
    return df.select(part.alias("part")).get_column("part")


def normalise(df: pl.DataFrame, stats: TokenStats | None = None) -> pl.DataFrame:
    """Validated contract frame -> comparison-ready columns (one row per record, same order)."""
    raw_name = full_names(df)
    name_cols = names.prepare(raw_name, stats)
    y, m, d = date_parts(pl.col("date_of_birth"))
    address = transliterate(df["address"]).str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ")
    sex = df["sex"].str.to_uppercase().str.slice(0, 1)
    # A date that does not parse is compared as written: its letters and digits, upper case.
    dob_text = pl.when(y.is_null()).then(_alnum_upper("date_of_birth"))
    out = df.select(
        "id",
        pl.lit(raw_name).alias("name"),
        pl.lit(name_part(df)).alias("part"),
        y.cast(pl.Int16).alias("dob_y"),
        m.cast(pl.Int8).alias("dob_m"),
        d.cast(pl.Int8).alias("dob_d"),
        dob_text.alias("dob_text"),
        pl.when(sex.is_in(["M", "F"])).then(sex).alias("sex"),
        _country("nationality").alias("nat"),
        _alnum_upper("document_number").alias("doc"),
        _country("document_country").alias("doc_country"),
        pl.col("phone").str.replace_all(r"\D", "").str.slice(-9).replace("", None).alias("phone"),
        pl.col("email").str.to_lowercase().str.strip_chars().alias("email"),
        pl.lit(address).str.strip_chars().replace("", None).alias("address"),
        _alnum_upper("postcode").alias("postcode"),
    )
    return pl.concat([out, name_cols], how="horizontal")
