"""The victim case pages and the shared layout in te reo Māori: the words raised from Python
(form labels, choices, messages and refusals) come from the catalogue too, so no English
catalogue string is left on a page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polib
import pytest
from django.utils import translation
from django.utils.formats import date_format

from tests.conftest import login
from tests.core.test_staff_pages_in_maori import _english_left, demo  # noqa: F401
from tests.pdf_tools import pdf_text
from tiaki.accounts.models import User
from tiaki.cases import catalogue as services_file
from tiaki.cases.models import CaseEvent, Certification, MinisterNotice, Referral, VictimCase
from tiaki.core.i18n import po_path

pytestmark = pytest.mark.django_db


def _data_words() -> set[str]:
    """Words the pages take from the country's data files (data/nz/: vocabularies, services,
    consent purposes): a country's content, kept in its own files rather than the catalogue."""
    words = {term.label for terms in services_file.vocabularies().values() for term in terms}
    words |= {s.name for s in services_file.catalogue().services.values()}
    words |= set(services_file.catalogue().purposes().values())
    words |= set(services_file.catalogue().field_labels.values())
    return words


def _in_maori(client: Any, username: str) -> None:
    client.logout()
    login(client, User.objects.get(username=username))
    client.post("/i18n/setlang/", {"language": "mi", "next": "/"})


def _pages_read_in_maori(client: Any, catalogue: polib.POFile,
                         pages: dict[str, list[str]], stored: frozenset[str] = frozenset()
                         ) -> None:
    for path, expected in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert '<html lang="mi"' in page, path
        left = [w for w in _english_left(page, catalogue) if w not in _data_words() | stored]
        assert left == [], (path, left)
        for words in expected:
            assert words in page, (path, words)


def test_case_pages_in_maori_leave_no_catalogue_string_in_english(
        client: Any, demo: None, tmp_path: Path) -> None:  # noqa: F811
    catalogue = polib.pofile(str(po_path("mi")))
    certified = (VictimCase.objects.filter(certifications__status=Certification.Status.ISSUED)
                 .order_by("pk").first())
    assert certified is not None
    cert = certified.certifications.get(status=Certification.Status.ISSUED)

    _in_maori(client, "casemanager")
    _pages_read_in_maori(client, catalogue, {
        # The layout: header, navigation, the unreviewed note and the footer.
        "/": ["Takiputa", "Ngā kēhi pārurenga",
              "Kāore anō tēnei whakamāoritanga kia arotakea"],
        "/cases/": ["Ngā kēhi kei tō rōpū", "Whakatuwheratia he kēhi"],
        "/cases/new/": ["Ingoa tuatahi", "Pakeke (tau)", "Ngā momo whakapēhitanga"],
        # Form labels, choices (consent, risk level, closure reasons) and the history's
        # headings on the busiest page.
        f"/cases/{certified.reference}/": ["Te tangata", "Whakamanatanga Pirihimana",
                                           "Kua whakaaetia", "Teitei",
                                           "Kua hoki ki te kāinga (kua whakahokia)",
                                           # The history, written in English, read in Māori.
                                           "I whakatuwherahia te kēhi e",
                                           "Kua tonoa te whakamanatanga"],
        f"/cases/{certified.reference}/certify/": [],
        f"/cases/certifications/{cert.reference}/": ["Kua tukuna"],
        f"/cases/certifications/{cert.reference}/certificate/": ["Pirihimana o Aotearoa"],
        "/cases/referrals/": ["Kua tōmuri"],
    })

    opened = CaseEvent.objects.filter(case=certified, kind="opened").get()
    assert opened.summary.startswith("Case opened by ")  # the record keeps its English

    # The certificate's PDF reads in the language it was asked for in.
    response = client.get(f"/cases/certifications/{cert.reference}/certificate.pdf")
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Ngā Pirihimana o Aotearoa" in text and "Tohutoro tiwhikete" in text
    assert "Certificate reference" not in text and "Date issued" not in text

    # A refusal raised by a service and a confirmation read in Māori as well.
    response = client.post(f"/cases/{certified.reference}/risk/", {
        "risk-level": "high", "risk-assessment": "Threats by phone.",
        "risk-measures": "", "risk-review_on": "2000-01-01"})
    assert response.status_code == 400
    assert "Tuhia ngā tikanga tiaki mō tētahi tūraru waenga, tiketike rānei." in (
        response.content.decode())
    # Django's own words (a field left empty, the months in dates) come from the catalogue.
    response = client.post(f"/cases/{certified.reference}/risk/", {"risk-level": "low"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Me whakakī tēnei āpure." in page and "This field is required." not in page
    with translation.override("mi"):
        assert date_format(dt.date(2026, 12, 3), "j M Y") == "3 Haki 2026"
        assert date_format(dt.date(2026, 10, 3), "j F Y") == "3 Whiringa-ā-nuku 2026"
    response = client.post(f"/cases/{certified.reference}/witness/",
                           {"witness-status": "taken"}, follow=True)
    page = response.content.decode()
    assert "Kua tuhia te tūnga o te kōrero a te kaiwhakaatu." in page
    assert [w for w in _english_left(page, catalogue) if w not in _data_words()] == []

    # Oranga Tamariki's page of children, the measures and a provider's referral.
    _in_maori(client, "socialworker")
    _pages_read_in_maori(client, catalogue, {"/cases/children/": [
        "Ngā tamariki i ngā kēhi hokohoko tangata"]})
    _in_maori(client, "secretariat")
    _pages_read_in_maori(client, catalogue, {"/cases/measures/": [
        "Ngā inenga kēhi mō te Mahere Mahi", "Ngā whakamanatanga Pirihimana kua tukuna"]})
    _in_maori(client, "minister")
    # A notice keeps the words it was written with (it is the record of what the Minister's
    # office was told); its age band and "not recorded" are shown through the catalogue, the
    # forms of exploitation and regions named by data files are not.
    stored = frozenset(word for notice in MinisterNotice.objects.all()
                       for text in (notice.exploitation, notice.region, notice.age_band)
                       for word in [text, *text.split(", ")])
    _pages_read_in_maori(client, catalogue, {"/cases/minister/": ["Ngā pānui ki te Minita",
                                                               "i raro i te 18"]},
                         stored)
    referral = Referral.objects.filter(agency__code="MSD").order_by("pk").first()
    if referral is not None:
        _in_maori(client, "provider")
        _pages_read_in_maori(client, catalogue, {f"/cases/referrals/{referral.pk}/": []})


    # The shared pages: notifications, email choices, search and an error page.
    _in_maori(client, "investigator")
    _pages_read_in_maori(client, catalogue, {
        "/notifications/": [],
        "/notifications/email": ["Ngā kēhi pārurenga me ō rātou rōpū"],
        "/search/?q=C-": [],
    })
    response = client.get("/cases/C-999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Kāore i kitea" in page and _english_left(page, catalogue) == []
