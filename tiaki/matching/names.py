"""Vectorised comparison of names, token by token.

Each name is a bag of tokens with weights in bits (see `stats`). For a candidate pair every
token of one name is scored against every token of the other with RapidFuzz (`process.cpdist`
over all token pairs of all candidate pairs in one call): OSA (Damerau) similarity, raised for
tokens with the same phonetic key (`normalize.phonetic_expr`). Tokens are then aligned one to
one, and the score is the information-weighted share of both names that found a partner: a
symmetric Monge-Elkan measure (Monge & Elkan, "The field matching problem", KDD 1996), which
tolerates any name order. Rules on top make it fit people's names:

* initials: a one-letter token agrees with any token that starts with that letter, at 0.9,
  but a name that agrees only through initials is capped below any threshold ("N.N." is not
  "Nursultan Nazarbayev");
* extra versus conflicting tokens: a token with no partner while the other name is fully
  covered is extra information (a patronymic, a second given name) and costs little; tokens
  without partners on *both* sides contradict each other ("Sergey Viktorovich Lavrov" vs
  "Sergey Ivanovich Lavrov") and count in full;
* joined or split words ("FridrichBuchenberg", "Patr ushev") are caught by comparing the names
  with spaces removed, in written and in sorted order.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA

from tiaki.matching import lexicon, romanise
from tiaki.matching.normalize import Kind, name_token_forms, phonetic_key, phonetic_keys_of
from tiaki.matching.stats import TokenStats

# A token pair below this similarity is "no partner". 0.7 lets one edit in a 4-letter token
# through ("Pulin"/"Putin" 0.8) but not a different name of similar shape ("Daniel"/"Donald").
TOKEN_MATCH = 0.7
# Default threshold for "same name" when names are compared on their own (no other fields).
NAME_MATCH = 0.85
INITIAL_SIM = 0.9
# A listed nickname of a given name ("Ted" for "Theodore") is that name in another form, as an
# initial is: it agrees at the same similarity (decision 0021).
NICKNAME_SIM = INITIAL_SIM
# Tokens with the same phonetic key get at least PHONETIC_BASE + (1 - PHONETIC_BASE) * edit sim.
PHONETIC_BASE = 0.6
# Weight kept by an unpartnered token when the other name is fully covered.
EXTRA_FACTOR = 0.3
# An organisation's registered name is one fixed string: a word that one side has and the other
# lacks names another body (a subsidiary, branch or fund series), so it counts in full. People
# write more or fewer of their given names and patronymics; organisations do not.
EXTRA_FACTOR_ORG = 1.0
# Names that agree only through initials never score above this.
INITIALS_ONLY_CAP = 0.5
# Minimum spaceless similarity for the joined-words rule to apply.
COMPACT_MIN = 0.88
# Minimum cost, in bits, of each pair of contradicting tokens.
CONFLICT_MIN_BITS = 8.0
# Similarities closer than this are equal: RapidFuzz returns single-precision floats on one
# path and Python doubles on the other, and "better than" must not depend on the last bit.
SIM_EPSILON = 1e-6
# Highest similarity of two names with contradicting tokens (below NAME_MATCH).
CONFLICT_CAP = 0.8
# Rounds of the greedy one-to-one alignment; names rarely have more than 4 ambiguous tokens.
MAX_ROUNDS = 4

# "X bin Y": Y is X's father (the nasab chain of Arabic names). A name whose father is the
# other's son ("Salman bin Muhammad" vs "Muhammad bin Salman") is another person.
LINEAGE_PARTICLES = ("bin", "bint")

# Initials run together ("JC" for "Jean-Claude", "JRR") and acronyms ("PLA" for "People's
# Liberation Army", "US" for "United States"): a short token whose letters are the first
# letters of consecutive words of the other name is read as those initials. A person's run of
# initials has no vowel ("Al", "Li", "Bo" are names); y counts as a vowel. An acronym is any
# run of 2 to 5 letters.
_RUN_PERSON = re.compile(r"^[b-df-hj-np-tv-xz]{2,4}$")
_RUN_ORG = re.compile(r"^[a-z]{2,5}$")
_RUN_SKIP_ORG = lexicon.ORG_STOPWORDS | lexicon.LEGAL_FORMS

_CJK_RE = r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]"


def prepare(raw: pl.Series, stats: TokenStats | None = None, kind: Kind = "person") -> pl.DataFrame:
    """Tokens, phonetic keys, weights and spaceless forms for a column of raw names."""
    tok, wt = name_token_forms(raw, kind)
    pk, wpk = phonetic_keys_of(tok, wt)
    w = (stats or TokenStats.empty()).bits(tok, pk)
    raw = raw.cast(pl.String).fill_null("")
    cjk = pl.when(raw.str.contains(_CJK_RE)).then(raw.str.replace_all(r"[\s\u00b7\u30fb]", ""))
    return pl.DataFrame({"tok": tok, "wt": wt, "pk": pk, "wpk": wpk, "w": w, "raw": raw}).select(
        "tok",
        "wt",
        "pk",
        "wpk",
        "w",
        wsum=pl.col("w").list.sum(),
        compact=pl.col("tok").list.join(""),
        scompact=pl.col("tok").list.sort().list.join(""),
        # The last token moved to the front: the family name written first on one side and
        # last on the other while the given name is split on one side only ("Xiao Ming Huang"
        # and 黄晓明 -> "huang xiaoming"), which neither written nor sorted order catches.
        rcompact=pl.concat_list(
            pl.col("tok").list.slice(-1, 1),
            pl.col("tok").list.slice(0, pl.col("tok").list.len() - 1),
        ).list.join(""),
        cjk=cjk,
        # The spaceless forms as written, before romanisation folding (see `token_similarities`).
        wcompact=pl.col("wt").list.join(""),
        wscompact=pl.col("wt").list.sort().list.join(""),
    )


@lru_cache(maxsize=262_144)
def _run_like(tok: str, org: bool) -> bool:
    """Could `tok` be a run of initials (`initials_runs`)? Cached: names repeat."""
    if org:
        return bool(_RUN_ORG.match(tok)) and tok not in _RUN_SKIP_ORG
    return bool(_RUN_PERSON.match(tok)) and tok not in lexicon.PARTICLES


@lru_cache(maxsize=262_144)
def run_like_person(tok: str) -> bool:
    """`_run_like` for a person's token, one argument (a fast pre-check for `scalar`)."""
    return _run_like(tok, False)


def initials_runs(a: list[str], b: list[str], kind: Kind = "person") -> list[tuple[int, str]]:
    """Tokens of `a` that are the initials of consecutive words of `b`, as (position in `a`,
    "JC is the initials of Jean Claude"). Particles, an organisation's legal forms and its
    small words ("of", "the") are neither initials nor words here; a token that `b` also
    has is itself. Both paths call this one function (`split_initials`, `scalar`)."""
    org = kind == "org"
    runs = [(i, t) for i, t in enumerate(a) if _run_like(t, org) and t not in b]
    if not runs:
        return []
    skip = _RUN_SKIP_ORG if org else lexicon.PARTICLES
    words = [t for t in b if t not in skip]
    heads = "".join(t[0] for t in words)
    out: list[tuple[int, str]] = []
    for i, t in runs:
        at = heads.find(t)
        if at < 0:
            continue
        full = " ".join(w.title() for w in words[at : at + len(t)])
        out.append((i, f"{t.upper()} is the initials of {full}"))
    return out


def split_runs(side: dict[str, Any], runs: list[tuple[int, str]]) -> dict[str, Any]:
    """One side's token lists with each run of initials split into its letters (`tok`, `wt`,
    `pk`, `wpk` and `w`; each letter carries an equal share of the run's bits) and `acr`
    marking them."""
    at = {i for i, _ in runs}
    out: dict[str, list[Any]] = {k: [] for k in ("tok", "wt", "pk", "wpk", "w", "acr")}
    for i, t in enumerate(side["tok"]):
        if i in at:
            n = len(t)
            out["tok"].extend(t)
            out["wt"].extend(t)
            out["pk"].extend(t)
            out["wpk"].extend(t)
            out["w"].extend([side["w"][i] / n] * n)
            out["acr"].extend([True] * n)
        else:
            for k in ("tok", "wt", "pk", "wpk", "w"):
                out[k].append(side[k][i])
            out["acr"].append(False)
    return out


_SIDE_LISTS = ("tok", "wt", "pk", "wpk", "w")


def split_initials(pairs: pl.DataFrame, kind: Kind = "person") -> pl.DataFrame:
    """`pairs` with runs of initials split into letters on either side (`initials_runs`), an
    `l_acr`/`r_acr` flag per token and `runs`, the notes that say so ("" when none)."""
    run = _RUN_ORG if kind == "org" else _RUN_PERSON
    pattern = run.pattern
    maybe = pl.col("l_tok").list.eval(pl.element().str.contains(pattern)).list.any() | pl.col(
        "r_tok"
    ).list.eval(pl.element().str.contains(pattern)).list.any()
    flags = {
        f"{s}_acr": pl.col(f"{s}_tok").list.eval(pl.lit(False)) for s in ("l", "r")
    }
    pairs = pairs.with_columns(**flags, runs=pl.lit(""), _maybe=maybe.fill_null(False))
    cand = pairs.filter(pl.col("_maybe"))
    if cand.is_empty():
        return pairs.drop("_maybe")
    cols = [f"{s}_{c}" for s in ("l", "r") for c in (*_SIDE_LISTS, "acr")]
    rows = []
    for row in cand.select("pair", *cols).iter_rows(named=True):
        sides = {s: {c: row[f"{s}_{c}"] for c in _SIDE_LISTS} for s in ("l", "r")}
        lr = initials_runs(sides["l"]["tok"], sides["r"]["tok"], kind)
        rl = initials_runs(sides["r"]["tok"], sides["l"]["tok"], kind)
        if not lr and not rl:
            continue
        new = {"pair": row["pair"], "runs": "; ".join(n for _, n in (*lr, *rl))}
        for s, runs in (("l", lr), ("r", rl)):
            for c, v in split_runs(sides[s], runs).items():
                new[f"{s}_{c}"] = v
        rows.append(new)
    pairs = pairs.drop("_maybe")
    if not rows:
        return pairs
    schema = {c: pairs.schema[c] for c in ("pair", "runs", *cols)}
    fix = pl.DataFrame(rows, schema=schema)
    return pairs.update(fix, on="pair")


# One Mandarin syllable in Hanyu Pinyin or Wade-Giles spelling (apostrophes dropped, as
# passports drop them): an optional initial and a final.
_SYLLABLE = (
    r"(?:ch|hs|sh|ts|tz|zh|[bcdfghjklmnpqrstwxyz])?"
    r"(?:iang|iong|uang|iung|iao|ian|ien|ieh|ing|ang|eng|ong|ung|uai|uan|uei|ueh"
    r"|ai|an|ao|ei|en|ia|ie|ih|in|iu|ou|ua|ui|un|uo|ue|a|e|i|o|u)"
)
_SYLLABLE_RE = re.compile(_SYLLABLE)


@lru_cache(maxsize=65_536)
def _syllables_joined(x: str, y: str) -> str | None:
    """Two Mandarin syllables written apart ("Chin-ping", "chin ping"), folded as the one word
    that pinyin writes ("Jinping"; GB/T 16159-2012 writes a given name's syllables together,
    Wade-Giles joins them with a hyphen); None when either is not one syllable."""
    if not (_SYLLABLE_RE.fullmatch(x) and _SYLLABLE_RE.fullmatch(y)):
        return None
    folded = romanise.fold(x + y)
    return folded[0] if len(folded) == 1 else None


_Join = tuple[int, str, str, str | None]


@lru_cache(maxsize=65_536)
def _joins(tok: tuple[str, ...], wt: tuple[str, ...]) -> tuple[_Join, ...]:
    """Each pair of adjacent tokens of one name that could be a word written as two: (i,
    folded tokens put together, written tokens put together, the written pair folded as one
    Mandarin word or None). Cached: it depends on one name only, and names repeat."""
    return tuple(
        (i, tok[i] + tok[i + 1], wt[i] + wt[i + 1], _syllables_joined(wt[i], wt[i + 1]))
        for i in range(len(tok) - 1)
        if len(tok[i]) > 1 and len(tok[i + 1]) > 1
    )


def split_words(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[int, int]]:
    """A word of `b` written as two on side `a` ("Patr ushev" for Patrushev, "Chin-ping" for
    Jinping): positions (i in `a`, j in `b`) where `a`'s tokens i and i + 1 put together are
    `b`'s token j, which `a` lacks, and neither half is a token of `b`. Put together means
    folded or as written, and for two Mandarin syllables the pair folded as one word
    (`_syllables_joined`: a syllable's fold on its own, such as the surname "Chin" -> "chen",
    is not its fold inside a given name). Letters on their own (initials, an acronym's
    letters) are never halves. Both paths call this one function (`join_split_words`,
    `scalar`); decision 0023."""
    at, bt, bw = a["tok"], b["tok"], b["wt"]
    if len(at) < 2:
        return []
    out: list[tuple[int, int]] = []
    last = -1
    for i, joined, written, syl in _joins(tuple(at), tuple(a["wt"])):
        if i <= last or at[i] in bt or at[i + 1] in bt:
            continue
        for k, (t, w) in enumerate(zip(bt, bw, strict=True)):
            if (t in (joined, syl) or w == written) and t not in at:
                out.append((i, k))
                last = i + 1
                break
    return out


def split_notes(a: dict[str, Any], b: dict[str, Any], at: list[tuple[int, int]]) -> list[str]:
    """What the explanation says of each split word: "Patr Ushev is Patrushev in two words"."""
    return [
        f"{a['wt'][i].title()} {a['wt'][i + 1].title()} is {b['wt'][j].title()} in two words"
        for i, j in at
    ]


def join_split(a: dict[str, Any], b: dict[str, Any], at: list[tuple[int, int]]) -> dict[str, Any]:
    """Side `a`'s token lists (`tok`, `wt`, `pk`, `wpk`, `w`, `acr`) with each split word of
    `split_words` made one token again: it is `b`'s token, with `b`'s bits."""
    starts = dict(at)
    a = {**a, "acr": a.get("acr") or [False] * len(a["tok"])}
    out: dict[str, list[Any]] = {k: [] for k in (*_SIDE_LISTS, "acr")}
    i = 0
    while i < len(a["tok"]):
        j = starts.get(i)
        if j is None:
            for k in (*_SIDE_LISTS, "acr"):
                out[k].append(a[k][i])
            i += 1
            continue
        wt = a["wt"][i] + a["wt"][i + 1]
        out["tok"].append(b["tok"][j])
        out["wt"].append(wt)
        out["pk"].append(b["pk"][j])
        out["wpk"].append(b["wpk"][j] if wt == b["wt"][j] else phonetic_key(wt))
        out["w"].append(b["w"][j])
        out["acr"].append(False)
        i += 2
    return out


def _adjacent(col: str) -> pl.Expr:
    """Each token put together with the next one ("patr", "ushev" -> "patrushev")."""
    return pl.col(col).list.eval(pl.concat_str(pl.element(), pl.element().shift(-1)))


def join_split_words(pairs: pl.DataFrame) -> pl.DataFrame:
    """`pairs` with words split in two on either side made one again (`split_words`); the
    pairs where two adjacent tokens of one side put together are a token of the other side are
    found with list operations, and only those go through `split_words`."""
    hit = pl.lit(False)
    syl = f"^{_SYLLABLE}$"
    for s, o in (("l", "r"), ("r", "l")):
        for c in ("tok", "wt"):
            common = _adjacent(f"{s}_{c}").list.set_intersection(pl.col(f"{o}_{c}"))
            hit = hit | (common.list.len() > 0)
        # Two syllables in a row, which `split_words` folds as one word.
        both = pl.col(f"{s}_wt").list.eval(
            pl.element().str.contains(syl) & pl.element().shift(-1).str.contains(syl)
        )
        hit = hit | both.list.any()
    cand = pairs.filter(hit.fill_null(False))
    if cand.is_empty():
        return pairs
    cols = [f"{s}_{c}" for s in ("l", "r") for c in (*_SIDE_LISTS, "acr")]
    rows = []
    for row in cand.select("pair", "runs", *cols).iter_rows(named=True):
        sides = {s: {c: row[f"{s}_{c}"] for c in (*_SIDE_LISTS, "acr")} for s in ("l", "r")}
        lr = split_words(sides["l"], sides["r"])
        rl = split_words(sides["r"], sides["l"])
        if not lr and not rl:
            continue
        notes = [*split_notes(sides["l"], sides["r"], lr), *split_notes(sides["r"], sides["l"], rl)]
        runs = "; ".join(n for n in (row["runs"], *notes) if n)
        new: dict[str, Any] = {"pair": row["pair"], "runs": runs}
        left = join_split(sides["l"], sides["r"], lr) if lr else sides["l"]
        right = join_split(sides["r"], sides["l"], rl) if rl else sides["r"]
        for s, side in (("l", left), ("r", right)):
            for c in (*_SIDE_LISTS, "acr"):
                new[f"{s}_{c}"] = side[c]
        rows.append(new)
    if not rows:
        return pairs
    schema = {c: pairs.schema[c] for c in ("pair", "runs", *cols)}
    return pairs.update(pl.DataFrame(rows, schema=schema), on="pair")


def _side(pairs: pl.DataFrame, side: str) -> pl.DataFrame:
    cols = [f"{side}_tok", f"{side}_wt", f"{side}_pk", f"{side}_wpk", f"{side}_w", f"{side}_acr"]
    new = ["t", "wt", "k", "wk", "w", "acr"]
    df = pairs.select("pair", *cols).rename(dict(zip(cols, new, strict=True)))
    df = df.with_columns(i=pl.int_ranges(pl.col("t").list.len()))
    df = df.explode([*new, "i"]).drop_nulls("t")
    lineage = pl.col("t").is_in(LINEAGE_PARTICLES)
    return df.with_columns(
        # The token right after "bin" names the father; the one right before, the son.
        father=lineage.shift(1).over("pair").fill_null(False),
        son=lineage.shift(-1).over("pair").fill_null(False),
        # A letter on its own (an initial), not a digit.
        initial=pl.col("t").str.contains("^[a-z]$"),
    )


# Icelandic patronymics and matronymics are the father's or mother's given name in the
# genitive followed by -son or -dóttir ("Jónsdóttir", daughter of Jón; Iceland's Personal
# Names Act No. 45/1996): two such names share the suffix whoever the parents are, so they are
# compared on what names the parent. Written here as the cleaning leaves them (ASCII, -sson for
# Jón-s-son). Decision 0023.
PATRONYMIC_SUFFIXES = ("dottir", "sson")
_PATRONYMIC = f"(?:{'|'.join(PATRONYMIC_SUFFIXES)})$"
_PATRONYMIC_RE = re.compile(f"^(.{{2,}}?)({'|'.join(PATRONYMIC_SUFFIXES)})$")


@lru_cache(maxsize=65_536)
def patronymic_sim(lt: str, rt: str, lw: str, rw: str) -> float | None:
    """The edit similarity of two patronymics with the same suffix, on the parents' names
    (the better of the folded `lt`/`rt` and the written `lw`/`rw`), or None when the tokens
    are not two patronymics with one suffix. Both paths call it."""
    best: float | None = None
    for a, b in ((lt, rt), (lw, rw)):
        ma, mb = _PATRONYMIC_RE.match(a), _PATRONYMIC_RE.match(b)
        if ma is None or mb is None or ma.group(2) != mb.group(2):
            if best is None:  # the folded tokens decide whether the rule applies
                return None
            continue
        sim = float(OSA.normalized_similarity(ma.group(1), mb.group(1)))
        best = sim if best is None else max(best, sim)
    return best


def token_similarities(
    lt: pl.Series,
    rt: pl.Series,
    lk: pl.Series,
    rk: pl.Series,
    lw: pl.Series | None = None,
    rw: pl.Series | None = None,
    lwk: pl.Series | None = None,
    rwk: pl.Series | None = None,
    nicknames: bool = False,
) -> pl.DataFrame:
    """Similarity of aligned token pairs, with the initials, phonetic and nickname rules
    applied: columns `sim` and `nick` (why a nickname rule raised the pair, else null).

    `lw`/`rw` are the tokens as written before romanisation folding: the edit similarity is
    the better of the folded and the written spellings, so a fold is an alternative and never
    makes two spellings further apart than they were as written (decision 0020); likewise two
    tokens sound alike when their folded or their written phonetic keys (`lwk`/`rwk`) agree.
    `nicknames` (people's names): a written token that is a listed nickname of the other
    (`lexicon.nickname_note`) agrees at NICKNAME_SIM.
    """
    osa = _cpdist(lt, rt)
    if lw is not None and rw is not None:
        differs = (lw != lt) | (rw != rt)
        if differs.any():
            idx = differs.arg_true()
            osa_w = _cpdist(lw.gather(idx), rw.gather(idx))
            best = np.maximum(osa.gather(idx).to_numpy(), osa_w.to_numpy())
            osa = osa.clone().scatter(idx, best)
    # Two patronymics with one suffix are compared on the parents' names, with no phonetic
    # raise (the suffix makes their keys alike).
    patr = lt.str.contains(_PATRONYMIC) & rt.str.contains(_PATRONYMIC)
    if patr.any():
        idx = patr.arg_true()
        lw_, rw_ = (lt if lw is None else lw), (rt if rw is None else rw)
        got = [
            patronymic_sim(a, b, c, d)
            for a, b, c, d in zip(
                lt.gather(idx), rt.gather(idx), lw_.gather(idx), rw_.gather(idx), strict=True
            )
        ]
        keep = [i for i, g in zip(idx.to_list(), got, strict=True) if g is not None]
        if keep:
            vals = [g for g in got if g is not None]
            osa = osa.clone().scatter(keep, vals)
            patr = pl.Series([False] * len(lt)).scatter(keep, True)
        else:
            patr = pl.Series([False] * len(lt))
    df = pl.DataFrame({"lt": lt, "rt": rt, "lk": lk, "rk": rk, "osa": osa, "patr": patr})
    df = df.with_columns(lwk=lk if lwk is None else lwk, rwk=rk if rwk is None else rwk)
    l1 = pl.col("lt").str.len_chars() == 1
    r1 = pl.col("rt").str.len_chars() == 1
    same_initial = pl.col("lt").str.slice(0, 1) == pl.col("rt").str.slice(0, 1)
    phon = (
        ((pl.col("lk") == pl.col("rk")) & (pl.col("lk").str.len_chars() >= 2))
        | ((pl.col("lwk") == pl.col("rwk")) & (pl.col("lwk").str.len_chars() >= 2))
    ) & ~pl.col("patr")
    sim = (
        pl.when(l1 & r1)
        .then(pl.col("osa"))
        .when(l1 | r1)
        .then(pl.when(same_initial).then(INITIAL_SIM).otherwise(0.0))
        .when(phon)
        .then(pl.max_horizontal(pl.col("osa"), PHONETIC_BASE + (1 - PHONETIC_BASE) * pl.col("osa")))
        .otherwise(pl.col("osa"))
    )
    if not nicknames:
        return df.select(sim.alias("sim"), nick=pl.lit(None, dtype=pl.String))
    note = _nickname_notes(lt if lw is None else lw, rt if rw is None else rw)
    raised = ~l1 & ~r1 & pl.col("note").is_not_null() & (sim < NICKNAME_SIM)
    return df.with_columns(note=note).select(
        pl.when(raised).then(NICKNAME_SIM).otherwise(sim).alias("sim"),
        pl.when(raised).then(pl.col("note")).alias("nick"),
    )


def _nickname_notes(a: pl.Series, b: pl.Series) -> pl.Series:
    """`lexicon.nickname_note` of aligned tokens, each distinct pair of listed names once."""
    listed = lexicon.nickname_tokens()
    df = pl.DataFrame({"a": a, "b": b})
    both = pl.col("a").is_in(listed) & pl.col("b").is_in(listed) & (pl.col("a") != pl.col("b"))
    cand = df.filter(both).unique()
    notes = [lexicon.nickname_note(x, y) for x, y in zip(cand["a"], cand["b"], strict=True)]
    lookup = cand.with_columns(note=pl.Series(notes, dtype=pl.String))
    return df.join(lookup, on=["a", "b"], how="left", maintain_order="left")["note"]


def _assign(x: pl.DataFrame) -> pl.DataFrame:
    """One-to-one token alignment by rounds of mutual best partners (greedy matching).

    Only token pairs at or above TOKEN_MATCH take part, so the rounds run on a small frame.
    Ties (a token written twice) go to the lowest position, so each token is used once:
    "Abdul Kabir Abdul Jan" vs "Abdul Kabir Mohammad Jan" leaves "Abdul" and "Mohammad" facing
    each other as a conflict instead of letting both "Abdul"s lean on one.
    """
    cand = x.filter(pl.col("sim") >= TOKEN_MATCH).select("pair", "i", "i_r", "sim", "full", "nick")
    done: list[pl.DataFrame] = []
    for _ in range(MAX_ROUNDS):
        if cand.is_empty():
            break
        mutual = cand.filter(
            (pl.col("sim") == pl.col("sim").max().over("pair", "i"))
            & (pl.col("sim") == pl.col("sim").max().over("pair", "i_r"))
        )
        # maintain_order: without it the first `unique` returns its rows in any order and the
        # second keeps an arbitrary "first", so duplicated tokens paired differently run to run.
        mutual = (
            mutual.sort("pair", "i", "i_r")
            .unique(["pair", "i"], keep="first", maintain_order=True)
            .unique(["pair", "i_r"], keep="first", maintain_order=True)
        )
        done.append(mutual)
        cand = cand.join(mutual.select("pair", "i"), on=["pair", "i"], how="anti").join(
            mutual.select("pair", "i_r"), on=["pair", "i_r"], how="anti"
        )
    if not done:
        return cand.clear()
    return pl.concat(done)


def _evidence_factor(sim: pl.Expr) -> pl.Expr:
    """Share of a token's bits that an imperfect agreement earns: 1 at 1.0, 0.4 at 0.7.

    A near miss is weaker evidence than an exact agreement because many more unrelated tokens
    are that close (its u-probability is larger), so the bits fall linearly to 0 at 0.5.
    """
    return ((sim - 0.5) / 0.5).clip(0.0, 1.0)


def _side_totals(tokens: pl.DataFrame, matched: pl.DataFrame, col: str) -> pl.DataFrame:
    t = tokens.select("pair", pl.col("i").alias(col), "w", "initial").join(
        matched, on=["pair", col], how="left"
    )
    hit = pl.col("sim").is_not_null()
    return t.group_by("pair").agg(
        (pl.col("w") * pl.col("sim")).filter(hit).sum().alias("m"),
        (pl.col("w") * _evidence_factor(pl.col("sim"))).filter(hit).sum().alias("b"),
        pl.col("w").filter(hit).sum().alias("wm"),
        pl.col("w").filter(~hit).sum().alias("wu"),
        (~hit).sum().alias("nu"),
        (~hit & pl.col("initial")).sum().alias("nu_initial"),
        (pl.col("full").fill_null(False)).any().alias("has_full"),
    )


def compare(pairs: pl.DataFrame, kind: Kind = "person") -> pl.DataFrame:
    """Score name pairs.

    `pairs` has `pair` (unique id) and, for sides `l` and `r`, the columns of `prepare` prefixed
    `l_` / `r_`. Returns one row per pair: `pair`, `name_sim` (0-1), `name_bits` (information
    of the agreeing tokens, in bits), `conflicts` (unpartnered tokens on both sides), `extras`
    (unpartnered tokens on one side), `initials_only`, `initials` (tokens matched through an
    initial), `reordered` (tokens agree in another order), `joined` (agreement found with the
    spaces removed), `variant` (why tokens agree in another form: "Ted is a nickname of
    Theodore"; "" when none).
    """
    pairs = join_split_words(split_initials(pairs, kind))
    left, right = _side(pairs, "l"), _side(pairs, "r")
    x = left.join(right, on="pair", suffix="_r")
    sims = token_similarities(
        x["t"], x["t_r"], x["k"], x["k_r"], x["wt"], x["wt_r"], x["wk"], x["wk_r"],
        nicknames=kind == "person",
    )
    x = x.with_columns(
        sim=sims["sim"],
        nick=sims["nick"],
        # An acronym's letters stand for an organisation's words, not a person's initials.
        full=((pl.col("t").str.len_chars() > 1) | (pl.lit(kind == "org") & pl.col("acr")))
        & ((pl.col("t_r").str.len_chars() > 1) | (pl.lit(kind == "org") & pl.col("acr_r"))),
    )
    matched = _assign(x)
    roles = matched.join(
        left.select("pair", "i", "father", "son"), on=["pair", "i"], how="left"
    ).join(
        right.select("pair", pl.col("i").alias("i_r"), "father", "son"),
        on=["pair", "i_r"],
        how="left",
        suffix="_r",
    )
    shape = roles.group_by("pair").agg(
        (~pl.col("full")).sum().cast(pl.Int32).alias("initials"),
        (pl.col("i_r").sort_by("i").diff().min() < 0).alias("reordered"),
        # Only a token whose role changes: "Ali" in "X bin Ali bin Y" is son and father alike.
        (
            (pl.col("father") & ~pl.col("father_r") & pl.col("son_r"))
            | (pl.col("father_r") & ~pl.col("father") & pl.col("son"))
        )
        .any()
        .alias("lineage"),
        pl.col("nick").sort_by("i").drop_nulls().str.join("; ").alias("variant"),
    )
    sl = _side_totals(left, matched.drop("i_r"), "i")
    sr = _side_totals(right, matched.drop("i"), "i_r")
    s = (
        pairs.select(
            "pair",
            "^[lr]_w?(compact|scompact|rcompact)$",
            "l_cjk",
            "r_cjk",
            "runs",
        )
        .join(sl, on="pair", how="left")
        .join(sr, on="pair", how="left", suffix="_r")
        .join(shape, on="pair", how="left")
        .with_columns(
            pl.col("^(m|b|wm|wu|nu|nu_initial)(_r)?$").fill_null(0),
            pl.col("^has_full(_r)?$").fill_null(False),
        )
    )
    compact = pl.max_horizontal(
        _cpdist(s["l_compact"], s["r_compact"]),
        _cpdist(s["l_scompact"], s["r_scompact"]),
        _cpdist(s["l_rcompact"], s["r_compact"]),
        _cpdist(s["l_compact"], s["r_rcompact"]),
        _cpdist(s["l_wcompact"], s["r_wcompact"]),
        _cpdist(s["l_wscompact"], s["r_wscompact"]),
    )
    both_cjk = s["l_cjk"].is_not_null() & s["r_cjk"].is_not_null()
    cjk = pl.when(both_cjk).then(_cpdist(s["l_cjk"].fill_null(""), s["r_cjk"].fill_null("")))
    s = s.with_columns(compact_sim=compact, cjk_sim=cjk)
    conflict = (pl.col("nu") > 0) & (pl.col("nu_r") > 0)
    wu = pl.col("wu") + pl.col("wu_r")
    # A contradiction costs at least CONFLICT_MIN_BITS, however common the tokens: a different
    # father's name is a different person even when both names are frequent.
    wu_conflict = pl.max_horizontal(wu, CONFLICT_MIN_BITS * pl.min_horizontal("nu", "nu_r"))
    denom = (
        pl.col("wm")
        + pl.col("wm_r")
        + pl.when(conflict)
        .then(wu_conflict)
        .otherwise((EXTRA_FACTOR_ORG if kind == "org" else EXTRA_FACTOR) * wu)
    )
    aligned = pl.when(denom > 0).then((pl.col("m") + pl.col("m_r")) / denom).otherwise(0.0)
    has_full = pl.col("has_full") | pl.col("has_full_r")
    aligned = pl.when(has_full).then(aligned).otherwise(aligned.clip(0.0, INITIALS_ONLY_CAP))
    lineage = pl.col("lineage").fill_null(False)
    # Two different initials left facing each other ("William G. Frost" vs "William W.
    # Frost") are a contradiction that no spaceless spelling can undo: "frostgwilliam" and
    # "frostwwilliam" differ in one letter, yet G and W name different people.
    hard = (pl.col("nu_initial") > 0) & (pl.col("nu_initial_r") > 0)
    use_compact = (
        ~lineage
        & ~hard
        & (pl.col("compact_sim") >= COMPACT_MIN)
        & (pl.col("compact_sim") > aligned + SIM_EPSILON)
        & (pl.col("l_compact") != "")
        & (pl.col("r_compact") != "")
    )
    sim = pl.when(use_compact).then(pl.col("compact_sim")).otherwise(aligned)
    # Two names that each keep a token the other contradicts are at best "similar", never
    # "the same name", however much of them agrees ("Tariq Anwar el Sayed Mohamed" vs
    # "... Ahmed": a different father or grandfather is a different person).
    # A father's name facing the other's given name (lineage reversed) contradicts likewise.
    capped = (conflict & ~use_compact) | lineage | hard
    sim = pl.when(capped).then(pl.min_horizontal(sim, CONFLICT_CAP)).otherwise(sim)
    # Han, kana and Hangul: two names in the same script that differ in a character are
    # different names even when both characters are read alike (高市 vs 高石 are both "gaoshi").
    sim = (
        pl.when(pl.col("cjk_sim").is_not_null())
        .then(pl.min_horizontal(sim, pl.col("cjk_sim")))
        .otherwise(sim)
    )
    total_w = (pl.col("wm") + pl.col("wu") + pl.col("wm_r") + pl.col("wu_r")) / 2
    return s.select(
        "pair",
        sim.alias("name_sim"),
        pl.when(use_compact)
        .then(_evidence_factor(pl.col("compact_sim")) * total_w)
        .otherwise((pl.col("b") + pl.col("b_r")) / 2)
        .alias("name_bits"),
        pl.when(use_compact | ~conflict)
        .then(0)
        .otherwise(pl.min_horizontal("nu", "nu_r"))
        .cast(pl.Int32)
        .clip(lower_bound=(lineage | hard).cast(pl.Int32))
        .alias("conflicts"),
        pl.when(use_compact | conflict | lineage | hard)
        .then(0)
        .otherwise(pl.col("nu") + pl.col("nu_r"))
        .cast(pl.Int32)
        .alias("extras"),
        (~has_full & ~use_compact).alias("initials_only"),
        pl.when(use_compact).then(0).otherwise(pl.col("initials").fill_null(0)).alias("initials"),
        (pl.col("reordered").fill_null(False) & ~use_compact).alias("reordered"),
        use_compact.alias("joined"),
        pl.when(use_compact)
        .then(pl.lit(""))
        .otherwise(
            pl.concat_str(
                pl.col("runs").replace("", None), pl.col("variant").replace("", None),
                separator="; ", ignore_nulls=True,
            ).fill_null("")
        )
        .alias("variant"),
    )


def workers(n: int) -> int:
    """Threads for RapidFuzz: starting them costs about a millisecond, so small jobs use one."""
    return -1 if n >= 20_000 else 1


def _cpdist(a: pl.Series, b: pl.Series) -> pl.Series:
    """OSA similarity of aligned strings, each distinct pair computed once.

    Names repeat (a watchlist has many "Mohammed"s), so distinct pairs are a fraction of all
    pairs; RapidFuzz gets plain lists, which it reads far faster than Polars Series.
    """
    df = pl.DataFrame({"a": a, "b": b})
    uniq = df.unique()
    sims = process.cpdist(
        uniq["a"].to_list(),
        uniq["b"].to_list(),
        scorer=OSA.normalized_similarity,
        workers=workers(uniq.height),
        # Double precision, as the single-record path computes it: a similarity of exactly
        # 0.7 must stay at TOKEN_MATCH, not fall to 0.69999999 in single precision.
        dtype=np.float64,
    )
    lookup = uniq.with_columns(s=pl.Series(sims, dtype=pl.Float64))
    return df.join(lookup, on=["a", "b"], how="left", maintain_order="left")["s"]


def _paired(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(
        [
            left.select(pl.all().name.prefix("l_")),
            right.select(pl.all().name.prefix("r_")),
        ],
        how="horizontal",
    ).with_row_index("pair")


# What `compare_lists` compares: people, organisations, and vessels (compared as organisations
# once their class prefix is dropped: `vessel_name`).
NameKind = Literal["person", "org", "vessel"]


def vessel_name(raw: str) -> str:
    """A vessel's name without the class prefixes written before it ("MV Hellenic Spirit",
    "M/T ...", "SS ..."): the prefix says what kind of ship it is, not which. The list is
    OpenSanctions' `rigour` (`rigour.names.remove_obj_prefixes`, its OBJ_NAME_PREFIXES: M/V,
    MV, M.V, M V, M/T, MT, SS, The); decision 0023. Imported on first use (half a second):
    only vessels need it."""
    from rigour.names import remove_obj_prefixes

    return remove_obj_prefixes(raw).strip() or raw


def compare_lists(
    names1: list[str], names2: list[str], kind: NameKind = "person", stats: TokenStats | None = None
) -> list[float]:
    """Similarity (0-1) of aligned lists of raw names, e.g. for evaluating on labelled pairs."""
    if kind == "vessel":
        names1 = [vessel_name(n) for n in names1]
        names2 = [vessel_name(n) for n in names2]
    form: Kind = "person" if kind == "person" else "org"
    left = prepare(pl.Series(names1, dtype=pl.String), stats, form)
    right = prepare(pl.Series(names2, dtype=pl.String), stats, form)
    out = compare(_paired(left, right), form).sort("pair")
    return [float(v) for v in out["name_sim"]]


def name_similarity(a: str, b: str, kind: NameKind = "person") -> float:
    """Similarity (0-1) of two names; the batch function `compare_lists` is much faster."""
    return compare_lists([a], [b], kind)[0]
