"""Every word the staff interface shows comes from the gettext catalogue, and te reo Māori's
catalogue translates all of it.

Three static checks, no pages rendered:
- no staff template carries visible English outside ``{% translate %}`` /
  ``{% blocktranslate %}`` (text between tags and the attributes a person reads or hears);
- every entry of ``tiaki/locale/mi/LC_MESSAGES/django.po`` has a translation that is not fuzzy;
- the catalogue holds every string the source marks (``makemessages`` run on a copy adds none).
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.template.base import tag_re
from django.test import override_settings

from tiaki.core.i18n import po_path

ROOT = Path(__file__).resolve().parents[2]
TIAKI = ROOT / "tiaki"

# Templates whose words are content in a language chosen for the reader, not the interface:
EXEMPT = {
    # The public reporting portal: its languages are data files (data/i18n/report/), chosen by
    # the person reporting, reviewed per language (docs/decisions/0015-staff-translations.md).
    "tiaki/intake/templates/intake/public/",
}

# Staff templates not yet converted to the catalogue. Each is removed from here when its words
# go through {% translate %}; the list only ever shrinks.
PENDING: set[str] = set()

# Visible words that are the same in every language: the product's name, and each language
# named in itself in the language switch.
NOT_TRANSLATED = {"Tiaki", "English", "Te reo Māori"}
# A word with a digit in it or in capitals only is a code, a reference or an abbreviation
# (R-000012, v3, s98E, CSV, SHA-256), written the same in every language. A text made only of
# such words, numbers and punctuation needs no translation.
_SYMBOL = re.compile(r"^(?:\S*\d\S*|[A-Z]{2,})$")
# Inside these elements is code, a key or a program's output, not words.
CODE_ELEMENTS = {"script", "style", "code", "kbd", "samp"}

# Attributes whose value is shown or read out to the person using the page.
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-description",
                      "aria-roledescription", "hx-confirm", "data-confirm"}
BUTTON_INPUTS = {"submit", "button", "reset"}

LETTER = re.compile(r"[^\W\d_]")
# A filter's fallback text, shown when the value is empty: {{ x|default:"not said" }}. Written
# as default:_("not said") it comes from the catalogue.
FALLBACK = re.compile(r"""\|default(?:_if_none)?:(["'])(.*?)\1""")


def staff_templates() -> list[Path]:
    paths = []
    for path in sorted(TIAKI.glob("**/templates/**/*.html")):
        relative = path.relative_to(ROOT).as_posix()
        if any(relative.startswith(prefix) for prefix in EXEMPT):
            continue
        paths.append(path)
    return paths


def _skeleton(source: str) -> str:
    """The template with every Django tag, variable and comment blanked out, and the text
    inside {% blocktranslate %} and {% comment %} removed, keeping line numbers.

    A variable becomes "0" and a tag a space, so an attribute built from tags still parses
    as one attribute and no letter is left behind by either."""
    out: list[str] = []
    skip_until: str | None = None
    for piece in tag_re.split(source):
        newlines = "\n" * piece.count("\n")
        if piece[:2] in {"{{", "{%"}:
            # A fallback's words are visible text: kept, as text, where the tag stood.
            fallbacks = " ".join(m.group(2) for m in FALLBACK.finditer(piece)
                                 if LETTER.search(m.group(2)))
            if fallbacks:
                out.append(f"<i>{fallbacks}</i>")
        if piece.startswith("{%") and piece.endswith("%}"):
            bits = piece[2:-2].split()
            name = bits[0] if bits else ""
            if skip_until is None and name in {"blocktranslate", "blocktrans"}:
                skip_until = "endblocktranslate" if name == "blocktranslate" else "endblocktrans"
            elif skip_until is None and name == "comment":
                skip_until = "endcomment"
            elif name == skip_until:
                skip_until = None
            out.append(" " + newlines)
        elif piece.startswith("{{") and piece.endswith("}}"):
            out.append(newlines if skip_until else "0" + newlines)
        elif (piece.startswith("{#") and piece.endswith("#}")) or skip_until is not None:
            # A comment, or text translated as part of its {% blocktranslate %}.
            out.append(newlines)
        else:
            out.append(piece)
    return "".join(out)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._raw: str | None = None  # inside <script>, <code>…: code, not words

    def _keep(self, text: str, line: int) -> None:
        text = " ".join(text.split())
        if needs_translation(text):
            self.found.append((line, text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_ELEMENTS and self._raw is None:
            self._raw = tag
        values = dict(attrs)
        for name, value in attrs:
            if not value:
                continue
            if name in VISIBLE_ATTRIBUTES or (
                    name == "value" and tag == "input"
                    and (values.get("type") or "").lower() in BUTTON_INPUTS):
                self._keep(value, self.getpos()[0])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == self._raw:
            self._raw = None

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw is None:
            # The line the text's first word is on, not the line its run of white space starts.
            line = self.getpos()[0] + data[:len(data) - len(data.lstrip())].count("\n")
            self._keep(data, line)


def needs_translation(text: str) -> bool:
    words = [word.strip(".,:;()[]{}\"'·—–-/") for word in text.split()]
    return any(LETTER.search(word) and word not in NOT_TRANSLATED and not _SYMBOL.match(word)
               for word in words) and text not in NOT_TRANSLATED


def untranslated_text(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line: text`` for each visible text in ``path`` left outside the catalogue."""
    parser = _VisibleText()
    parser.feed(_skeleton(path.read_text(encoding="utf-8")))
    parser.close()
    relative = path.relative_to(root).as_posix()
    return [f"{relative}:{line}: {text}" for line, text in parser.found]


def test_the_check_finds_english_outside_the_catalogue(tmp_path: Path) -> None:
    # The check itself: English anywhere visible is caught, with its line; translated text,
    # variables, tags, comments, code and invisible attributes are not.
    sample = tmp_path / "sample.html"
    sample.write_text(
        '{% load i18n %}{# Not shown #}\n'
        '<h1>{% translate "Fine" %}</h1>\n'
        '<p>{% blocktranslate with n=x trimmed %}Also {{ n }} fine{% endblocktranslate %}</p>\n'
        '<p>{{ value }} — {{ other|date:"Y" }}</p>\n'
        '<p class="hidden-class" data-x="words">Left in English</p>\n'
        '{% comment %}Nor this{% endcomment %}<script>let words = "code";</script>\n'
        '<input type="submit" value="Send it"><input type="hidden" name="x" value="kept">\n'
        '<span title="A tip">{% if a %}{% translate "Yes" %}{% else %}No{% endif %}</span>\n'
        '<option value="{{ c }}"{% if c == v %} selected{% endif %}>{{ label }}</option>\n'
        '<dd>{{ x|default:"not said" }} {{ y|default:_("fine") }} {{ z|default:"—" }}</dd>\n'
        '<p>R-{{ n }} v{{ v }} s98E CSV SHA-256 <code>in and not</code> Tiaki · Tiaki</p>\n'
        '<p>Remove {{ n }}</p>\n',
        encoding="utf-8")
    assert untranslated_text(sample, tmp_path) == [
        "sample.html:5: Left in English", "sample.html:7: Send it", "sample.html:8: A tip",
        "sample.html:8: No", "sample.html:10: not said", "sample.html:12: Remove 0"]


def test_every_staff_template_takes_its_words_from_the_catalogue() -> None:
    relative = {p.relative_to(ROOT).as_posix() for p in staff_templates()}
    assert relative >= PENDING, ("PENDING names templates that no longer exist",
                                 sorted(PENDING - relative))
    left = [line for path in staff_templates()
            if path.relative_to(ROOT).as_posix() not in PENDING
            for line in untranslated_text(path)]
    assert left == [], "English outside {% translate %}:\n" + "\n".join(left)


def test_pending_templates_still_need_converting() -> None:
    # A converted template left in PENDING would be exempt from the check for no reason.
    done = sorted(p for p in PENDING if not untranslated_text(ROOT / p))
    assert done == [], ("converted; remove from PENDING", done)


def test_maori_catalogue_translates_every_entry() -> None:
    catalogue = polib.pofile(str(po_path("mi")))
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and (
        "fuzzy" in entry.flags
        or (entry.msgid_plural and not all(entry.msgstr_plural.values()))
        or (not entry.msgid_plural and not entry.msgstr.strip()))]
    assert missing == [], missing


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def test_maori_catalogue_holds_every_string_the_source_marks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # makemessages on a copy of the source: xgettext reads every template and Python file, and
    # msgmerge adds each marked string the catalogue lacks. The working tree is never touched.
    copy = tmp_path / "tiaki"
    shutil.copytree(TIAKI, copy, ignore=shutil.ignore_patterns(
        "__pycache__", "*.mo", "static", "node_modules"))
    locale = copy / "locale"
    before = {_key(e) for e in polib.pofile(str(locale / "mi" / "LC_MESSAGES" / "django.po"))}
    # makemessages looks for files from the current directory.
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[locale]):
        call_command("makemessages", locale=["mi"], verbosity=0, no_location=True,
                     no_wrap=True)
    after = polib.pofile(str(locale / "mi" / "LC_MESSAGES" / "django.po"))
    added = sorted(e.msgid for e in after if not e.obsolete and _key(e) not in before)
    assert added == [], ("marked in the source but missing from the catalogue", added)
