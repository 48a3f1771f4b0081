"""Synthetic travellers and watchlist for the scale test.

Names are drawn from Zipf-distributed vocabularies (a few very common tokens, a long tail of
rare ones, as in real surname tables), with the world's most common tokens from the engine's
lexicon at the head. A share of travellers are planted copies of watchlist persons with the
errors the engine must tolerate: a typo, reversed name order, an initial, day/month swapped,
a missing day, and names re-written in Cyrillic; a share of the watchlist itself is written
in Cyrillic (`native_share`), so Latin-script travellers meet native-script entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from tiaki.matching.lexicon import COMMON_NAME_TOKENS

_ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "ch",
    "dr",
    "gr",
    "kh",
    "kr",
    "sh",
    "st",
    "tr",
    "zh",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ei", "ia", "ou"]
_CODAS = ["", "", "", "n", "r", "l", "s", "m", "k", "v", "sh", "nd"]
_NATIONS = [
    "NZL",
    "AUS",
    "GBR",
    "USA",
    "CHN",
    "IND",
    "PHL",
    "VNM",
    "THA",
    "IDN",
    "MYS",
    "FJI",
    "TON",
    "WSM",
    "RUS",
    "UKR",
    "ROU",
    "NGA",
    "ETH",
    "PAK",
    "BGD",
    "IRN",
    "IRQ",
    "SYR",
    "AFG",
    "MMR",
    "KHM",
    "LAO",
    "NPL",
    "LKA",
    "BRA",
    "COL",
    "MEX",
    "PER",
]
# How a Russian clerk would write these names (GOST 7.79 read backwards), digraphs first.
_DIGRAPHS = [
    ("shch", "щ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ya", "я"),
    ("yu", "ю"),
    ("ai", "ай"),
    ("ei", "ей"),
    ("ia", "ия"),
    ("ou", "оу"),
]
_LETTERS = str.maketrans("abvgdezijklmnoprstufhcy", "абвгдезийклмнопрстуфхкы")


@dataclass(frozen=True)
class Synthetic:
    watchlist: pl.DataFrame
    travellers: pl.DataFrame
    planted: pl.DataFrame  # watchlist_id, traveller_id of true matches


def _vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        n = rng.integers(2, 4)
        word = (
            "".join(
                _ONSETS[rng.integers(len(_ONSETS))] + _VOWELS[rng.integers(len(_VOWELS))]
                for _ in range(n)
            )
            + _CODAS[rng.integers(len(_CODAS))]
        )
        words.add(word)
    return [w.capitalize() for w in sorted(words)]


def _zipf_choice(rng: np.random.Generator, vocab: list[str], n: int, s: float) -> np.ndarray:
    ranks = np.arange(1, len(vocab) + 1, dtype=np.float64)
    p = ranks**-s
    p /= p.sum()
    return np.asarray(vocab, dtype=object)[rng.choice(len(vocab), size=n, p=p)]


def _people(
    rng: np.random.Generator, n: int, given: list[str], family: list[str], prefix: str
) -> pl.DataFrame:
    dob = np.datetime64("1940-01-01") + rng.integers(0, 65 * 365, n).astype("timedelta64[D]")
    return pl.DataFrame(
        {
            "id": [f"{prefix}{i}" for i in range(n)],
            "given_name": _zipf_choice(rng, given, n, 1.0).tolist(),
            "family_name": _zipf_choice(rng, family, n, 0.9).tolist(),
            "date_of_birth": np.datetime_as_string(dob).tolist(),
            "sex": rng.choice(["M", "F"], n).tolist(),
            "nationality": _zipf_choice(rng, _NATIONS, n, 1.0).tolist(),
            "document_number": [f"{v:09d}" for v in rng.integers(0, 10**9, n)],
        }
    )


def _typo(word: str, rng: np.random.Generator) -> str:
    i = int(rng.integers(1, max(len(word) - 1, 2)))
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + "x" + word[i:]


def _cyrillic(name: str) -> str:
    out = name.lower()
    for latin, cyr in _DIGRAPHS:
        out = out.replace(latin, cyr)
    return out.translate(_LETTERS).capitalize()


def _perturb(row: dict[str, str], kind: int, rng: np.random.Generator) -> dict[str, str | None]:
    out: dict[str, str | None] = dict(row)
    given, family = row["given_name"], row["family_name"]
    y, m, d = row["date_of_birth"].split("-")
    out["document_number"] = None  # a different passport in most cases
    if kind == 0:
        out["family_name"] = _typo(family, rng)
    elif kind == 1:
        out["given_name"], out["family_name"] = family, given
    elif kind == 2:
        out["given_name"] = given[0]
    elif kind == 3:
        out["date_of_birth"] = f"{y}-{d}-{m}" if int(d) <= 12 else f"{y}-{m}"
    elif kind == 4:
        out["given_name"] = _cyrillic(given)
        out["family_name"] = _cyrillic(family)
    else:
        out["document_number"] = row["document_number"]
        out["given_name"] = _typo(given, rng)
    return out


def _native(
    watch: pl.DataFrame, share: float, rng: np.random.Generator, keep: set[int] | None = None
) -> pl.DataFrame:
    """Write a share of the watchlist's names in Cyrillic, as a list compiled abroad would
    (rows in `keep`, already written in another script, stay as they are)."""
    mask = rng.random(watch.height) < share
    given, family = watch["given_name"].to_list(), watch["family_name"].to_list()
    for i in np.flatnonzero(mask):
        if keep and int(i) in keep:
            continue
        given[i], family[i] = _cyrillic(given[i]), _cyrillic(family[i])
    return watch.with_columns(given_name=pl.Series(given), family_name=pl.Series(family))


def _script_mix(
    watch: pl.DataFrame, share: float, rng: np.random.Generator
) -> tuple[pl.DataFrame, dict[int, tuple[str, str]]]:
    """Write a share of the watchlist in the multi-script benchmark's ten scripts (native
    spelling), and return for each such row a romanisation a passport would carry."""
    from bench.multiscript import NAMES

    scripts = list(NAMES)
    given, family = watch["given_name"].to_list(), watch["family_name"].to_list()
    romanised: dict[int, tuple[str, str]] = {}
    for i in np.flatnonzero(rng.random(watch.height) < share):
        lists = NAMES[scripts[int(rng.integers(len(scripts)))]]
        f = lists["family"][int(rng.integers(len(lists["family"])))]
        g = lists["given"][int(rng.integers(len(lists["given"])))]
        given[i], family[i] = g[0], f[0]
        romanised[int(i)] = (g[1][int(rng.integers(len(g[1])))], f[1][int(rng.integers(len(f[1])))])
    return watch.with_columns(given_name=pl.Series(given), family_name=pl.Series(family)), romanised


def generate(
    n_watchlist: int,
    n_travellers: int,
    planted: int,
    seed: int = 7,
    native_share: float = 0.2,
    script_share: float = 0.0,
) -> Synthetic:
    """`script_share` of the watchlist is written in the ten scripts of `bench.multiscript`
    (their planted copies in a romanisation), `native_share` in Cyrillic."""
    rng = np.random.default_rng(seed)
    head = [t.capitalize() for t in COMMON_NAME_TOKENS]
    given = head[:60] + _vocabulary(rng, 20_000)
    family = head[60:] + _vocabulary(rng, 120_000)
    watch = _people(rng, n_watchlist, given, family, "W")
    romanised: dict[int, tuple[str, str]] = {}
    if script_share:
        watch, romanised = _script_mix(watch, script_share, rng)
    travellers = _people(rng, n_travellers - planted, given, family, "T")
    picks = rng.choice(n_watchlist, size=planted, replace=False)
    rows = watch[picks].to_dicts()
    for row, pick in zip(rows, picks, strict=True):
        if int(pick) in romanised:
            row["given_name"], row["family_name"] = romanised[int(pick)]
    copies = [_perturb(r, i % 6, rng) for i, r in enumerate(rows)]
    plant = pl.DataFrame(copies, schema=travellers.schema).with_columns(
        id=pl.format("P{}", pl.int_range(0, pl.len()))
    )
    truth = pl.DataFrame({"watchlist_id": [r["id"] for r in rows], "traveller_id": plant["id"]})
    order = rng.permutation(n_travellers)
    all_travellers = pl.concat([travellers, plant])[order]
    return Synthetic(_native(watch, native_share, rng, set(romanised)), all_travellers, truth)


def write(data: Synthetic, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    w, t = folder / "watchlist.csv", folder / "travellers.csv"
    data.watchlist.write_csv(w)
    data.travellers.write_csv(t)
    return w, t
