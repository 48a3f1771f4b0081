"""axe-core in Playwright: WCAG 2.2 AA rules on a page, and a bounded crawl of what a role reaches.

axe-core is vendored (``vendor/axe-core``, decision 0015) and injected by the test; the app
never serves it. Contexts that run it are opened with ``bypass_csp`` because the app's
Content-Security-Policy (rightly) refuses injected scripts.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Links a crawl does not follow: they leave, change the session, or download a file.
SKIP = re.compile(
    r"^/(accounts/logout|i18n/|api/|static/|media/|admin/)"
    r"|/(export|download|pdf|csv|xlsx)(/|$)|\.(pdf|csv|xlsx|json|txt|zip)$")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The WCAG 2.0-2.2 A and AA violations axe finds on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '),"
        " summary: n.failureSummary, html: n.html.slice(0, 200)}))})); }",
        WCAG_22_AA)
    return list(result)


def pattern(path: str) -> str:
    """One key per page kind: /cases/12/ and /cases/13/ are the same page to check."""
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27,}", "<uuid>", path)
    path = re.sub(r"/[A-Z0-9]{2,}-[A-Z0-9-]+(?=/|$)", "/<ref>", path)
    return re.sub(r"\d+", "<n>", path)


def crawl(page: Any, base: str, *, start: str = "/", limit: int = 40,
          depth: int = 2) -> list[tuple[str, list[dict[str, Any]]]]:
    """Open pages reachable by links from ``start`` (one per page kind), run axe on each."""
    seen: set[str] = set()
    queue: deque[tuple[str, int]] = deque([(start, 0)])
    found: list[tuple[str, list[dict[str, Any]]]] = []
    host = urlsplit(base).netloc
    while queue and len(found) < limit:
        path, level = queue.popleft()
        key = pattern(path)
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(f"{base}{path}")
        if response is None or response.status != 200 or \
                "text/html" not in (response.headers.get("content-type") or ""):
            continue
        found.append((path, axe_violations(page)))
        if level >= depth:
            continue
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(href)
            if parts.netloc != host or SKIP.search(parts.path):
                continue
            if pattern(parts.path) not in seen:
                queue.append((parts.path, level + 1))
    return found


def describe(problems: list[tuple[str, str, list[dict[str, Any]]]]) -> str:
    lines = []
    for who, path, violations in problems:
        for v in violations:
            lines.append(f"{who} {path}: {v['id']} ({v['impact']}): {v['help']}")
            lines.extend(f"    {n['target']}: {n['html']}" for n in v["nodes"][:3])
    return "\n".join(lines)
