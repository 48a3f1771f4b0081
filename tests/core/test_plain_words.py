"""Staff pages speak plainly (issue 9, "plain words"): no data-file paths, no "seed 002"
citations of the project's source documents, no rule hashes in the running text of any page a
persona reaches. Provenance stays one click away: inside a ``<details>`` ("about this rule"),
a ``<code>`` value, or a section marked ``class="about"`` (the printable guide's sources).

Every GET page route of the URLconf is read by the personas declared allowed on it (the
authorisation matrix's declarations, so a new page is covered the day it is added).
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client

from tests.conftest import login
from tests.core.test_query_counts import _readers, _reads

pytestmark = pytest.mark.django_db

INTERNALS = re.compile(
    r"\bdata/[\w/.-]+\.ya?ml\b"           # a data file's path
    r"|\bseeds?[ _]?0\d\d\b"              # the project's source documents by file number
    r"|\bsha256\.[0-9a-f]{6,}"            # a rule set's content hash
    r"|\bwritten in [a-z]{2}\b",          # a language code where its name belongs
    re.IGNORECASE)
ABOUT = re.compile(
    r"(?s)<(script|style|code|details)\b.*?</\1>"
    r"|<section\b[^>]*\bclass=\"[^\"]*\babout\b[^\"]*\".*?</section>")


def running_text(page: str) -> str:
    body = ABOUT.sub(" ", page)
    return " ".join(html.unescape(t) for t in re.findall(r">([^<>]+)<", body))


def test_the_detector_sees_internals_and_spares_provenance() -> None:
    assert INTERNALS.search(running_text("<p>Routed (data/intake/routing.yaml)</p>"))
    assert INTERNALS.search(running_text("<p>certify (seed 002)</p>"))
    assert not INTERNALS.search(running_text(
        "<p>Rules</p><details><summary>About</summary>data/x.yaml seed 002</details>"
        "<code>legaltest/1.1.0+sha256.a5da0c64a0a6</code>"))



def test_no_staff_page_shows_internals(settings: Any, field_keys: None) -> None:
    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    from tiaki.demo.orchestrate import load_demo

    users = {u.username: u for _, u in load_demo()}
    clients: dict[str, Client] = {}
    found: dict[str, str] = {}
    pages = 0
    for label, route, url in _reads(users):
        if label.startswith("tiaki_"):
            continue  # API operations: JSON for systems, not pages for people
        for user in _readers(route, users)[:3]:
            key = user.username if user else ""
            if key not in clients:
                clients[key] = Client()
                if user is not None:
                    login(clients[key], user)
            response = clients[key].get(url)
            if (response.status_code != 200 or response.streaming
                    or "html" not in response.get("Content-Type", "")):
                continue
            pages += 1
            text = running_text(response.content.decode())
            for match in INTERNALS.finditer(text):
                found.setdefault(f"{label} ({key or 'anonymous'})",
                                 text[max(0, match.start() - 50):match.end() + 20])
    assert pages > 50
    assert not found, "\n".join(f"{k}: …{v}…" for k, v in sorted(found.items()))
