"""The sharing pages: prepare, approve (another senior officer), export as a download that
the dissemination log records; import a partner's file or see why it was refused whole."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import login, page_main
from tests.intelligence.test_sharing import AUTHORITY, FTM_OK, _lines
from tiaki.accounts.models import User
from tiaki.intelligence.models import Dissemination, Report, SharingPackage

pytestmark = pytest.mark.django_db


def test_prepare_approve_export_and_log(client: Client, analysts: dict[str, User],
                                        material: dict[str, Any], senior: User) -> None:
    login(client, analysts["cleared"])
    response = client.post("/intelligence/sharing/new/", {
        "partner": "AU", "authority": AUTHORITY, "purpose": "Recruiter in Australia",
        "reports": [material["shareable"].reference, material["nz_only"].reference],
        "withhold": f"{material['victim'].ftm_id}: a victim"})
    assert response.status_code == 302, page_main(response)
    package = SharingPackage.objects.get()
    page = page_main(client.get(f"/intelligence/sharing/{package.reference}/"))
    assert "not releasable to AU" in page and "withheld: a victim" in page
    assert client.post(f"/intelligence/sharing/{package.reference}/export/",
                       {"format": "stix"}).status_code == 400
    login(client, senior)
    client.post(f"/intelligence/sharing/{package.reference}/decide/", {"decision": "approve"})
    download = client.post(f"/intelligence/sharing/{package.reference}/export/",
                           {"format": "stix"})
    assert download.status_code == 200
    assert download["Content-Type"] == "application/stix+json"
    row = Dissemination.objects.get()
    assert download.content.decode() == row.content
    log = page_main(client.get("/intelligence/sharing/"))
    assert package.reference in log and AUTHORITY in log
    login(client, analysts["uncleared"])
    assert package.reference not in page_main(client.get("/intelligence/sharing/"))
    assert client.get(f"/intelligence/sharing/{package.reference}/").status_code == 404


def test_import_page(client: Client, analysts: dict[str, User], senior: User) -> None:
    login(client, analysts["cleared"])
    bad = client.post("/intelligence/imports/", {
        "partner": "AU", "format": "ftm", "tlp": "amber",
        "file": SimpleUploadedFile("x.jsonl", b'{"id": "d", "schema": "Dragon"}\n')})
    assert bad.status_code == 400
    assert "Line 1, field" in page_main(bad) and "Dragon" in page_main(bad)
    ok = client.post("/intelligence/imports/", {
        "partner": "AU", "format": "ftm", "tlp": "green",
        "file": SimpleUploadedFile("x.jsonl", _lines(FTM_OK).encode())})
    assert ok.status_code == 302
    report = Report.objects.get()
    assert "AU" in page_main(client.get(f"/intelligence/reports/{report.reference}/"))


def test_packages_and_the_log_page_filter_and_export_apart(
        client: Client, analysts: dict[str, User], senior: User) -> None:
    import datetime as dt

    from tests.listing_helpers import csv_rows, export_count, last_export, summary

    cleared = analysts["cleared"]
    start = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    SharingPackage.objects.bulk_create(
        [SharingPackage(reference=f"PKG-{i:04d}", partner="AU" if i % 2 else "US",
                        purpose="p", authority=AUTHORITY, tlp="amber", requester=cleared,
                        agency=cleared.agency, created_at=start + dt.timedelta(hours=i),
                        status="approved")
         for i in range(260)])
    first = SharingPackage.objects.get(reference="PKG-0001")
    Dissemination.objects.bulk_create(
        [Dissemination(package=first, partner="AU", authority=AUTHORITY, format="ftm",
                       references=[f"R{i}"], content="{}", sha256=f"{i:064d}", sent_by=cleared,
                       approved_by=senior, at=start + dt.timedelta(minutes=i))
         for i in range(230)])
    login(client, cleared)
    page = client.get("/intelligence/sharing/").content.decode()
    assert summary(page) == "1–25 of 260" and "PKG-0259" in page  # no longer cut at 200
    assert "1–25 of 230" in page
    # The log's own page and filters leave the packages list where it was.
    page = client.get("/intelligence/sharing/?partner=US&log-page=10").content.decode()
    assert "1–25 of 130" in page and "226–230 of 230" in page
    before = export_count()
    rows = csv_rows(client.get("/intelligence/sharing/?partner=US&export=csv").content)
    assert len(rows) == 131 and {r[1] for r in rows[1:]} == {"US"}
    assert last_export().changes["list"] == "sharing-packages"
    rows = csv_rows(client.get("/intelligence/sharing/?log-export=csv").content)
    assert len(rows) == 231 and rows[1][1] == "PKG-0001"
    assert last_export().changes["list"] == "dissemination-log"
    assert export_count() == before + 2
    # Someone who may not read intelligence gets neither list.
    login(client, analysts["frontline"])
    assert client.get("/intelligence/sharing/?log-export=csv").status_code in (403, 404)
