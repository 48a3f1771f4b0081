"""Translators' files: the portal's and the victims' information's languages go out as .po or
XLIFF 2.0 and come back atomically, idempotently, and unreviewed until a fluent reviewer says."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
import yaml
from django.core.management import CommandError, call_command
from lxml import etree

from tiaki.intake import i18n
from tiaki.plan import victims_info
from tiaki.translations.exchange import ExchangeError, export, import_file

XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """A copy of the two contents' data files, so imports write there and not into data/."""
    source = Path(settings.TIAKI_DATA_DIR)
    shutil.copytree(source / "i18n" / "report", tmp_path / "i18n" / "report")
    shutil.copytree(source / "victims-info", tmp_path / "victims-info")
    settings.TIAKI_VICTIMS_INFO_DIR = str(tmp_path / "victims-info")
    settings.TIAKI_PORTAL_I18N_DIR = str(tmp_path / "i18n" / "report")
    i18n.clear_cache()
    victims_info.all_content.cache_clear()
    yield tmp_path
    i18n.clear_cache()
    victims_info.all_content.cache_clear()


def _po_set(data: bytes, entry_id: str, text: str) -> bytes:
    po = polib.pofile(data.decode(), wrapwidth=0)
    [entry] = [e for e in po if e.msgctxt == entry_id]
    entry.msgstr = text
    return str(po).encode()


def _xliff_set(data: bytes, entry_id: str, text: str) -> bytes:
    root = etree.fromstring(data)
    [unit] = [u for u in root.iter(f"{XLIFF}unit") if u.get("id") == entry_id]
    target = unit.find(f"{XLIFF}segment/{XLIFF}target")
    if target is None:
        target = etree.SubElement(unit.find(f"{XLIFF}segment"), f"{XLIFF}target")
    target.text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.django_db
def test_po_round_trip_of_a_portal_language(data_dir: Path) -> None:
    mi = data_dir / "i18n" / "report" / "mi.yaml"
    before = mi.read_bytes()
    exported = export(content="portal", language="mi", fmt="po")
    po = polib.pofile(exported.decode())
    assert po.metadata["Language"] == "mi" and po.metadata["X-Tiaki-Reviewed"] == "no"
    title = next(e for e in po if e.msgctxt == "title")
    assert title.msgid == i18n.get("en").strings["title"]
    assert title.msgstr == i18n.get("mi").strings["title"]
    assert "{seconds}" in next(e for e in po if e.msgctxt == "pow_nojs").comment

    # The same file back changes nothing: the data file is not even rewritten.
    result = import_file(exported, name="mi.po")
    assert not result.written and result.unchanged == len(i18n.get("en").strings)
    assert mi.read_bytes() == before

    changed = _po_set(exported, "submit", "Tukuna tō pūrongo")
    result = import_file(changed, name="mi.po")
    assert result.changed == ["submit"]
    catalogue = i18n.get("mi")
    assert catalogue.strings["submit"] == "Tukuna tō pūrongo"
    assert catalogue.strings["title"] == title.msgstr
    assert not catalogue.reviewed_in_file and not i18n.is_reviewed(catalogue)
    # The translator's note at the top of the data file stays.
    assert mi.read_text("utf-8").startswith("# The public reporting portal's words in Māori")
    # Importing it again is a no-op.
    again = import_file(changed, name="mi.po")
    assert not again.written


@pytest.mark.django_db
def test_changing_a_reviewed_portal_language_withdraws_the_approval(
        data_dir: Path, make_user: Any) -> None:
    from tiaki.accounts.roles import Role
    from tiaki.intake.services import catalogue_approve

    secretariat = make_user("sec", "MBIE", [Role.SECRETARIAT])
    catalogue_approve(actor=secretariat, language="sm", reviewer_name="Fluent Reviewer",
                      fluent=True)
    exported = export(content="portal", language="sm", fmt="xliff")
    root = etree.fromstring(exported)
    states = {s.get("state") for s in root.iter(f"{XLIFF}segment")}
    assert "reviewed" in states and "translated" not in states

    # Unchanged strings keep the language's approval...
    assert not import_file(exported, name="sm.xlf").written
    assert i18n.is_reviewed(i18n.get("sm"))
    # ... and a changed one makes it unreviewed until someone fluent approves again.
    result = import_file(_xliff_set(exported, "submit", "Auina atu"), name="sm.xlf")
    assert result.was_reviewed and result.changed == ["submit"]
    assert i18n.get("sm").strings["submit"] == "Auina atu"
    assert not i18n.is_reviewed(i18n.get("sm"))


@pytest.mark.django_db
def test_xliff_round_trip_of_victims_information(data_dir: Path) -> None:
    sm = data_dir / "victims-info" / "sm.yaml"
    raw = yaml.safe_load(sm.read_text("utf-8"))
    raw["review"] = {"status": "reviewed", "reviewer": "A. Translator",
                     "reviewed_on": "2026-11-01"}
    sm.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    victims_info.all_content.cache_clear()

    exported = export(content="victims-info", language="sm", fmt="xliff")
    root = etree.fromstring(exported)
    assert root.get("version") == "2.0" and root.get("trgLang") == "sm"
    assert root.find(f"{XLIFF}file").get("id") == "victims-info"
    ids = [u.get("id") for u in root.iter(f"{XLIFF}unit")]
    assert ids[:4] == ["title", "intro", "sections.health.title", "sections.health.body"]

    assert not import_file(exported, name="sm.xlf").written
    assert victims_info.all_content()["sm"].reviewed  # unchanged: still reviewed

    result = import_file(_xliff_set(exported, "sections.acc.body", "  Totogi e le ACC.  "),
                         name="sm.xlf")
    assert result.changed == ["sections.acc.body"]
    content = victims_info.all_content()["sm"]
    assert {s.code: s.body for s in content.sections}["acc"] == "Totogi e le ACC."
    assert not content.reviewed and content.review.reviewer == ""

    # A .po of the same content reads the same way.
    po = export(content="victims-info", language="sm", fmt="po")
    assert polib.pofile(po.decode()).metadata["X-Tiaki-Content"] == "victims-info"
    assert not import_file(po, name="sm.po").written


@pytest.mark.django_db
def test_a_bad_po_file_is_refused_whole_naming_the_line_entry_and_field(data_dir: Path) -> None:
    mi = data_dir / "i18n" / "report" / "mi.yaml"
    before = mi.read_bytes()
    exported = export(content="portal", language="mi", fmt="po")
    # One good change, then a translation that lost its placeholder.
    bad = _po_set(_po_set(exported, "submit", "Tukuna"), "pow_nojs", "Tatari mō ētahi hēkona.")
    with pytest.raises(ExchangeError) as refused:
        import_file(bad, name="mi.po")
    [problem] = refused.value.problems
    line = next(e for e in polib.pofile(bad.decode()) if e.msgctxt == "pow_nojs").linenum
    assert problem.startswith(f"mi.po: line {line}: entry 'pow_nojs': msgstr: ")
    assert "{seconds}" in problem
    assert mi.read_bytes() == before  # the good change was not written either

    po = polib.pofile(exported.decode(), wrapwidth=0)
    next(e for e in po if e.msgctxt == "title").msgid = "An older English title"
    next(e for e in po if e.msgctxt == "submit").msgctxt = "no_such_key"
    with pytest.raises(ExchangeError) as refused:
        import_file(str(po).encode(), name="mi.po")
    problems = refused.value.problems
    assert any("entry 'title': msgid: the English text has changed" in p for p in problems)
    assert any("entry 'no_such_key': msgctxt: no such entry" in p for p in problems)
    assert mi.read_bytes() == before


@pytest.mark.django_db
def test_bad_xliff_is_refused_with_its_line(data_dir: Path) -> None:
    exported = export(content="victims-info", language="sm", fmt="xliff")
    broken = exported.replace(b"</target>", b"</targt>", 1)
    with pytest.raises(ExchangeError) as refused:
        import_file(broken, name="sm.xlf")
    assert "sm.xlf: line 6: not well-formed XML" in refused.value.problems[0]
    with pytest.raises(ExchangeError, match=r"reads XLIFF 2\.0"):
        import_file(exported.replace(b'version="2.0"', b'version="1.2"'), name="sm.xlf")
    with pytest.raises(ExchangeError, match="there is no language 'fj'"):
        export(content="victims-info", language="fj", fmt="po")


@pytest.mark.django_db
def test_the_command(data_dir: Path, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "mi.po"
    call_command("translations", "export", "--format", "po", "--language", "mi", str(out))
    out.write_bytes(_po_set(out.read_bytes(), "submit", "Tukuna"))
    call_command("translations", "import", str(out))
    said = capsys.readouterr().out
    assert "portal mi: 1 string changed (submit)" in said and "unreviewed" in said
    call_command("translations", "import", str(out))
    assert "no change" in capsys.readouterr().out
    out.write_bytes(_po_set(out.read_bytes(), "too_long", "Roa rawa"))
    with pytest.raises(CommandError, match=r"(?s)refused, nothing written.*entry 'too_long'"):
        call_command("translations", "import", str(out))
    assert (data_dir / "i18n" / "report" / "mi.yaml").read_text("utf-8").count("Tukuna") >= 1
