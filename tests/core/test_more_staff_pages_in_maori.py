"""Signing in, privacy, retention and the scheduled jobs in te reo Māori: the page's words, the
refusals raised in Python and the labels of choices, roles and jobs come from the catalogue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import polib
import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.utils import timezone

from tests.conftest import MakeUser, login
from tests.core.test_staff_pages_in_maori import _english_left
from tiaki.accounts.models import User
from tiaki.core import crypto
from tiaki.core.i18n import po_path
from tiaki.privacy.models import AccessRequest, Breach

pytestmark = pytest.mark.django_db

# Inside the years the privacy rules' holiday list covers; no page reads the wall clock's date.
TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def demo(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    crypto.reset_keys()
    from tiaki.demo.orchestrate import load_demo

    load_demo()
    yield
    crypto.reset_keys()


@pytest.fixture
def catalogue() -> polib.POFile:
    return polib.pofile(str(po_path("mi")))


def _in_maori(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "mi", "next": "/"})
    return client


def _page(client: Client, path: str, catalogue: polib.POFile, *words: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    page = response.content.decode()
    assert '<html lang="mi"' in page, path
    assert _english_left(page, catalogue) == [], (path, _english_left(page, catalogue))
    for text in words:
        assert text in page, (path, text)
    return page


def test_sign_in_pages_in_maori(client: Client, make_user: MakeUser,
                                catalogue: polib.POFile) -> None:
    make_user("kaimahi")
    _in_maori(client)
    _page(client, "/accounts/login/", catalogue, "Takiuru ki Tiaki", "Ingoa kaiwhakamahi")
    _page(client, "/accounts/login/?oidc=failed", catalogue,
          "Kāore i angitu te takiuru mā tō tari")
    refused = client.post("/accounts/login/", {"username": "kaimahi",
                                               "password": "not the password"})
    assert refused.status_code == 400
    assert "Kāore te ingoa kaiwhakamahi me te kupuhipa e hāngai ana." in refused.content.decode()

    # Password right: the second factor, and for someone not enrolled yet the enrolment code.
    signed_in = client.post("/accounts/login/", {"username": "kaimahi",
                                                 "password": "correct horse battery staple"})
    assert signed_in.status_code == 302
    _page(client, "/accounts/2fa/", catalogue, "Waehere mati-ono")
    newcomer = make_user("hou", totp=False)
    client.force_login(newcomer)
    _in_maori(client)
    _page(client, "/accounts/2fa/", catalogue, "Te waehere whakauru nā tō kaiwhakahaere")


def test_privacy_retention_and_jobs_pages_in_maori(
        client: Client, demo: None, catalogue: polib.POFile) -> None:
    login(client, User.objects.get(username="privacy"))
    _in_maori(client)
    item = AccessRequest.objects.get()
    breach = Breach.objects.get()
    _page(client, "/privacy/", catalogue, "Ngā tono matatapu")
    # The kind and status are choices of the model, their labels from the catalogue.
    _page(client, f"/privacy/requests/{item.reference}/", catalogue,
          "Kia kite i ōna mōhiohio (IPP 6)", "Te pārurenga")
    _page(client, "/privacy/requests/new/", catalogue)
    _page(client, "/privacy/breaches/", catalogue)
    _page(client, f"/privacy/breaches/{breach.reference}/", catalogue,
          "Whākinga kāore i whakaaetia, whākinga pōhēhē rānei")
    _page(client, "/privacy/breaches/new/", catalogue)

    # A refusal raised by the service (the page starts it with a capital and ends it).
    before = (item.received_on - dt.timedelta(days=1)).isoformat()
    refused = client.post(f"/privacy/requests/{item.reference}/acknowledge/",
                          {"acknowledge-on": before})
    assert refused.status_code == 400
    assert ("E kore e taea te whakaae ki te taenga mai o tētahi tono i mua i tōna taenga mai."
            in refused.content.decode())
    decided = client.post(f"/privacy/breaches/{breach.reference}/decide/",
                          {"decide-notifiable": "no", "decide-reason": "Nothing sensitive "
                                                                        "was in it."})
    assert decided.status_code == 400
    assert ("Aromatawaitia te takahitanga ki ngā āhuatanga kino nui i mua i te whakatau"
            in decided.content.decode())

    client.logout()
    login(client, User.objects.get(username="platform"))
    _in_maori(client)
    _page(client, "/retention/", catalogue, "Te pupuri me te whakakore rekoata")
    refused = client.post("/retention/holds/new/", {"record_class": "screenings",
                                                    "reference": "R-000001", "reason": " "})
    assert refused.status_code == 400
    assert "Kōrerotia te take e puritia ai te rekoata" in refused.content.decode()

    # Each job's schedule and description read in Māori; its name is an identifier.
    _page(client, "/administration/jobs/", catalogue, "ia rā i te 02:30", "ia 60 meneti",
          "Ka wareware i ngā kī kaupapa ōrite API", "retention_run")
    job_refused = client.post("/administration/jobs/1/", {"action": "run", "reason": ""})
    assert job_refused.status_code == 400
    assert "Kīia te take (ka puritia te take ki te ara arotake)." in (
        job_refused.content.decode())


def test_role_labels_follow_the_language() -> None:
    from django.utils import translation

    from tiaki.accounts.roles import Role

    with translation.override("mi"):
        assert str(Role.PRIVACY_OFFICER.label) == "Āpiha matatapu"
        assert dict(Role.choices)["frontline"] == "Āpiha o mua"
    with translation.override("en"):
        assert str(Role.PRIVACY_OFFICER.label) == "Privacy officer"


def test_frontline_screening_refusal_in_maori(client: Client, make_user: MakeUser) -> None:
    # An age that contradicts "child" is refused in words, before the engine's own check.
    login(client, make_user("kaitirotiro", "MBIE", ["frontline"]))
    _in_maori(client)
    response = client.post("/intake/screening/new/", {
        "subject_label": "Kaimahi B", "setting": "Tirotiro mahi, Heretaunga",
        "exploitation_type": "labour", "age": "30", "age_group": "child", "indicators": []})
    assert response.status_code == 400
    assert ("Kei te tautohetohe te pakeke i hoatu (30) ki te kōwhiringa pakeke, tamaiti rānei "
            "(kei raro te tamaiti i te 18)") in response.content.decode()


def test_screening_result_reads_in_maori(client: Client, demo: None,
                                         catalogue: polib.POFile) -> None:
    # The engine's codes (element status, age group, kind of exploitation) read in words.
    from tiaki.intake.models import Screening

    login(client, User.objects.get(username="inspector"))
    _in_maori(client)
    screening = Screening.objects.get()
    page = _page(client, f"/intake/screening/{screening.pk}/", catalogue,
                 "pakeke; whakapēhitanga ā-mahi", "<td>kua tutuki</td>")
    assert "<td>met</td>" not in page
