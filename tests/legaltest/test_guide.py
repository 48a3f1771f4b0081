"""The printable guide shows every indicator of every set, and the legal test and the
trafficking/smuggling table, from the same data the engine uses."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tiaki.intake.legaltest import Ruleset
from tiaki.intake.legaltest.guide import main, render_guide


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: set[str] = set()
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if values.get("src"):
            self.srcs.append(values["src"] or "")


@pytest.fixture(scope="module")
def guide(ruleset: Ruleset) -> str:
    return render_guide(ruleset)


def test_every_indicator_appears(ruleset: Ruleset, guide: str) -> None:
    parser = _Collector()
    parser.feed(guide)
    ids = set(parser.ids)
    for indicator in ruleset.indicators.by_code.values():
        assert indicator.code in ids, indicator.code
        assert escape(indicator.text) in guide, indicator.code


def test_ids_are_unique(guide: str) -> None:
    parser = _Collector()
    parser.feed(guide)
    assert len(parser.ids) == len(set(parser.ids))


def test_self_contained_and_accessible(guide: str) -> None:
    parser = _Collector()
    parser.feed(guide)
    assert guide.startswith("<!DOCTYPE html>")
    assert '<html lang="en-NZ">' in guide
    assert "script" not in parser.tags and "link" not in parser.tags
    assert parser.srcs == []  # no images or other external assets
    assert {"main", "nav", "table", "caption", "th"} <= parser.tags
    assert 'scope="col"' in guide and 'scope="row"' in guide
    assert "@media print" in guide


def test_legal_test_and_smuggling_table(ruleset: Ruleset, guide: str) -> None:
    legal = ruleset.legal
    for definition in legal.elements.values():
        assert escape(definition.plain) in guide
    for test in legal.tests:
        assert escape(test.label) in guide
    assert "Trafficking or smuggling?" in guide
    for feature in legal.smuggling.distinguishing_features:
        assert escape(feature.smuggling) in guide
        assert escape(feature.trafficking) in guide
    assert escape(legal.smuggling.seed_002) in guide


def test_unverified_lists_are_marked(ruleset: Ruleset, guide: str) -> None:
    unverified = [s for s in ruleset.indicators.sets if s.verification.status == "unverified"]
    assert unverified
    assert guide.count("Not verified. Do not rely on the strength ratings") == len(unverified)


def test_sources_and_version_are_shown(ruleset: Ruleset, guide: str) -> None:
    assert ruleset.engine_version in guide
    for source in (*ruleset.indicators.sources, *ruleset.legal.sources):
        assert escape(source.verified) in guide


def test_command_line_writes_the_file(tmp_path: Path, ruleset: Ruleset) -> None:
    out = tmp_path / "guide.html"
    assert main(["-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == render_guide(ruleset)
