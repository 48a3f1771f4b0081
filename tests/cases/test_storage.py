"""Identifying details are encrypted at rest, with keys outside the database, rotatable."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.cases.conftest import IDENTITY, SECRETS, certify, consent_all
from tests.conftest import login
from tests.pdf_tools import pdf_text
from tiaki.accounts.models import User
from tiaki.cases import services
from tiaki.cases.models import IdentifyingDetails, VictimCase
from tiaki.core import crypto

Team = dict[str, User]


def _scan_database(needles: list[str]) -> list[tuple[str, str, str]]:
    """Every table, every row, every column, by raw SQL: where does a needle appear?"""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            # Table names come from the schema itself, quoted by the backend.
            cursor.execute(f"SELECT * FROM {quoted}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    text = (value.decode("utf-8", "replace") if isinstance(value, bytes)
                            else str(value))
                    found += [(table, column, n) for n in needles if n.lower() in text.lower()]
    return found


@pytest.mark.django_db
def test_database_holds_no_identifying_detail_in_clear(client: Any, team: Team) -> None:
    # Open the case through the page, so request handling is covered too.
    login(client, team["investigator"])
    response = client.post("/cases/new/", {
        "given_names": IDENTITY["given_names"], "family_name": IDENTITY["family_name"],
        "other_names": IDENTITY["other_names"], "date_of_birth": IDENTITY["date_of_birth"],
        "document_type": "passport", "document_number": "P9X4417203",
        "document_country": "Philippines", "phone": IDENTITY["phone"],
        "email": IDENTITY["email"], "address": IDENTITY["address"],
        "nationality": "Philippines", "languages": "Tagalog", "interpreter_needed": "on",
        "exploitation_types": ["ForcedLabour"], "recruitment_place": "Manila",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    case = VictimCase.objects.get()
    certify(case, team)
    consent_all(case, team["investigator"])
    health = services.referral_create(case=case, actor=team["investigator"], service="health",
                                      agency_code="HEALTH_NZ")
    # Reads of every kind: page reveal, referral page, export, API.
    client.post(f"/cases/{case.reference}/identity/", {"reason": "Arranging a GP visit"})
    client.post(f"/cases/{case.reference}/export/", {"reason": "To IOM for return"})
    login(client, team["health"])
    page = client.get(f"/cases/referrals/{health.pk}/").content.decode()
    assert "Quisumbing-Tavita" in page  # the detail exists and decrypts...
    services.referral_respond(referral=health, actor=team["health"], step="accept")
    services.risk_assess(case=case, actor=team["investigator"], level="high",
                         assessment="Threats", measures="Safe house",
                         review_on=timezone.localdate() + dt.timedelta(days=3))
    assert _scan_database(SECRETS) == []  # ...but nowhere in the database in clear text.
    assert _scan_database(["Philippines"]), "the scan must be able to find stored text"


@pytest.mark.django_db
def test_rotate_keys_reencrypts_with_the_newest_key(team: Team, field_keys: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    case = services.case_open(actor=team["investigator"], identity=IDENTITY)
    old_token = IdentifyingDetails.objects.get(case=case).ciphertext
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_VAR, f"{new_key},{field_keys}")
    crypto.reset_keys()
    call_command("rotate_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    rotated = IdentifyingDetails.objects.get(case=case).ciphertext
    assert rotated != old_token
    assert Fernet(new_key.encode()).decrypt(rotated.encode())  # readable by the new key alone
    monkeypatch.setenv(crypto.ENV_VAR, new_key)  # the old key can now be dropped
    crypto.reset_keys()
    details = services.identity_reveal(case=case, actor=team["investigator"],
                                       reason="after rotation")
    assert details["family_name"] == "Quisumbing-Tavita"


def test_wrong_key_cannot_decrypt(field_keys: str, monkeypatch: pytest.MonkeyPatch) -> None:
    token = crypto.encrypt_json({"name": "x"})
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_keys()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_json(token)


def test_development_generates_a_key_file_outside_the_database(
        settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crypto.ENV_VAR)
    settings.VAR_DIR = tmp_path
    crypto.reset_keys()
    token = crypto.encrypt_json({"a": 1})
    key_file = tmp_path / crypto.KEY_FILE_NAME
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    crypto.reset_keys()
    assert crypto.decrypt_json(token) == {"a": 1}  # the same file is read again


def test_production_refuses_to_run_without_keys(settings: Any, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crypto.ENV_VAR)
    settings.PRODUCTION = True
    settings.VAR_DIR = tmp_path
    crypto.reset_keys()
    with pytest.raises(ImproperlyConfigured, match="production needs"):
        crypto.encrypt_json({"a": 1})
    assert not (tmp_path / crypto.KEY_FILE_NAME).exists()
    assert crypto.field_keys_configured() is False


def test_malformed_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.ENV_VAR, "not-a-key")
    crypto.reset_keys()
    with pytest.raises(ImproperlyConfigured, match="Fernet"):
        crypto.encrypt_json({"a": 1})


@pytest.mark.django_db
def test_certificate_pdf_and_page(client: Any, case: VictimCase, team: Team,
                                  tmp_path: Path) -> None:
    cert = certify(case, team)
    login(client, team["investigator"])
    pdf = client.get(f"/cases/certifications/{cert.reference}/certificate.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")
    text = pdf_text(pdf.content, tmp_path)
    assert cert.reference in text and "Analyn" not in text
    page = client.get(f"/cases/certifications/{cert.reference}/certificate/").content.decode()
    assert cert.reference in page and case.reference in page and "Analyn" not in page
    consent_all(case, team["investigator"])
    login(client, team["health"])
    assert client.get(f"/cases/certifications/{cert.reference}/certificate.pdf"
                      ).status_code == 404
