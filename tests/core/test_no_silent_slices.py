"""No list is cut silently: a view, selector or API module that slices a list with a literal
bound (``rows[:500]``) shows a part of it and says nothing about the rest. Lists page through
``tiaki.core.listing`` (pages) or ``tiaki.core.pagination.api_page`` (the API) instead.

This is a static check over ``tiaki/**/*views*.py``, ``*selectors*.py`` and ``*api*.py``:
every ``expr[:N]`` with a literal ``N`` is a failure unless ``expr`` is text (a value read from
the request, a name being shortened for a column) or the cut is on the allow-list below with
its reason. A new slice fails here the day it is written.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "tiaki"
PATTERNS = ("*views*.py", "*selectors*.py", "*api*.py")

# Calls that make text, so slicing their result shortens a string, not a list.
TEXT_CALLS = {"get", "strip", "lstrip", "rstrip", "rsplit", "split", "lower", "upper",
              "join", "replace", "hexdigest", "format", "str"}

# (module under tiaki/, the sliced expression as ast.unparse writes it): why the cut is right.
ALLOWED: dict[tuple[str, str], str] = {
    # The home page's "latest notifications" panel; the notifications list pages them all.
    ("core/views.py", "user.notifications.filter(read_at__isnull=True)[:10]"):
        "home page panel, full list at /notifications/",
    # The case page shows the five latest risk assessments; each is also in the history and
    # the case export, and the newest one is what decides the measures.
    ("cases/views.py", "case.risks.all()[:5]"): "latest five on the case page",
    # Text shortened to its column's length.
    ("intake/public_views.py", "language[:12]"): "a language code, not a list",
    ("plan/selectors.py", "evidence.original_name[:200]"): "a file name, not a list",
    # --- Not converted yet (issue 9): each is a known list still cut, listed so that the
    # check fails on any new one. Remove the entry when the list pages.
}


def _modules() -> list[Path]:
    found = {p for pattern in PATTERNS for p in ROOT.rglob(pattern)
             if "migrations" not in p.parts}
    return sorted(found)


def _is_text(node: ast.expr) -> bool:
    """Whether the sliced expression is evidently text rather than a list of rows.

    Only the expression's own spine counts (``a.b(...).c(...)``, read from the outside in):
    a string given as an argument along the way (``select_related("actor")``) does not
    make a queryset text.
    """
    while True:
        if isinstance(node, ast.JoinedStr):
            return True
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        if isinstance(node, ast.BinOp):
            return _is_text(node.left) or _is_text(node.right)
        if isinstance(node, ast.BoolOp):
            return any(_is_text(v) for v in node.values)
        if isinstance(node, ast.IfExp):
            return _is_text(node.body) or _is_text(node.orelse)
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in TEXT_CALLS:
                return True
            if not isinstance(func, ast.Attribute):
                return False
            node = func.value
        elif isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        else:
            return False


def literal_slices(source: str) -> list[tuple[int, str]]:
    """(line, sliced expression) for every ``expr[:N]`` with a literal N that is not text."""
    cuts = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)):
            continue
        upper = node.slice.upper
        if node.slice.lower is not None or not (
                isinstance(upper, ast.Constant) and isinstance(upper.value, int)):
            continue
        if _is_text(node.value):
            continue
        cuts.append((node.lineno, ast.unparse(node)))
    return cuts


def test_no_view_selector_or_api_cuts_a_list_with_a_literal_slice() -> None:
    found = {}
    for path in _modules():
        module = path.relative_to(ROOT).as_posix()
        for line, expr in literal_slices(path.read_text(encoding="utf-8")):
            if (module, expr) not in ALLOWED:
                found[f"{module}:{line}"] = expr
    assert not found, ("lists cut by a literal slice: page them with tiaki.core.listing "
                       "(pages) or tiaki.core.pagination.api_page (API), or allow-list the "
                       f"cut with its reason: {found}")


def test_the_allow_list_names_only_cuts_that_exist() -> None:
    # An entry left behind after its list was converted would let that slice come back.
    present = {(p.relative_to(ROOT).as_posix(), expr) for p in _modules()
               for _, expr in literal_slices(p.read_text(encoding="utf-8"))}
    stale = sorted(set(ALLOWED) - present)
    assert not stale, f"allow-list entries with no such slice any more: {stale}"


@pytest.mark.parametrize(("source", "flagged"), [
    ("rows = visible(user, Alert)[:500]", True),
    ("return list(docs[:100])", True),
    ("[_out(a) for a in selectors.queue(user)[:500]]", True),
    ("q = request.GET.get('q', '')[:200]", False),
    ("name = (upload.name or 'x').rsplit('/', 1)[-1][:200]", False),
    ("summary = f'{what} done'[:300]", False),
    ("page = paginator.page(2).object_list", False),
    ("tail = rows[10:]", False),
    ("rows = case.history.select_related('actor')[:50]", True),
    ("cut = (': ' + ', '.join(parts))[:270]", False),
])
def test_the_check_tells_a_cut_list_from_shortened_text(source: str, flagged: bool) -> None:
    assert bool(literal_slices(source)) is flagged
