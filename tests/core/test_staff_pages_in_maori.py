"""The staff pages in te reo Māori: the words raised from Python (form labels, choices, messages
and refusals) come from the catalogue too, so no English catalogue string is left on a page."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import polib
import pytest
from cryptography.fernet import Fernet

from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.core import crypto
from tiaki.core.i18n import po_path
from tiaki.demo.orchestrate import load_demo
from tiaki.intake.models import Report, Screening
from tiaki.intake.rules import ruleset

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_keys()
    load_demo()
    yield
    crypto.reset_keys()


def _english_left(page: str, catalogue: polib.POFile) -> list[str]:
    """Catalogue strings that appear, still in English, as a whole piece of text on the page."""
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", page)
    pieces = {html.unescape(t).strip() for t in re.findall(r">([^<>]+)<", body)}
    pieces |= {html.unescape(t).strip() for t in re.findall(r'placeholder="([^"]+)"', body)}
    # Language names in the switcher stay in their own language ("English", "Te reo Māori"),
    # and the legal test's elements are named by its data file (data/legal/), a country's
    # content rather than the interface.
    legal = ruleset().legal
    own_names = {"English", "Te reo Māori"} | {
        label for element in legal.elements.values()
        for label in (element.label, *(v.label for v in element.values.values()))}
    return sorted(e.msgid for e in catalogue
                  if e.msgstr and e.msgstr != e.msgid and "%" not in e.msgid
                  and e.msgid not in own_names and len(e.msgid) >= 4 and e.msgid in pieces)


def test_intake_pages_in_maori_leave_no_catalogue_string_in_english(
        client: Any, demo: None) -> None:
    catalogue = polib.pofile(str(po_path("mi")))
    investigator = User.objects.get(username="investigator")
    login(client, investigator)
    client.post("/i18n/setlang/", {"language": "mi", "next": "/"})
    report = Report.objects.filter(routes__agency__code="POLICE").order_by("pk").first()
    assert report is not None
    pages = {
        "/": [],
        "/intake/triage/": [],
        f"/intake/triage/{report.pk}/": ["Tautapa ki a", "Whakaarotau", "Kua tukuna kia "
                                         "tūhuratia", "Tō karere"],
    }
    for path, expected in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert '<html lang="mi"' in page
        assert _english_left(page, catalogue) == [], (path, _english_left(page, catalogue))
        for words in expected:
            assert words in page, (path, words)

    # A step's result and a refusal raised in Python read in Māori as well.
    response = client.post(f"/intake/triage/{report.pk}/priority/", {"priority": "2_high"},
                           follow=True)
    assert "Kua hurihia te whakaarotau." in response.content.decode()
    response = client.post(f"/intake/triage/{report.pk}/reply/", {"body": " "})
    assert response.status_code == 400
    assert "Tēnā, whakatikahia te puka." in response.content.decode()

    # The frontline screening pages (labels, help texts, the engine's questions).
    inspector = User.objects.get(username="inspector")
    client.logout()
    login(client, inspector)
    client.post("/i18n/setlang/", {"language": "mi", "next": "/"})
    screening = Screening.objects.get()
    for path, expected in {
        "/intake/screening/": [],
        "/intake/screening/new/": ["Tapanga mō te tangata (ehara i tōna ingoa)",
                                   "Ka wātea te tangata ki te wehe"],
        f"/intake/screening/{screening.pk}/": [],
    }.items():
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert _english_left(page, catalogue) == [], (path, _english_left(page, catalogue))
        for words in expected:
            assert words in page, (path, words)


def test_border_pages_in_maori_leave_no_catalogue_string_in_english(
        client: Any, demo: None) -> None:
    from tiaki.screening.models import Alert

    catalogue = polib.pofile(str(po_path("mi")))
    login(client, User.objects.get(username="border"))
    client.post("/i18n/setlang/", {"language": "mi", "next": "/"})
    alert = Alert.objects.order_by("pk").first()
    assert alert is not None
    for path, expected in {
        "/screening/": [],
        "/screening/ingest/": ["Rārangi pāhihi, ngā tono uruwhenua rānei",
                               "Ngā tono uruwhenua"],
        f"/screening/alerts/{alert.pk}/": [],
    }.items():
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert _english_left(page, catalogue) == [], (path, _english_left(page, catalogue))
        for words in expected:
            assert words in page, (path, words)
