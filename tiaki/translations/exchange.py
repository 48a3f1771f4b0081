"""Translators' files for the content Tiaki keeps per language: export to and import from
gettext ``.po`` and XLIFF 2.0 (issue 9 §4, issue 14 §5; decision 0015).

Two kinds of content are exchanged, each kept as one versioned data file per language with its
review state:

- ``portal``: the public reporting portal's words (``data/i18n/report/<lang>.yaml``);
- ``victims-info``: the victims' information pages and pamphlet, Plan item 27
  (``data/victims-info/<lang>.yaml``).

One entry is one translatable string, named by a stable id (``title``, ``what_seen_hint``,
``sections.health.body``): the ``.po`` file's ``msgctxt`` or the XLIFF ``unit`` id, with the
English text as ``msgid``/``source`` and the translation as ``msgstr``/``target``.

Import is checked whole before anything is written (atomic) and writes nothing when no string
changes (idempotent). A changed string makes the language unreviewed again: the data file's
review fields are cleared and, since its content hash changes, an approval recorded in Tiaki no
longer matches it. A translator's file never makes a translation reviewed, whatever state it
claims; a fluent reviewer approves in Tiaki (or in the data file with their name).
"""

from __future__ import annotations

import io
import os
import re
import string
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polib
import yaml
from lxml import etree
from translate.storage import xliff2

Content = Literal["portal", "victims-info"]
Format = Literal["po", "xliff"]
CONTENTS: tuple[Content, ...] = ("portal", "victims-info")
SOURCE_LANGUAGE = "en"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


class ExchangeError(Exception):
    """A translation file is refused; ``problems`` name the line, the entry and the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Entry:
    id: str
    source: str
    target: str
    line: int = 0
    fuzzy: bool = False


@dataclass(frozen=True)
class Parsed:
    content: str
    language: str
    entries: list[Entry]


@dataclass
class ImportResult:
    content: Content
    language: str
    path: Path
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    was_reviewed: bool = False

    @property
    def written(self) -> bool:
        return bool(self.changed)


# --------------------------------------------------------------------------- the two contents


@dataclass(frozen=True)
class _Kind:
    """Where one kind of content lives and how its strings map to entries."""

    directory: Callable[[], Path]
    strings: Callable[[dict[str, Any]], dict[str, str]]
    apply: Callable[[dict[str, Any], dict[str, str], dict[str, Any]], None]
    reviewed: Callable[[str], bool]
    mark_unreviewed: Callable[[dict[str, Any]], None]
    validate: Callable[[str, str], None]
    hint: Callable[[str, str], str]


def _portal_dir() -> Path:
    from tiaki.intake import i18n

    return i18n.catalogue_dir()


def _portal_strings(raw: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in (raw.get("strings") or {}).items()}


def _portal_apply(raw: dict[str, Any], changes: dict[str, str], source: dict[str, Any]) -> None:
    strings = dict(raw.get("strings") or {})
    strings.update(changes)
    # Keep the English file's order, so a diff of the data file reads entry by entry.
    order = list(_portal_strings(source))
    raw["strings"] = {k: strings[k] for k in order if k in strings}


def _portal_reviewed(language: str) -> bool:
    from tiaki.intake import i18n

    catalogue = i18n.catalogues().get(language)
    return catalogue is not None and i18n.is_reviewed(catalogue)


def _portal_mark_unreviewed(raw: dict[str, Any]) -> None:
    raw["reviewed"] = False
    raw["reviewer"] = ""
    if "reviewed_on" in raw:
        raw["reviewed_on"] = ""


def _portal_validate(name: str, text: str) -> None:
    from tiaki.intake import i18n

    try:
        i18n._File.model_validate(yaml.safe_load(text))
    except Exception as exc:  # pydantic's message names the field
        raise ExchangeError([f"{name}: the result would not load: {exc}"]) from exc


def _portal_hint(entry_id: str, english: str) -> str:
    names = sorted(set(_PLACEHOLDER.findall(english)))
    if names:
        return ("Keep the placeholders " + ", ".join("{" + n + "}" for n in names)
                + " exactly as they are.")
    return ""


def _victims_dir() -> Path:
    from tiaki.plan import victims_info

    return victims_info.content_dir()


def _victims_strings(raw: dict[str, Any]) -> dict[str, str]:
    found = {k: str(raw[k]) for k in ("title", "intro") if raw.get(k)}
    for section in raw.get("sections") or []:
        for part in ("title", "body"):
            if section.get(part):
                found[f"sections.{section['code']}.{part}"] = str(section[part])
    return found


def _victims_apply(raw: dict[str, Any], changes: dict[str, str], source: dict[str, Any]) -> None:
    for key in ("title", "intro"):
        if key in changes:
            raw[key] = changes[key]
    sections = {s["code"]: dict(s) for s in raw.get("sections") or []}
    for entry_id, text in changes.items():
        if entry_id.startswith("sections."):
            _, code, part = entry_id.split(".")
            sections.setdefault(code, {"code": code})[part] = text
    # English's order first, then any section only this language has.
    order = [s["code"] for s in source.get("sections") or []]
    order += [code for code in sections if code not in order]
    raw["sections"] = [sections[c] for c in order if c in sections]


def _victims_reviewed(language: str) -> bool:
    from tiaki.plan import victims_info

    content = victims_info.all_content().get(language)
    return content is not None and content.reviewed


def _victims_mark_unreviewed(raw: dict[str, Any]) -> None:
    raw["review"] = {"status": "unreviewed"}


def _victims_validate(name: str, text: str) -> None:
    from tiaki.plan import victims_info

    try:
        victims_info.Content.model_validate(yaml.safe_load(text))
    except Exception as exc:
        raise ExchangeError([f"{name}: the result would not load: {exc}"]) from exc


KINDS: dict[str, _Kind] = {
    "portal": _Kind(_portal_dir, _portal_strings, _portal_apply, _portal_reviewed,
                    _portal_mark_unreviewed, _portal_validate, _portal_hint),
    "victims-info": _Kind(_victims_dir, _victims_strings, _victims_apply, _victims_reviewed,
                          _victims_mark_unreviewed, _victims_validate, lambda i, e: ""),
}


def _read_raw(path: Path) -> tuple[str, dict[str, Any]]:
    text = path.read_text("utf-8")
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise ExchangeError([f"{path.name}: not a mapping"])
    return text, raw


def _kind(content: str) -> _Kind:
    if content not in KINDS:
        raise ExchangeError([f"unknown content {content!r}; use {' or '.join(CONTENTS)}"])
    return KINDS[content]


def _language_path(kind: _Kind, language: str) -> Path:
    path = kind.directory() / f"{language}.yaml"
    if language == SOURCE_LANGUAGE:
        raise ExchangeError(["English is the source text; export another language"])
    if not path.exists():
        raise ExchangeError([
            f"there is no language {language!r} in {kind.directory().name}/; add its data file "
            "(with its name and writing direction) first, then export it for translators"])
    return path


# --------------------------------------------------------------------------- export


def export(*, content: Content, language: str, fmt: Format) -> bytes:
    """The language's entries, English beside each, as a ``.po`` or XLIFF 2.0 file."""
    kind = _kind(content)
    path = _language_path(kind, language)
    _, source_raw = _read_raw(kind.directory() / f"{SOURCE_LANGUAGE}.yaml")
    _, raw = _read_raw(path)
    source = kind.strings(source_raw)
    current = kind.strings(raw)
    reviewed = kind.reviewed(language)
    if fmt == "po":
        return _export_po(content, language, source, current, reviewed, kind)
    if fmt == "xliff":
        return _export_xliff(content, language, source, current, reviewed, kind)
    raise ExchangeError([f"unknown format {fmt!r}; use po or xliff"])


def _export_po(content: str, language: str, source: dict[str, str], current: dict[str, str],
               reviewed: bool, kind: _Kind) -> bytes:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"Tiaki {content}",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Tiaki-Content": content,
        "X-Tiaki-Reviewed": "yes" if reviewed else "no",
    }
    for entry_id, english in source.items():
        notes = [kind.hint(entry_id, english)]
        if entry_id in current and not reviewed:
            notes.append("Not yet reviewed by a fluent speaker.")
        po.append(polib.POEntry(msgctxt=entry_id, msgid=english, msgstr=current.get(entry_id, ""),
                                comment=" ".join(n for n in notes if n)))
    return str(po).encode("utf-8")


def _export_xliff(content: str, language: str, source: dict[str, str],
                  current: dict[str, str], reviewed: bool, kind: _Kind) -> bytes:
    store = xliff2.Xliff2File.parsestring(
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en">'
        + f'<file id="{content}"></file></xliff>'.encode())
    store.settargetlanguage(language)
    for entry_id, english in source.items():
        unit = store.addsourceunit(english)
        unit.setid(entry_id)
        hint = kind.hint(entry_id, english)
        if hint:
            unit.addnote(hint)
        if entry_id in current:
            unit.settarget(current[entry_id])
            # XLIFF 2.0 segment states: "translated" until a fluent reviewer approved it.
            unit.markapproved(reviewed)
    return bytes(store)


# --------------------------------------------------------------------------- parse


def parse(data: bytes, *, name: str = "file") -> Parsed:
    """Read a ``.po`` or XLIFF 2.0 file (told apart by content), or say where it is wrong."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    return _parse_xliff(data, name) if head.startswith(b"<") else _parse_po(data, name)


def _parse_po(data: bytes, name: str) -> Parsed:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ExchangeError([f"{name}: line {line}: not UTF-8 text"]) from exc
    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:
        # polib says "Syntax error in po file (line N)".
        raise ExchangeError([f"{name}: {exc}"]) from exc
    content = po.metadata.get("X-Tiaki-Content", "")
    language = po.metadata.get("Language", "")
    problems = []
    if not content:
        problems.append(f"{name}: header: X-Tiaki-Content is missing (portal or victims-info)")
    if not language:
        problems.append(f"{name}: header: Language is missing")
    if problems:
        raise ExchangeError(problems)
    entries = [
        Entry(id=e.msgctxt or "", source=e.msgid, target=e.msgstr, line=e.linenum,
              fuzzy="fuzzy" in e.flags)
        for e in po if not e.obsolete
    ]
    return Parsed(content=content, language=language, entries=entries)


def _parse_xliff(data: bytes, name: str) -> Parsed:
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False,
                                                             no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ExchangeError([f"{name}: line {exc.lineno}: not well-formed XML: {exc.msg}"]) \
            from exc
    if root.get("version", "").split(".")[0] != "2":
        raise ExchangeError([f"{name}: line {root.sourceline}: Tiaki reads XLIFF 2.0 "
                             f"(this file says version {root.get('version')!r})"])
    try:
        store = xliff2.Xliff2File.parsestring(data)
    except (ValueError, etree.XMLSyntaxError, AssertionError) as exc:
        raise ExchangeError([f"{name}: {exc}"]) from exc
    files = store.getfilenames()
    language = store.gettargetlanguage() or ""
    problems = []
    if len(files) != 1:
        problems.append(f"{name}: one <file> is expected, with id portal or victims-info")
    if not language:
        problems.append(f"{name}: line {root.sourceline}: <xliff trgLang> is missing")
    if problems:
        raise ExchangeError(problems)
    entries = [
        Entry(id=unit.getid() or "", source=str(unit.source or ""),
              target=str(unit.target or ""), line=unit.xmlelement.sourceline or 0,
              # "initial" is XLIFF 2.0's not-yet-translated state (a machine guess, say).
              fuzzy=unit.isfuzzy())
        for unit in store.unit_iter()
    ]
    return Parsed(content=files[0], language=language, entries=entries)


# --------------------------------------------------------------------------- import


def import_file(data: bytes, *, name: str = "file") -> ImportResult:
    """Check the whole file, then write the language's data file once, or refuse it whole."""
    parsed = parse(data, name=name)
    kind = _kind(parsed.content)
    path = _language_path(kind, parsed.language)
    is_po = not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    fields = ("msgctxt", "msgid", "msgstr") if is_po else ("id", "source", "target")
    _, source_raw = _read_raw(kind.directory() / f"{SOURCE_LANGUAGE}.yaml")
    text, raw = _read_raw(path)
    source = kind.strings(source_raw)
    current = kind.strings(raw)
    result = ImportResult(content=parsed.content,  # type: ignore[arg-type]
                          language=parsed.language, path=path,
                          was_reviewed=kind.reviewed(parsed.language))
    problems: list[str] = []
    seen: set[str] = set()
    changes: dict[str, str] = {}
    for entry in parsed.entries:
        where = f"{name}: line {entry.line}: entry {entry.id or '(no id)'!r}"
        if not entry.id or not _ID.match(entry.id):
            problems.append(f"{where}: {fields[0]} must name the entry (as exported)")
            continue
        if entry.id in seen:
            problems.append(f"{where}: {fields[0]} appears twice")
            continue
        seen.add(entry.id)
        if entry.id not in source:
            problems.append(f"{where}: {fields[0]}: no such entry in the English text")
            continue
        if entry.source != source[entry.id]:
            problems.append(f"{where}: {fields[1]}: the English text has changed since this "
                            "file was exported; export the language again")
            continue
        target = entry.target.strip() if parsed.content == "victims-info" else entry.target
        if not target.strip():
            continue  # not translated in this file: the data file keeps what it has
        if entry.fuzzy:
            # gettext's own rule: a fuzzy entry is a guess the translator has not confirmed.
            result.skipped.append(entry.id)
            continue
        wanted = set(_PLACEHOLDER.findall(source[entry.id]))
        if parsed.content == "portal" and set(_PLACEHOLDER.findall(target)) != wanted:
            problems.append(f"{where}: {fields[2]}: must use the placeholders "
                            + (", ".join("{" + p + "}" for p in sorted(wanted)) or "none")
                            + " as the English does")
            continue
        try:
            if parsed.content == "portal":
                list(string.Formatter().parse(target))
        except ValueError as exc:
            problems.append(f"{where}: {fields[2]}: {exc} (write a literal brace as {{{{ or }}}})")
            continue
        if current.get(entry.id) == target:
            result.unchanged += 1
        else:
            changes[entry.id] = target
    if problems:
        raise ExchangeError(problems)
    result.changed = list(changes)
    if not changes:
        return result  # nothing to write: the data file and its review state stay as they are
    kind.apply(raw, changes, source_raw)
    kind.mark_unreviewed(raw)
    new_text = _leading_comments(text) + yaml.safe_dump(
        raw, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    kind.validate(path.name, new_text)
    _replace(path, new_text)
    _clear_caches()
    return result


def _leading_comments(text: str) -> str:
    """The file's opening comment block (who translated it, why it is unreviewed), kept."""
    lines = []
    for line in io.StringIO(text):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def _replace(path: Path, text: str) -> None:
    # Write beside the file, then rename over it: a reader sees the old file or the new one.
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _clear_caches() -> None:
    from tiaki.intake import i18n
    from tiaki.plan import victims_info

    i18n.clear_cache()
    victims_info.all_content.cache_clear()
