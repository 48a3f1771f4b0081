"""Romanisation variants as data: one definition for the batch and the single-record paths.

The same person's name reaches the border in several romanisations: Wade-Giles and pinyin
(Chang Chien-pin / Zhang Jianbin), Revised Romanization, McCune-Reischauer and passport custom
(Paek / Baek, Yi / Lee / Ri), RTGS and the spellings Thai people choose (Duangphon /
Duangporn), the Arabic article joined or apart (Alharbi / al-Harbi, Benali / bin Ali). The rules
that fold them onto one spelling are not code but YAML files in ``data/matching/romanisation/``,
read in file-name order, so a country adds a file (or points ``TIAKI_ROMANISATION_DIRS`` at
its own directory, ``:``-separated) without touching the engine. Each file has:

* ``version`` and ``system`` (what the file covers, with its sources in comments);
* ``variants``: lists of whole tokens that are one name, the first being the form kept;
* ``rewrite``: ordered ``{pattern, replace}`` rules (Python regular expressions on one lower-case
  token), applied to tokens that are not listed variants, optionally only to tokens that ``when``
  matches in full (e.g. tokens made of Mandarin syllables), and with an ``example``: spellings
  that the rules must make one (``[Duangporn, Duangphon]``), checked by the loader against the
  whole rule set, so a rule that another file's rule undoes fails loudly instead of silently;
* ``split_prefix``: particles written joined to a following known name (``benali``).

`fold` is the only function the two paths call (`normalize.name_tokens` on every distinct
token of a chunk, `scalar.name_tokens` per token), so a rule changed once changes both. A folded
spelling is a comparison key: explanations still show the name as written and transliterated.
It is an alternative, not a replacement: the comparison keeps each token as written
(`written`) and takes the better of the two spellings (decision 0020), because the rules also
rewrite Latin names that needed no help ("Putin" -> "budin").
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from tiaki.matching import lexicon

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data" / "matching" / "romanisation"


class RulesError(ValueError):
    """A romanisation file that cannot be used; the message names the file and the entry."""


@dataclass
class Rules:
    variants: dict[str, str] = field(default_factory=dict)
    # (pattern, replacement, condition: the rule applies only to tokens the condition matches)
    rewrites: list[tuple[re.Pattern[str], str, re.Pattern[str] | None]] = field(
        default_factory=list
    )
    # The rewrites again, in runs (one per file), each with one pattern matching wherever any
    # of its rules' patterns does (``_segments``): a token that no pattern of a run matches
    # is left as it is by every rule of the run, so the run is skipped with one search.
    segments: list[tuple[re.Pattern[str] | None,
                         list[tuple[re.Pattern[str], str, re.Pattern[str] | None]]]] = field(
        default_factory=list
    )
    split_particles: tuple[str, ...] = ()
    split_before: frozenset[str] = frozenset()
    versions: dict[str, Any] = field(default_factory=dict)


def rule_dirs() -> list[Path]:
    extra = os.environ.get("TIAKI_ROMANISATION_DIRS", "")
    return [DEFAULT_DIR, *(Path(p) for p in extra.split(os.pathsep) if p)]


def _merge_groups(groups: list[list[str]]) -> dict[str, str]:
    """Union of groups that share a token (Korean 'lee' and Chinese 'lee' are one group);
    the form kept is the first token of the first group that mentions the set."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for g in groups:
        known = [t for t in g if t in parent]
        for t in g:
            parent.setdefault(t, t)
        root = find(known[0] if known else g[0])
        for t in g:
            r = find(t)
            if r != root:
                parent[r] = root
    return {t: find(t) for t in parent}


def load(dirs: list[Path] | None = None) -> Rules:
    groups: list[list[str]] = []
    rules = Rules()
    particles: list[str] = []
    before: set[str] = set()
    examples: list[tuple[Path, list[str]]] = []
    for d in dirs if dirs is not None else rule_dirs():
        for path in sorted(d.glob("*.yaml")):
            try:
                doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise RulesError(f"{path}: not valid YAML ({exc})") from exc
            if not isinstance(doc, dict) or "version" not in doc:
                raise RulesError(f"{path}: a mapping with a 'version' is required")
            rules.versions[path.name] = doc["version"]
            for i, g in enumerate(doc.get("variants") or [], 1):
                if not isinstance(g, list) or len(g) < 2:
                    raise RulesError(f"{path}: variants entry {i} must list two or more tokens")
                groups.append([str(t).lower() for t in g])
            start = len(rules.rewrites)
            for i, r in enumerate(doc.get("rewrite") or [], 1):
                try:
                    pattern = re.compile(str(r["pattern"]))
                    repl = str(r["replace"])
                    when = re.compile(str(r["when"])) if r.get("when") else None
                except (KeyError, TypeError, re.error) as exc:
                    raise RulesError(f"{path}: rewrite rule {i} is not usable ({exc})") from exc
                rules.rewrites.append((pattern, repl, when))
                if r.get("example"):
                    examples.append((path, [str(e) for e in r["example"]]))
            if len(rules.rewrites) > start:
                rules.segments.append(_segment(rules.rewrites[start:]))
            sp = doc.get("split_prefix")
            if sp:
                particles += [str(p).lower() for p in sp.get("particles", [])]
                before |= {str(b).lower() for b in sp.get("before", [])}
    rules.variants = _merge_groups(groups)
    rules.split_particles = tuple(sorted(set(particles), key=len, reverse=True))
    rules.split_before = frozenset(before)
    for path, spellings in examples:
        got = [_fold_spelling(rules, e) for e in spellings]
        if len(set(got)) > 1:
            shown = ", ".join(f"{e} -> {' '.join(g)}" for e, g in zip(spellings, got, strict=True))
            raise RulesError(f"{path}: example spellings do not fold alike ({shown})")
    return rules


def _segment(run: list[tuple[re.Pattern[str], str, re.Pattern[str] | None]]
             ) -> tuple[re.Pattern[str] | None,
                        list[tuple[re.Pattern[str], str, re.Pattern[str] | None]]]:
    """A run of rewrites with the pattern that finds any of theirs (None when their
    patterns cannot be put in one, e.g. two groups of the same name: every rule is tried)."""
    try:
        either = re.compile("|".join(f"(?:{p.pattern})" for p, _, _ in run))
    except re.error:
        either = None
    return either, run


def _one(rules: Rules, tok: str) -> str:
    if tok in lexicon.PARTICLE_CANON:
        return lexicon.PARTICLE_CANON[tok]
    if tok in rules.variants:
        return rules.variants[tok]
    if not tok.isalpha():
        return tok
    # Consecutive rules often share a condition (the Mandarin-syllable rules): it is tested
    # again only when a rule has changed the token since (most tokens fail it every time).
    tested: tuple[re.Pattern[str] | None, str, bool] = (None, "", False)
    for either, run in rules.segments or [(None, rules.rewrites)]:
        if either is not None and either.search(tok) is None:
            continue
        for pattern, repl, when in run:
            if when is not None:
                if when is not tested[0] or tok != tested[1]:
                    tested = (when, tok, when.fullmatch(tok) is not None)
                if not tested[2]:
                    continue
            tok = pattern.sub(repl, tok)
    return rules.variants.get(tok, tok)


def _fold_with(rules: Rules, tok: str) -> list[str]:
    for p in rules.split_particles:
        if tok.startswith(p) and tok[len(p) :] in rules.split_before:
            return [_one(rules, p), _one(rules, tok[len(p) :])]
    return [_one(rules, tok)]


def _fold_spelling(rules: Rules, written: str) -> tuple[str, ...]:
    """A spelling as the engine's cleaning leaves it (lower case, split on non-letters),
    then folded; the compact form, so that "Kuo-ping" and "Guoping" can be compared."""
    out: list[str] = []
    for tok in re.split(r"[^a-z0-9]+", written.lower()):
        if tok:
            out += _fold_with(rules, tok)
    return ("".join(out),)


@lru_cache(maxsize=1)
def rules() -> Rules:
    return load()


@lru_cache(maxsize=262_144)
def fold(tok: str) -> tuple[str, ...]:
    """The comparison form of one normalised token: usually one token, two when a joined
    particle is split off ("benali" -> "bin", "ali")."""
    return tuple(_fold_with(rules(), tok))


def written(tok: str) -> tuple[str, ...]:
    """`fold(tok)` with each part as written: the token itself when the fold keeps it one
    token, the folded parts when it splits a joined particle off (one per `fold` part)."""
    folded = fold(tok)
    return (tok,) if len(folded) == 1 else folded
