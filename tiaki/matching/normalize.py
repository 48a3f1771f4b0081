"""Name normalisation: any script to ASCII tokens, plus a phonetic key per token.

All functions take and return Polars Series so that a million names are normalised by Polars'
Rust string kernels rather than a Python loop; only the few names in non-Latin scripts go
through `anyascii` one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

import polars as pl
from anyascii import anyascii
from rapidfuzz.distance import OSA

from tiaki.matching import lexicon, romanise, scripts

Kind = Literal["person", "org"]

# Han, kana and Hangul come out of anyascii as CamelCase syllables ("XiJinPing"). East-Asian
# names are written family name first, and in Latin script the given name is written as one word
# (ICAO Doc 9303 part 3, and the Pinyin / Revised Romanisation conventions), so we keep the first
# syllable apart and join the rest: "xi jinping", "kim jongun".
_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NON_ASCII = r"[^\x00-\x7F]"


_HANGUL = re.compile(r"[\uac00-\ud7af]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
# The Arabic article ال is written joined to its noun ("الحربي"), and a name's initial ع
# (ayn) is a vowel onset in every Latin spelling (Abd, Ali, Aisha, Omar).
_ARABIC_ARTICLE = re.compile(r"(^|\s)\u0627\u0644(?=\S)")
_ARABIC_AYN = re.compile(r"(^|\s)\u0639")
# A word's initial alef (bare, with hamza above or below) is its first vowel, which anyascii
# drops or writes as an apostrophe: احمد "hmd" for Ahmad, إبراهيم "'brhym" for Ibrahim; with
# madda (آ) too.
_ARABIC_ALEF = re.compile(r"(^|\s)[\u0622\u0627\u0623\u0625](?=\S)")


def _hangul_name(word: str) -> str:
    """A Korean name written as one word: the first syllable is the family name (two for a
    four-syllable name), the rest the given name, written as one word (Revised Romanization,
    as on Korean passports). 이 alone comes out of anyascii as "I": it is spelt Lee."""
    family_len = 2 if len(word) == 4 else 1
    family = "".join(anyascii(ch) for ch in word[:family_len])
    family = "Lee" if family == "I" else family
    given = "".join(anyascii(ch) for ch in word[family_len:])
    return f"{family} {given}".strip()


@lru_cache(maxsize=1)
def _thai_romaniser() -> Callable[[str], str] | None:
    try:
        from pythainlp.transliterate import romanize
    except ImportError:  # optional: without it Thai goes through anyascii
        return None
    return lambda word: str(romanize(word, engine="royin"))


def _thai(text: str) -> str:
    """Thai names by the Royal Thai General System (RTGS), as Thai passports write them,
    word by word (pythainlp's rule-based "royin" engine); anyascii drops Thai's vowels."""
    romanise = _thai_romaniser()
    if romanise is None:
        return anyascii(text)
    return " ".join(romanise(w) if _THAI.search(w) else anyascii(w) for w in text.split())


def _translit_one(text: str) -> str:
    if _THAI.search(text):
        return _thai(text)
    if scripts.DEVANAGARI.search(text):
        text = scripts.devanagari(text)
    if scripts.GREEK.search(text):
        text = scripts.greek(text)
    if _ARABIC.search(text):
        text = _ARABIC_ARTICLE.sub(r"\1al-", text)
        text = _ARABIC_AYN.sub(r"\1a", text)
        text = _ARABIC_ALEF.sub(r"\1a", text)
        if scripts.PERSIAN_MARK.search(text):
            text = scripts.persian(text)
    if not _CJK.search(text):
        return anyascii(text)
    words = [w for w in re.split(r"[\s\u00b7\u30fb\-]+", text) if w]
    if len(words) > 1:
        # Already split by the writer (often a foreign name: "贝拉克·奥巴马"): one token each.
        return " ".join(anyascii(w).replace(" ", "") for w in words)
    if _HANGUL.fullmatch(words[0][:1]) and 2 <= len(words[0]) <= 4:
        return _hangul_name(words[0])
    parts = _CAMEL.split(anyascii(words[0]))
    return parts[0] + (" " + "".join(parts[1:]) if len(parts) > 1 else "")


def transliterate(raw: pl.Series) -> pl.Series:
    """Transliterate every value to ASCII; ASCII values are left untouched (the common case)."""
    raw = raw.cast(pl.String).fill_null("")
    mask = raw.str.contains(_NON_ASCII)
    if not mask.any():
        return raw
    idx = mask.arg_true()
    converted = pl.Series([_translit_one(v) for v in raw.filter(mask).to_list()], dtype=pl.String)
    return raw.scatter(idx, converted)


_LEGAL_PHRASE_RE = [
    (rf"\b{re.escape(phrase)}\b", canon) for phrase, canon in lexicon.LEGAL_FORM_PHRASES
]


# The rules that clean a lower-cased ASCII name, in order, as (pattern, replacement) with
# Python's replacement syntax. This is their only definition: `_clean` applies them to a
# chunk with Polars' str.replace_all, `clean_person` to one name with re.sub.
# Apostrophes and ayn/hamza marks are dropped, not split on: "Qa'ida" is one word.
_MARKS_RULES: list[tuple[str, str]] = [(r"['`\u2019\u02bb\u02bc]", ""), ("&", " and ")]
_SPLIT_RULE = (r"[^a-z0-9]+", " ")
# Arabic 'Abd al-X ("servant of X") is one name element however it is spelt: "Abd al-Aziz",
# "Abdel Aziz", "Abdul Aziz" (Library of Congress ALA-LC romanisation notes), and written as one
# word: "Abdelrahman" = "Abd al-Rahman" ("Abdullah" stays whole).
_ABD_RULES: list[tuple[str, str]] = [
    (r"\babd (?:al|el|ul|ol|ar|ur|as|us|an) ", "abdul "),
    (r"\babd(?:al|el|ol|oul)\b", "abdul"),
    (r"\babd(?:ul|el|al|ol)([a-km-z][a-z]{2,})\b", r"abdul \1"),
]
_PY_RULES = [(re.compile(p), r) for p, r in (*_MARKS_RULES, _SPLIT_RULE, *_ABD_RULES)]


def _polars(replacement: str) -> str:
    r"""Python's \1 in a replacement is ${1} for Polars (Rust regex)."""
    return re.sub(r"\\(\d)", r"${\1}", replacement)


def clean_person(ascii_name: str) -> str:
    """`_clean` (kind="person") for one name: the same rules through `re`."""
    s = ascii_name.lower()
    for i, (pattern, repl) in enumerate(_PY_RULES):
        s = pattern.sub(repl, s)
        if i == len(_MARKS_RULES):  # after the split into words, as `_clean` strips
            s = s.strip()
    return s


def _clean(ascii_names: pl.Series, kind: Kind) -> pl.Series:
    s = ascii_names.str.to_lowercase()
    for pattern, repl in _MARKS_RULES:
        s = s.str.replace_all(pattern, _polars(repl))
    if kind == "org":
        # "A.B.C." and "L.L.C." are one word in company names; in person names dots separate
        # initials ("J.C." = "J C"), so only organisations drop them.
        s = s.str.replace_all(r"\.", "")
    s = s.str.replace_all(_SPLIT_RULE[0], _SPLIT_RULE[1]).str.strip_chars()
    for pattern, repl in _ABD_RULES:
        s = s.str.replace_all(pattern, _polars(repl))
    if kind == "org":
        for pattern, canon in _LEGAL_PHRASE_RE:
            s = s.str.replace_all(pattern, canon)
    return s


def _numbers(tokens: list[str]) -> list[str]:
    """Fold number words onto digits for organisations: "Brigade Forty-Four" = "Brigade 44"."""
    out: list[str] = []
    for tok in tokens:
        val = lexicon.NUMBER_WORDS.get(tok)
        if val is None and tok.isdigit():
            val = int(tok)
        if val is not None and out and out[-1].isdigit():
            prev = int(out[-1])
            if prev % 10 == 0 and prev >= 20 and val < 10:
                out[-1] = str(prev + val)
                continue
        out.append(str(val) if val is not None else tok)
    return out


ORDINAL = r"^[0-9]+(?:st|nd|rd|th)$"
_LEET_FROM = ["0", "1", "3", "4", "5", "7", "8", "9"]
_LEET_TO = ["o", "i", "e", "a", "s", "t", "b", "g"]


def _fold_split(toks: pl.Series, fold: Callable[[str], str]) -> pl.Series:
    uniq = toks.explode().drop_nulls().unique()
    if uniq.is_empty():
        return toks
    return _replaced(toks, uniq, [fold(t) for t in uniq.to_list()])


def _replaced(toks: pl.Series, uniq: pl.Series, forms: list[str]) -> pl.Series:
    """Each token of ``toks`` (one of ``uniq``) replaced by its form, a form of two words
    split into two tokens."""
    return (
        toks.list.eval(pl.element().replace_strict(uniq, pl.Series(forms, dtype=pl.String)))
        .list.join(" ")
        .str.split(" ")
        .list.eval(pl.element().filter(pl.element() != ""))
    )


def fold_token_forms(toks: pl.Series) -> tuple[pl.Series, pl.Series]:
    """`fold_tokens(toks)` and `written_tokens(toks)` from one pass over the distinct tokens:
    the batch screener folds some 20,000 distinct tokens per 10,000 travellers, and the second
    pass over them cost a fifth of the first."""
    uniq = toks.explode().drop_nulls().unique()
    if uniq.is_empty():
        return toks, toks
    folded, written, split = [], [], False
    for t in uniq.to_list():
        folded.append(" ".join(romanise.fold(t)))
        as_written = romanise.written(t)  # the fold just made, from its cache
        written.append(" ".join(as_written))
        split = split or len(as_written) > 1
    # No fold split a token: the tokens as written are the tokens themselves.
    return _replaced(toks, uniq, folded), _replaced(toks, uniq, written) if split else toks


def fold_tokens(toks: pl.Series) -> pl.Series:
    """Romanisation variants folded (`romanise.fold`), once per distinct token."""
    return _fold_split(toks, lambda t: " ".join(romanise.fold(t)))


def written_tokens(toks: pl.Series) -> pl.Series:
    """The tokens as written, aligned one to one with `fold_tokens(toks)`: a token that the
    fold splits in two ("benali" -> "bin ali") is written as its two folded parts."""
    return _fold_split(toks, lambda t: " ".join(romanise.written(t)))


def _cleaned_tokens(raw: pl.Series, kind: Kind) -> pl.Series:
    cleaned = _clean(transliterate(raw), kind)
    toks = cleaned.str.split(" ").list.eval(pl.element().filter(pl.element() != ""))
    # Digits inside words are usually look-alike letters ("Ig0r Sech1n", "I9or").
    toks = toks.list.eval(
        pl.when(
            pl.element().str.contains("[a-z]")
            & pl.element().str.contains("[0-9]")
            # An ordinal ("1st", "22nd") is a number, not look-alike letters.
            & ~pl.element().str.contains(ORDINAL)
        )
        .then(pl.element().str.replace_many(_LEET_FROM, _LEET_TO))
        .otherwise(pl.element())
    )
    if kind == "person":
        # A title is dropped unless it is the whole name.
        return toks.list.eval(pl.element().filter(~pl.element().is_in(list(lexicon.TITLES))))
    toks = pl.Series([_legal_typos(t) for t in toks.to_list()], dtype=pl.List(pl.String))
    toks = toks.list.eval(pl.element().replace(lexicon.LEGAL_FORM_WORDS))
    return pl.Series(raw.name, [_numbers(t) for t in toks.to_list()], dtype=pl.List(pl.String))


# Legal-form words long enough that one slip of the pen cannot make another word of them
# ("Aktiengeselschaft", "Coporation"); shorter ones ("limited", "company") can.
_LONG_FORMS = {w: f for w, f in lexicon.LEGAL_FORM_WORDS.items() if len(w) >= 10}


@lru_cache(maxsize=65_536)
def _legal_typo(tok: str) -> str:
    if len(tok) < 9 or tok in lexicon.LEGAL_FORM_WORDS:
        return tok
    for word, form in _LONG_FORMS.items():
        if OSA.distance(tok, word, score_cutoff=1) <= 1:
            return form
    return tok


# Legal-form phrases as long (15 characters or more) are matched with one typo too.
_LONG_PHRASES = [
    (phrase.split(" "), canon) for phrase, canon in lexicon.LEGAL_FORM_PHRASES if len(phrase) >= 15
]


def _legal_typos(tokens: list[str]) -> list[str]:
    """A long legal-form word or phrase written with one typo (one edit or two letters
    swapped: optimal string alignment, Damerau 1964; a last letter cut off is one edit) is that
    legal form: "Aktiengeselschaft" is AG, "Joynt Stock Company" is JSC."""
    out = list(tokens)
    for words, canon in _LONG_PHRASES:
        k = len(words)
        phrase = " ".join(words)
        i = 0
        while i + k <= len(out):
            if OSA.distance(" ".join(out[i : i + k]), phrase, score_cutoff=1) <= 1:
                out[i : i + k] = [canon]
            i += 1
    return [_legal_typo(t) for t in out]


def name_tokens(raw: pl.Series, kind: Kind = "person") -> pl.Series:
    """Normalised tokens of each name, in their original order (a List[String] Series)."""
    toks = _cleaned_tokens(raw, kind)
    return fold_tokens(toks) if kind == "person" else toks


def name_token_forms(raw: pl.Series, kind: Kind = "person") -> tuple[pl.Series, pl.Series]:
    """`name_tokens` and, aligned with them, the same tokens before romanisation folding.

    A fold is an alternative spelling, not a replacement (decision 0020): the rules that make
    a Wade-Giles or Thai spelling meet pinyin or RTGS also rewrite Latin names that needed no
    help ("Putin" -> "budin", "Doe" -> "de"), so the comparison takes the better of the two.
    """
    toks = _cleaned_tokens(raw, kind)
    if kind != "person":
        return toks, toks
    return fold_token_forms(toks)


# The steps of the skeleton, in order (see `skeleton`).
_PHONETIC_STEPS: list[tuple[re.Pattern[str], str]] = [
    (re.compile("ph"), "f"),
    (re.compile("dzh|dj|dz"), "j"),
    (re.compile("tsch|sch|tch|sh|ch|zh|cz|sz|ts|tz|ks|x|z"), "s"),
    (re.compile("kh"), "h"),
    (re.compile("gh"), "g"),
    (re.compile("th"), "t"),
    (re.compile("dh"), "d"),
    (re.compile("ck"), "k"),
    (re.compile("c([eiy])"), r"s\1"),
    (re.compile("[cqg]"), "k"),
    (re.compile("p"), "b"),
    (re.compile("t"), "d"),
]
_LEADING_W = re.compile(r"^w")
_VOWEL_J = re.compile("([aeiouy])j")
_LEADING_VOWEL = re.compile(r"^[aeiouwy]")
_VOWELS_RE = re.compile("[aeiouwy]")
_DOUBLE = re.compile(r"([a-z])\1")
_FINAL_H = re.compile(r"^(.{2,})h$")
_DIGIT = re.compile(r"\d")


def skeleton(tok: str) -> str:
    """A transliteration-tolerant skeleton of one token.

    It is a simplified consonant skeleton in the spirit of Soundex (Russell & Odell, US patent
    1,261,167, 1918) and the "consonant skeleton" used for Arabic names, because Arabic and
    Hebrew script write no short vowels: anyascii turns "محمد" into "mhmd", which must meet
    "Mohammed". Digraphs that transliteration systems spell differently are folded first
    (sh/sch/ch/zh/x -> s as in Pinyin and the German, French and English renderings of
    Cyrillic, kh -> h, initial w -> v, ph -> f, q/c/g -> k, p -> b since Arabic has no p, and
    t -> d: Soundex's one class for d and t, which also meets the Mandarin aspiration fold
    that writes Latin "Fatema" as "fadema" against Persian فاطمه's "ftmh"), then every vowel
    but a leading one is dropped and doubled letters are collapsed.

    Its steps are defined once, here and in `_PHONETIC_STEPS`: the single-record path calls
    this per token (`phonetic_key`), the batch path applies the same patterns to a chunk's
    distinct ASCII tokens at once (`_skeleton_expr`, held to the same keys by
    tests/matching/test_normalize.py).
    """
    t = tok
    for pattern, repl in _PHONETIC_STEPS:
        t = pattern.sub(repl, t)
    # w and y after a vowel or consonant are vowels in Arabic and Hebrew transliteration (matres
    # lectionis: "frnndw" = Fernando), German writes y as j ("Selenskyj").
    t = _LEADING_W.sub("v", t, count=1)
    t = _VOWEL_J.sub(r"\1y", t)
    t = _LEADING_VOWEL.sub("A", t, count=1)
    t = _VOWELS_RE.sub("", t).lower()
    t = _DOUBLE.sub(r"\1", _DOUBLE.sub(r"\1", t))
    # A final h is often the Arabic ta marbuta or a transliterator's habit ("Usamah").
    return _FINAL_H.sub(r"\1", t, count=1)


@lru_cache(maxsize=262_144)
def phonetic_key(tok: str) -> str:
    """The phonetic key of one token: its skeleton, or the token itself when it has digits or
    its skeleton would be a single letter ("Wu", "Li", "Xu"): a one-letter key would lump
    them with thousands of others."""
    if _DIGIT.search(tok):
        return tok
    key = skeleton(tok)
    return tok if len(key) < 2 else key


_DOUBLES = [c + c for c in "abcdefghijklmnopqrstuvwxyz"]


def _skeleton_expr(t: pl.Expr) -> pl.Expr:
    """`skeleton` as a Polars expression, for ASCII tokens: the same steps (`_PHONETIC_STEPS`
    and the patterns after it) through Polars' regular expressions, which agree with Python's
    on these patterns over ASCII. Rust's regular expressions have no back-references, so
    doubled letters are collapsed as the 26 pairs, leftmost first, as `_DOUBLE` does."""
    for pattern, repl in _PHONETIC_STEPS:
        t = t.str.replace_all(pattern.pattern, _polars(repl))
    t = t.str.replace(_LEADING_W.pattern, "v")
    t = t.str.replace_all(_VOWEL_J.pattern, _polars(r"\1y"))
    t = t.str.replace(_LEADING_VOWEL.pattern, "A")
    t = t.str.replace_all(_VOWELS_RE.pattern, "").str.to_lowercase()
    singles = [d[0] for d in _DOUBLES]
    t = t.str.replace_many(_DOUBLES, singles).str.replace_many(_DOUBLES, singles)
    return t.str.replace(_FINAL_H.pattern, _polars(r"\1"))


def _keys_of(uniq: pl.Series) -> pl.Series:
    """`phonetic_key` of distinct tokens: the ASCII ones in one vectorised pass
    (`_skeleton_expr`), any other through `phonetic_key`."""
    tok = pl.col("tok")
    key = _skeleton_expr(tok)
    ascii_ = ~tok.str.contains(_NON_ASCII)
    out = pl.DataFrame({"tok": uniq}).select(
        pl.when(tok.str.contains(_DIGIT.pattern) | (key.str.len_chars() < 2)).then(tok)
        .otherwise(key).alias("key"),
        ascii_.alias("ascii"),
    )
    if out["ascii"].all():
        return out["key"]
    other = (~out["ascii"]).arg_true()
    return out["key"].scatter(other, [phonetic_key(t) for t in uniq.gather(other).to_list()])


def phonetic_keys(tokens: pl.Series) -> pl.Series:
    """Phonetic key for every token of every name (same shape as `tokens`).

    Names repeat, so the keys are computed once per distinct token and mapped back.
    """
    return phonetic_keys_of(tokens)[0]


def phonetic_keys_of(*columns: pl.Series) -> tuple[pl.Series, ...]:
    """`phonetic_keys` of several token columns, with each distinct token's key computed once
    for all of them: a name's folded and written tokens are mostly the same tokens."""
    uniq = pl.concat([c.explode() for c in columns]).drop_nulls().unique()
    if uniq.is_empty():
        return columns
    keys = _keys_of(uniq)
    return tuple(c.list.eval(pl.element().replace_strict(uniq, keys)) for c in columns)


def tokens_of(name: str, kind: Kind = "person") -> list[str]:
    """Scalar convenience wrapper over `name_tokens`."""
    return list(name_tokens(pl.Series([name]), kind).to_list()[0])
