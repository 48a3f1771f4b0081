"""Printable indicator guide, rendered from the same data files as the screening engine.

For the 2009 Plan of Action's training items (seed 002, action item 1: "Train operational
staff on people trafficking indicators and appropriate responses"; item 2: "Develop
information materials for government officials"). Because the guide is generated from the
data the engine uses, what officials are taught and what the screening tool applies cannot
drift apart.

The output is one self-contained HTML file (no scripts, no external assets), readable on
screen and printable: semantic headings, real tables with captions and header cells,
strength given in words not colour, and a print stylesheet.

    python -m tiaki.intake.legaltest.guide -o indicator-guide.html
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

from tiaki.intake.legaltest.loader import DEFAULT_INDICATORS_PATH, DEFAULT_LEGAL_PATH, load_ruleset
from tiaki.intake.legaltest.model import (
    ELEMENTS,
    Indicator,
    IndicatorSet,
    LegalFramework,
    LegalTest,
    Ruleset,
    Source,
)
from tiaki.intake.legaltest.reasons import element_names, value_labels

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 1rem; line-height: 1.5; color: #111; background: #fff;
  max-width: 62rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.9rem; line-height: 1.2; }
h2 { font-size: 1.5rem; border-bottom: 2px solid #111; margin-top: 2.5rem; }
h3 { font-size: 1.2rem; margin-top: 1.8rem; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
table { border-collapse: collapse; width: 100%; margin: .75rem 0 1.25rem; }
caption { text-align: left; font-weight: bold; padding: .25rem 0; }
th, td { border: 1px solid #555; padding: .4rem .55rem; text-align: left; vertical-align: top; }
th { background: #eee; }
blockquote { margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid #555;
  background: #f6f6f6; }
code { font-size: .8em; color: #333; overflow-wrap: anywhere; }
ul.indicators { padding-left: 1.25rem; }
ul.indicators li { margin: .35rem 0; }
.meta { display: block; font-size: .85em; color: #333; }
.note { display: block; font-size: .85em; font-style: italic; }
.callout { border-left: 6px solid #555; background: #f3f3f3; padding: .6rem .9rem; }
.unverified { border-left-color: #a00000; background: #fff0f0; }
.skip-link { position: absolute; left: -999rem; }
.skip-link:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
a:focus, a:hover { outline: 3px solid #1a5fb4; }
@page { margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .skip-link, nav.toc { display: none; }
  section.set { break-before: page; }
  li, tr, .callout, blockquote { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .8em; }
}
"""

_STRENGTH_HEADINGS = {"strong": "Strong indicators", "medium": "Medium indicators",
                      "weak": "Weak indicators"}  # fmt: skip
_VERIFICATION_LEAD = {
    "primary": "Checked against the ILO source.",
    "secondary": "Checked against a secondary source only, not the ILO original.",
    "unverified": "Not verified. Do not rely on the strength ratings in this list.",
}


def _e(text: str) -> str:
    return escape(text, quote=True)


def _table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Rows are escaped here; the first cell of each row is its header cell."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{_e(row[0])}</th>'
        + "".join(f"<td>{_e(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _intro(ruleset: Ruleset) -> str:
    legal, catalogue = ruleset.legal, ruleset.indicators
    return f"""
<p>This guide helps frontline officials recognise possible people trafficking and decide
whether to refer a case. It sets out the legal test for trafficking (Palermo Protocol
article 3 and the Crimes Act 1961, checked {_e(legal.checked)}), how trafficking differs from
people smuggling, and the <cite>{_e(catalogue.title)}</cite> ({_e(catalogue.publisher)},
{_e(catalogue.published)}).</p>
<p class="callout"><strong>Indicators are signs, not proof.</strong> No single sign decides a
case. The screening tool that uses these same lists only recommends; a trained person
decides.</p>"""


def _legal(legal: LegalFramework) -> str:
    elements = _table(
        "The three elements of trafficking",
        ["Element", "Question", "In plain words", "UN Trafficking Protocol", "New Zealand law"],
        (
            [d.label, d.question, d.plain, d.palermo, d.nz]
            for d in (legal.elements[e] for e in ELEMENTS)
        ),
    )
    who = {
        "adult": "adults",
        "child": f"children (under {legal.child_under_age})",
        "any": "everyone",
    }
    tests = _table(
        "Which elements are needed",
        ["Test", "Applies to", "Conduct dates", "Elements needed", "What it means"],
        (
            [
                t.label,
                who[t.applies_to],
                _in_force(t),
                element_names(legal, t.requires),
                t.plain,
            ]
            for t in legal.tests
        ),
    )
    means = _table(
        "Means in the Protocol, and whether Crimes Act s98D names them",
        ["Means", "In plain words", "Named in s98D?"],
        (
            [v.label, v.plain, "yes" if v.nz_s98d else "no"]
            for v in legal.elements["means"].values.values()
        ),
    )
    purpose = legal.elements["purpose"]
    purposes = []
    for value in purpose.values.values():
        group = purpose.groups.get(value.group or "", "")
        # "Sexual exploitation (sexual exploitation)" helps nobody.
        suffix = f" ({_e(group)})" if group and group.lower() != value.label.lower() else ""
        purposes.append(f"<li><strong>{_e(value.label)}</strong>{suffix}: {_e(value.plain)}</li>")
    return f"""
<section id="legal-test" aria-labelledby="legal-test-h">
<h2 id="legal-test-h">The legal test</h2>
<p>Trafficking has three parts: an <strong>act</strong>, done by a <strong>means</strong>,
for a <strong>purpose</strong> of exploitation. For a child (under
{legal.child_under_age}) the means are not needed under the Protocol.</p>
{elements}{tests}{means}
<h3>Kinds of exploitation (purpose)</h3><ul>{"".join(purposes)}</ul>
</section>"""


def _smuggling(legal: LegalFramework) -> str:
    rules = legal.smuggling
    features = _table(
        "How smuggling and trafficking differ",
        ["Aspect", "People smuggling", "People trafficking"],
        ([f.feature, f.smuggling, f.trafficking] for f in rules.distinguishing_features),
    )
    test = "".join(f"<li>{_e(t)}</li>" for t in rules.test)
    role = {"required": "needed", "supporting": "supports"}
    signals = "".join(
        f"<li>{_e(s.text)} <em>({role.get(s.role or '', '')})</em></li>" for s in rules.signals
    )
    contra = "".join(f"<li>{_e(s.text)}</li>" for s in rules.contra_signals)
    return f"""
<section id="smuggling" aria-labelledby="smuggling-h">
<h2 id="smuggling-h">Trafficking or smuggling?</h2>
<blockquote>{_e(rules.seed_002)}</blockquote>
<h3>{_e(rules.label)}</h3><ul>{test}</ul><p>{_e(rules.nz)}</p>
{features}
<h3>Facts that point to smuggling</h3><ul>{signals}</ul>
<h3>Facts that point away from smuggling</h3><ul>{contra}</ul>
<p class="callout">{_e(rules.blocked_text)}</p>
</section>"""


def _how_to(ruleset: Ruleset) -> str:
    catalogue, legal = ruleset.indicators, ruleset.legal
    element_rules = "".join(
        f"<li><strong>{_e(legal.elements[e].label)}</strong>: {_e(r.why)}</li>"
        for e, r in catalogue.element_rules.items()
    )
    dimensions = _table(
        "The six dimensions",
        ["Dimension", "In plain words", "Evidence of"],
        (
            [f"{d.number}. {d.title}", d.plain, element_names(legal, sorted(d.evidences))]
            for d in catalogue.dimensions
        ),
    )
    recommendations = "".join(
        f"<li><strong>{_e(r.recommendation.replace('_', ' '))}</strong>: {_e(r.why)}</li>"
        for r in legal.recommendation_rules
    )
    return f"""
<section id="how-to" aria-labelledby="how-to-h">
<h2 id="how-to-h">How to read the indicators</h2>
{dimensions}
<p><strong>When a dimension counts as positive.</strong>
{_e(catalogue.combination_rule.text)}</p>
<p><strong>Combining dimensions (ILO method).</strong> {_e(catalogue.victim_rule.text)}</p>
<h3>When each element is shown</h3><ul>{element_rules}</ul>
<h3>What the screening tool recommends</h3><ul>{recommendations}</ul>
</section>"""


def _indicator(legal: LegalFramework, indicator: Indicator) -> str:
    evidence = "; ".join(
        f"{legal.elements[e].label.lower()}: {value_labels(legal, e, values)}"
        for e, values in indicator.elements.items()
    )
    note = f'<span class="note">Note: {_e(indicator.note)}</span>' if indicator.note else ""
    return (
        f'<li id="{_e(indicator.code)}">{_e(indicator.text)}'
        f'<span class="meta">Evidence of {_e(evidence)}. Code <code>{_e(indicator.code)}</code>'
        f"</span>{note}</li>"
    )


def _in_force(test: LegalTest) -> str:
    """The conduct dates a test's provision covers, as the law in force then."""
    if test.in_force_from is None and test.in_force_until is None:
        return "any date"
    start = test.in_force_from.isoformat() if test.in_force_from else "the start"
    if test.in_force_until is None:
        return f"from {start}"
    return f"{start} to {test.in_force_until.isoformat()}"


def _last_check(ruleset: Ruleset, indicator_set: IndicatorSet) -> str:
    """When and against what the list was last compared, so a trainer can judge it."""
    check = indicator_set.verification.last_check
    if check is None:
        return '<p class="checked">No check against a source is recorded for this list.</p>'
    titles = {s.id: s.citation for s in ruleset.indicators.sources}
    against = "; ".join(titles[source] for source in check.sources)
    return (
        f'<p class="checked">Last checked {check.on.isoformat()} against {_e(against)}. '
        f"{_e(check.result)}</p>"
    )


def _set(ruleset: Ruleset, indicator_set: IndicatorSet) -> str:
    catalogue, legal = ruleset.indicators, ruleset.legal
    status = indicator_set.verification.status
    css = "callout unverified" if status == "unverified" else "callout"
    parts = [
        f'<section class="set" id="set-{_e(indicator_set.id)}" '
        f'aria-labelledby="set-{_e(indicator_set.id)}-h">',
        f'<h2 id="set-{_e(indicator_set.id)}-h">{_e(indicator_set.title)}</h2>',
        f'<p class="{css}" role="note"><strong>{_e(_VERIFICATION_LEAD[status])}</strong> '
        f"{_e(indicator_set.verification.note)}</p>",
        _last_check(ruleset, indicator_set),
    ]
    for dimension in catalogue.dimensions:
        parts.append(f"<h3>{dimension.number}. {_e(dimension.title)}</h3>")
        parts.append(f"<p>{_e(dimension.plain)}</p>")
        for strength in catalogue.strengths:
            items = [
                i
                for i in indicator_set.indicators
                if i.dimension == dimension.id and i.strength == strength
            ]
            heading = _STRENGTH_HEADINGS.get(strength, f"{strength.capitalize()} indicators")
            parts.append(f"<h4>{_e(heading)}</h4>")
            if items:
                lis = "".join(_indicator(legal, i) for i in items)
                parts.append(f'<ul class="indicators">{lis}</ul>')
            else:
                parts.append("<p>None in this list.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _sources(title: str, sources: Sequence[Source]) -> str:
    items = "".join(
        f"<li><p>{_e(s.citation)}"
        + (f' <a href="{_e(s.url)}">{_e(s.url)}</a>' if s.url else "")
        + f"</p><p><strong>What was checked:</strong> {_e(s.verified)}</p></li>"
        for s in sources
    )
    return f"<h3>{_e(title)}</h3><ul>{items}</ul>"


def render_guide(ruleset: Ruleset) -> str:
    """The whole guide as one HTML document."""
    catalogue, legal = ruleset.indicators, ruleset.legal
    toc_items = [
        ("legal-test", "The legal test"),
        ("smuggling", "Trafficking or smuggling?"),
        ("how-to", "How to read the indicators"),
        *((f"set-{s.id}", s.title) for s in catalogue.sets),
        ("referral", "Who to refer to"),
        ("sources", "Sources and what was checked"),
    ]
    toc = "".join(f'<li><a href="#{_e(a)}">{_e(t)}</a></li>' for a, t in toc_items)
    body = "\n".join(
        [
            _intro(ruleset),
            f'<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>{toc}</ol></nav>',
            _legal(legal),
            _smuggling(legal),
            _how_to(ruleset),
            *(_set(ruleset, s) for s in catalogue.sets),
            f"""<section id="referral" aria-labelledby="referral-h">
<h2 id="referral-h">Who to refer to</h2>
<p><strong>Adults:</strong> {_e(legal.referral.adult)}</p>
<p><strong>Children:</strong> {_e(legal.referral.child)}</p></section>""",
            f"""<section id="sources" class="about" aria-labelledby="sources-h">
<h2 id="sources-h">Sources and what was checked</h2>
{_sources("Indicators", catalogue.sources)}{_sources("Law", legal.sources)}</section>""",
        ]
    )
    return f"""<!DOCTYPE html>
<html lang="en-NZ">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trafficking indicator guide - identify and refer</title>
<style>{_CSS}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to the guide</a>
<header><h1>Trafficking indicator guide: identify and refer</h1>
<p>For frontline officials in Aotearoa New Zealand. Rules version:
<code>{_e(ruleset.engine_version)}</code></p></header>
<main id="main">
{body}
</main>
<footer><p>Generated from the Tiaki data files; edit those, not this page.</p></footer>
</body>
</html>
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the printable indicator guide.")
    parser.add_argument("--indicators", type=Path, default=DEFAULT_INDICATORS_PATH)
    parser.add_argument("--legal", type=Path, default=DEFAULT_LEGAL_PATH)
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    html = render_guide(load_ruleset(args.indicators, args.legal))
    if args.output:
        args.output.write_text(html, encoding="utf-8")
    else:
        sys.stdout.write(html)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
