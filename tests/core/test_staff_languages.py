"""The staff interface in te reo Māori: a complete catalogue, marked unreviewed."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from typing import Any

import polib
import pytest

from tests.conftest import MakeUser, login
from tiaki.accounts.roles import Role
from tiaki.core.i18n import po_path, staff_catalogue

MI = po_path("mi")


def test_catalogue_is_complete_and_marked_unreviewed() -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("GNU gettext's msgfmt is needed (apt-get install gettext)")
    result = subprocess.run([msgfmt, "--check", "--statistics", "-o", "/dev/null", str(MI)],
                            capture_output=True, text=True, check=True)
    # e.g. "412 translated messages." and nothing fuzzy or untranslated.
    last = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages\.", last), result.stderr
    catalogue = staff_catalogue("mi")
    assert catalogue is not None and not catalogue.reviewed
    # The compiled catalogue Django reads says what django.po says (`make messages` builds it).
    compiled = MI.with_suffix(".mo")
    assert compiled.exists(), "the compiled catalogue is missing: run `make messages`"
    with compiled.open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = [entry.msgid for entry in polib.pofile(str(MI))
             if not entry.msgid_plural and mo.gettext(entry.msgid) != entry.msgstr]
    assert not stale, f"django.mo is older than django.po (run `make messages`): {stale[:5]}"


@pytest.mark.django_db
def test_language_switch_works_without_javascript(client: Any, make_user: MakeUser) -> None:
    login(client, make_user("switcher", "DIA", [Role.AUDITOR]))
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page and "data-unreviewed" not in page
    # The header's switch is a plain form: a POST to Django's set_language view.
    response = client.post("/i18n/setlang/", {"language": "mi", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert '<html lang="mi"' in page
    assert 'data-unreviewed="mi"' in page  # the catalogue is not yet reviewed
    assert "Takiputa" in page and "Sign out" not in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Sign out" in client.get("/").content.decode()


def test_every_aria_reference_on_the_public_form_exists(client: Any) -> None:
    page = client.get("/report/?lang=en").content.decode()
    referenced = {ref for refs in re.findall(r'aria-describedby="([^"]+)"', page)
                  for ref in refs.split()}
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    assert referenced and referenced <= ids, referenced - ids
    # The contact field's hint is read with it ("Leave this empty to stay anonymous").
    assert 'aria-describedby="id_contact_helptext"' in page
