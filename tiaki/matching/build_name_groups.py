"""Build data/matching/names/given_name_groups.tsv: spellings of one given name in several
languages ("Sergei", "Sergejs", "Sergey"; "Aleksandr", "Alexandre", "Alexandru") share a
Wikidata given-name id. Wikidata keeps John, Juan, Jean and Giovanni as separate items, so
rigour (and this file) does not link them.

Run once, by hand, when the source is updated (the file is committed and versioned):

    make install EXTRAS=dev,namedata   # gender-guesser: the spellings to ask about; build only
    PYTHONPATH=. .venv/bin/python -m tiaki.matching.build_name_groups

Source of the groups: OpenSanctions' `rigour` (MIT; a dependency of followthemoney), whose
person-name tagger marks a name part with `Symbol(SymbolCategory.NAME, <Wikidata QID>)` for
every Wikidata given-name item the spelling belongs to (Wikidata CC0; the same symbols that
nomenklatura and yente pair with `rigour.names.pair_symbols`). rigour keeps its dictionary
compressed inside its Rust core and exposes no list of it, so the spellings asked about are the
first names of Jörg Michael's multilingual name dictionary as shipped in the PyPI package
`gender-guesser` (about 45,000 names from many countries); only spellings that rigour tags
with a NAME symbol shared with another spelling are written. Nothing is added or removed by
hand. Decision 0021.

Building rigour's tagger takes about 8 s of CPU, which is why the engine reads this file
instead of calling rigour at run time.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "data" / "matching" / "names" / "given_name_groups.tsv"
_WORD = re.compile(r"^[a-z]{2,}$")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def vocabulary() -> list[str]:
    from gender_guesser.detector import Detector

    words = set()
    for name in Detector().names:
        for tok in fold(name).replace("-", " ").split():
            if _WORD.match(tok):
                words.add(tok)
    return sorted(words)


def build() -> dict[str, list[str]]:
    from rigour.names import NameTypeTag, SymbolCategory, analyze_names

    groups: dict[str, set[str]] = {}
    for tok in vocabulary():
        for name in analyze_names(NameTypeTag.PER, [tok], consolidate=False, phonetics=False):
            if name.form != tok:
                continue
            for sym in name.symbols:
                if sym.category == SymbolCategory.NAME:
                    groups.setdefault(tok, set()).add(str(sym.id))
    size: dict[str, int] = {}
    for ids in groups.values():
        for q in ids:
            size[q] = size.get(q, 0) + 1
    out: dict[str, list[str]] = {}
    for tok, ids in groups.items():
        shared = sorted(q for q in ids if size[q] > 1)
        if shared:
            out[tok] = shared
    return out


def main() -> None:
    from importlib.metadata import version

    groups = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        f.write(f"# given name\tWikidata given-name QIDs (rigour {version('rigour')}, tagger NAME"
                " symbols; built by tiaki.matching.build_name_groups; decision 0021)\n")
        for tok in sorted(groups):
            f.write(f"{tok}\t{' '.join(groups[tok])}\n")
    print(f"{len(groups)} spellings written to {OUT}")


if __name__ == "__main__":
    main()
