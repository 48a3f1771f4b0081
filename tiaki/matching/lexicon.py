"""Word lists that the name normaliser needs: titles, particles, legal forms, number words and
rough frequencies of the most common name tokens in the world.

Everything here is data, not logic, so that a reviewer can read and challenge it in one place.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# Honorifics and titles carry no identity: "Mr. Rami Makhlouf" is "Rami Makhlouf". They are
# dropped before comparison (OpenSanctions' nomenklatura does the same with its `names` lists).
TITLES: frozenset[str] = frozenset(
    """
    mr mrs ms miss mx dr doctor prof professor sir dame lord lady rev reverend hon honorable
    honourable president prasident prezident presidente monsieur madame mme mlle herr frau senor
    senora sr sra gen general col colonel capt captain maj major lt lieutenant sgt excellency
    his her king queen prince princess emir shaikh sheikh shaykh sheik
    """.split()  # noqa: SIM905 (a word list reads best as text)
)

# Name particles are real parts of a name but say little about who a person is: "bin", "al",
# "de", "van". They keep a small weight so "bin Salman" vs "Salman" is not a conflict.
# Spelling variants are folded onto one form first (ibn/ben/bin -> bin, el/al -> al).
PARTICLE_CANON: dict[str, str] = {
    "ibn": "bin",
    "ben": "bin",
    "bin": "bin",
    "bint": "bint",
    "binti": "bint",
    "el": "al",
    "al": "al",
    "ul": "al",
    "bn": "bin",
}
PARTICLES: frozenset[str] = frozenset(
    """
    bin bint al abu umm de del della dei der den van von da das dos di du la le lo y e haji
    hajji mullah mawlawi maulvi qari sayyid sayyed syed mir
    """.split()  # noqa: SIM905 (a word list reads best as text)
)

# Romanisation variants (whole tokens folded onto one form, and spelling rules) are data, in
# versioned files under data/matching/romanisation/ that a country can extend: see `romanise`.

# Words that organise an organisation's name without identifying it.
ORG_STOPWORDS: frozenset[str] = frozenset(["the", "of", "and", "for", "in", "at", "on"])

# Legal forms, folded to one canonical token each. Multi-word forms are replaced on the whole
# string before tokenising. Source: GLEIF's ISO 20275 entity legal forms list (abridged to the
# forms seen in sanctions and trafficking casework).
LEGAL_FORM_PHRASES: list[tuple[str, str]] = [
    ("open joint stock company", "jsc"),
    ("closed joint stock company", "jsc"),
    ("public joint stock company", "jsc"),
    ("joint stock company", "jsc"),
    ("limited liability company", "llc"),
    ("limited liability partnership", "llp"),
    ("public limited company", "plc"),
    ("limited partnership", "lp"),
    ("gesellschaft mit beschrankter haftung", "gmbh"),
    ("societatea cu raspundere limitata", "srl"),
    ("societe a responsabilite limitee", "sarl"),
    ("sociedad anonima", "sa"),
    ("societe anonyme", "sa"),
    ("obshchestvo s ogranichennoy otvetstvennostyu", "llc"),
    ("aktsionernoe obshchestvo", "jsc"),
    ("sp z oo", "spzoo"),
    ("sp z o o", "spzoo"),
    ("s de rl", "srl"),
    ("s a de c v", "sa"),
    ("sa de cv", "sa"),
    ("pty ltd", "ltd"),
]
LEGAL_FORM_WORDS: dict[str, str] = {
    "limited": "ltd",
    "ltd": "ltd",
    "incorporated": "inc",
    "inc": "inc",
    "corporation": "corp",
    "corp": "corp",
    "company": "co",
    "co": "co",
    "aktiengesellschaft": "ag",
    "ag": "ag",
    "gmbh": "gmbh",
    "llc": "llc",
    "llp": "llp",
    "lp": "lp",
    "plc": "plc",
    "jsc": "jsc",
    "ojsc": "jsc",
    "cjsc": "jsc",
    "pjsc": "jsc",
    "oao": "jsc",
    "zao": "jsc",
    "pao": "jsc",
    "ao": "jsc",
    "ooo": "llc",
    "srl": "srl",
    "sarl": "sarl",
    "sa": "sa",
    "sas": "sas",
    "bv": "bv",
    "nv": "nv",
    "ab": "ab",
    "as": "as",
    "spa": "spa",
    "pte": "pte",
    "pty": "pty",
    "kk": "kk",
    "na": "na",
    "ano": "ano",
    "spzoo": "spzoo",
    "intl": "international",
}
LEGAL_FORMS: frozenset[str] = frozenset(LEGAL_FORM_WORDS.values()) - {"international"}

NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5,
}  # fmt: skip

# Share of the world's people who carry each token somewhere in their name. Rough orders of
# magnitude compiled from public surname/forename statistics (Forebears.io national tables,
# China's 2020 census surname list, the US SSA and Census name files). They are a floor for the
# frequency the engine estimates from the data, so "Mohammed Ali" is treated as common even on a
# 50-person watchlist where every token looks rare.
COMMON_NAME_TOKENS: dict[str, float] = {
    # Arabic / Islamic world
    "mohammed": 0.04, "muhammad": 0.04, "mohamed": 0.04, "ahmed": 0.02, "ahmad": 0.02,
    "ali": 0.02, "hassan": 0.01, "hussein": 0.01, "abdul": 0.02, "abdullah": 0.01,
    "ibrahim": 0.01, "mahmoud": 0.005, "mustafa": 0.005, "omar": 0.005, "khan": 0.01,
    "abdel": 0.01, "abd": 0.01, "youssef": 0.005, "khalid": 0.004, "said": 0.004,
    "fatima": 0.01, "aisha": 0.004, "mariam": 0.004,
    # East and South-East Asia
    "wang": 0.007, "li": 0.007, "zhang": 0.007, "liu": 0.005, "chen": 0.005, "yang": 0.003,
    "huang": 0.002, "zhao": 0.002, "wu": 0.002, "zhou": 0.002, "xu": 0.001, "sun": 0.001,
    "ma": 0.001, "zhu": 0.001, "hu": 0.001, "lin": 0.001, "nguyen": 0.005, "tran": 0.002,
    "le": 0.002, "pham": 0.001, "kim": 0.003, "lee": 0.004, "park": 0.001, "choi": 0.0005,
    "tanaka": 0.0003, "sato": 0.0003, "suzuki": 0.0003, "santos": 0.002, "reyes": 0.001,
    "cruz": 0.001, "thi": 0.003, "van": 0.003, "jin": 0.002, "ming": 0.002, "hua": 0.002,
    # South Asia
    "kumar": 0.01, "singh": 0.01, "devi": 0.008, "ram": 0.003, "sharma": 0.002, "das": 0.002,
    "kaur": 0.003, "lal": 0.002, "begum": 0.003, "akter": 0.002, "islam": 0.002,
    "rahman": 0.003, "hossain": 0.002, "shah": 0.002,
    # Europe, the Americas
    "john": 0.01, "james": 0.006, "david": 0.006, "michael": 0.006, "robert": 0.004,
    "william": 0.004, "mary": 0.006, "maria": 0.02, "jose": 0.006, "juan": 0.005,
    "carlos": 0.003, "luis": 0.003, "ana": 0.004, "anna": 0.004, "peter": 0.003,
    "paul": 0.003, "thomas": 0.003, "daniel": 0.004, "jean": 0.003, "alexander": 0.003,
    "smith": 0.003, "johnson": 0.002, "williams": 0.002, "brown": 0.002, "jones": 0.002,
    "garcia": 0.002, "rodriguez": 0.002, "martinez": 0.002, "hernandez": 0.002,
    "lopez": 0.002, "gonzalez": 0.002, "perez": 0.002, "sanchez": 0.001, "silva": 0.003,
    "da": 0.003, "de": 0.005, "dos": 0.002, "martin": 0.002, "muller": 0.001,
    "ivanov": 0.001, "ivan": 0.002, "sergey": 0.002, "vladimir": 0.002, "olga": 0.002,
    "elena": 0.002, "natalia": 0.002, "andrei": 0.002, "dmitry": 0.001,
    # Africa
    "mohamud": 0.002, "abdi": 0.002, "musa": 0.002, "okafor": 0.0005,
    "mwangi": 0.0005, "banda": 0.0005, "diallo": 0.001, "traore": 0.001, "kamara": 0.0005,
    "joseph": 0.004, "emmanuel": 0.002, "grace": 0.002, "blessing": 0.001,
}  # fmt: skip


@lru_cache(maxsize=1)
def nicknames() -> dict[str, frozenset[str]]:
    """Nickname -> the given names it is a nickname of ("ted" -> {"theodore", "edward", ...}).

    Source: the hand-curated English names and nicknames list of Carlton Northern and Nick
    Crews (Old Dominion University; PyPI package `nicknames`, Apache-2.0, its names.csv of
    "canonical has_nickname nickname" triplets). Only one-word names are kept: the comparison
    works on tokens. Decision 0021.
    """
    from nicknames import NickNamer

    out: dict[str, set[str]] = {}
    for canonical, nicks in NickNamer().nickname_lookup.items():
        if " " in canonical:
            continue
        for nick in nicks:
            if " " not in nick and nick != canonical:
                out.setdefault(nick, set()).add(canonical)
    return {k: frozenset(v) for k, v in out.items()}


GIVEN_NAME_GROUPS = (
    Path(__file__).resolve().parents[2] / "data" / "matching" / "names" / "given_name_groups.tsv"
)


@lru_cache(maxsize=1)
def given_name_groups() -> dict[str, frozenset[str]]:
    """Given name -> the Wikidata given-name items (QIDs) it is a spelling of ("sergejs" and
    "sergei" -> Q12902079): two spellings that share an item are one name in two languages.

    Source: OpenSanctions' `rigour` person-name tagger (MIT), its `SymbolCategory.NAME`
    symbols, which are Wikidata given-name items (CC0), as nomenklatura and yente use them;
    written once to a versioned file by `python -m tiaki.matching.build_name_groups` because
    building rigour's tagger costs seconds in every process. Decision 0021.
    """
    out: dict[str, frozenset[str]] = {}
    with GIVEN_NAME_GROUPS.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            tok, ids = line.rstrip("\n").split("\t")
            out[tok] = frozenset(ids.split())
    return out


@lru_cache(maxsize=1)
def nickname_set() -> frozenset[str]:
    """Every token of the nickname list, as nickname or as the full name, and every given name
    of `given_name_groups`."""
    nick = nicknames()
    return frozenset(nick) | {c for full in nick.values() for c in full} | set(given_name_groups())


@lru_cache(maxsize=1)
def nickname_tokens() -> list[str]:
    """`nickname_set` as a sorted list (for Polars' `is_in`)."""
    return sorted(nickname_set())


def nickname_note(a: str, b: str) -> str | None:
    """"Ted is a nickname of Theodore" when one token is a listed nickname of the other;
    "Sergejs is a form of Sergei" when both are spellings of one Wikidata given name."""
    nick = nicknames()
    if b not in nick.get(a, ()) and a not in nick.get(b, ()):
        groups = given_name_groups()
        if groups.get(a, frozenset()).isdisjoint(groups.get(b, ())):
            return None
        return f"{a.title()} is a form of {b.title()}"
    # Some names are listed both ways ("bob" and "robert"): the shorter is the nickname.
    short, full = sorted((a, b), key=lambda t: (len(t), t))
    return f"{short.title()} is a nickname of {full.title()}"
