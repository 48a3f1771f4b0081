"""Every staff page renders in te reo Māori (issue 9: "the Māori staff interface renders on
every page"): each GET page route of the URLconf, read by the personas declared allowed on it
with the language set to Māori, answers in Māori (``<html lang="mi">``) and leaves none of
the catalogue's strings in English. The routes and their declarations are the authorisation
matrix's, so a page added later is covered the day it is added."""

from __future__ import annotations

from typing import Any

import polib
import pytest
from django.test import Client

from tests.conftest import login
from tests.core.test_query_counts import _readers, _reads
from tests.core.test_staff_pages_in_maori import _english_left
from tiaki.core.i18n import po_path

pytestmark = pytest.mark.django_db

# Pages that show English by design, each with the reason.
ENGLISH_BY_DESIGN = {
    # The portal's translation review shows the English source beside each translation.
    "intake:translation": "the reviewer reads the English being translated",
    # The printable indicator guide is generated in English from the rules' data files
    # (intake/legaltest/guide.py); a Māori edition needs those files' texts in Māori.
    "intake:guide": "printable guide, English only",
}
# Words a country's data files hold, shown as the data writes them (agency and service names,
# the exploitation and channel vocabularies, the Plan's measures, the demo's test labels):
# they read in Māori when the data files have Māori versions, not through the catalogue.
DATA_WORDS = {"New Zealand Police", "Interpreter", "Other", "Phone", "Periodic review", "adult"}


def test_every_staff_page_reads_in_maori(settings: Any, field_keys: None) -> None:
    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    from tiaki.demo.orchestrate import load_demo

    catalogue = polib.pofile(str(po_path("mi")))
    users = {u.username: u for _, u in load_demo()}
    clients: dict[str, Client] = {}
    problems: dict[str, Any] = {}
    pages = 0
    for label, route, url in _reads(users):
        if label.startswith("tiaki_") or route.roles == "public" or label in ENGLISH_BY_DESIGN:
            continue  # the API is JSON; the portal's languages are content (data/i18n)
        for user in _readers(route, users)[:2]:
            assert user is not None
            if user.username not in clients:
                clients[user.username] = client = Client()
                login(client, user)
                client.post("/i18n/setlang/", {"language": "mi", "next": "/"})
            response = clients[user.username].get(url)
            if (response.status_code != 200 or response.streaming
                    or "html" not in response.get("Content-Type", "")):
                continue
            pages += 1
            page = response.content.decode()
            if '<html lang="mi"' not in page:
                problems[f"{label} ({user.username})"] = "not in Māori"
            elif left := sorted(set(_english_left(page, catalogue)) - DATA_WORDS):
                problems[f"{label} ({user.username})"] = left
    assert pages > 50
    assert not problems, "\n".join(f"{k}: {v}" for k, v in sorted(problems.items()))
