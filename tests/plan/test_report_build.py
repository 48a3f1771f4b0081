"""The annual report builds in the background, downloads as PDF and HTML, and once signed
off reads the same whatever happens to the live data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import login
from tests.pdf_tools import pdf_page_images, pdf_text
from tiaki.accounts.models import User
from tiaki.plan.models import Plan
from tiaki.plan.records import TrainingSession
from tiaki.plan.report_models import FrozenReportError, ReportBuild
from tiaki.plan.services import progress_update_record


def test_build_download_sign_off_and_freeze(client: Any, nz_plan: Plan,
                                            personas: dict[str, User], tmp_path: Path) -> None:
    secretariat = personas["secretariat"]
    progress_update_record(item=nz_plan.items.get(number=27), actor=secretariat,
                           status="in_progress", reported_on=dt.date(2009, 10, 1),
                           narrative="Pamphlets in te reo Māori, Gagana Sāmoa (Faʻafetai) "
                                     "and 中文 distributed")
    TrainingSession.objects.create(agency=personas["customs"].agency, held_on=dt.date(2009, 9, 1),
                                   title="Indicators", audience="Officers", people_trained=12)
    login(client, personas["customs"])
    assert client.post("/plan/report/build/", {"year": "1"}).status_code == 302
    assert not ReportBuild.objects.exists()  # refused: only the secretariat builds it
    login(client, secretariat)
    response = client.post("/plan/report/build/", {"year": "1"})
    build = ReportBuild.objects.get()
    assert response["Location"] == f"/plan/report/builds/{build.pk}/"
    assert build.status == "done" and build.progress == 100 and build.as_of is not None
    page = client.get(f"/plan/report/builds/{build.pk}/").content.decode()
    assert "Download PDF" in page and "Sign off and freeze" in page

    html = client.get(f"/plan/report/builds/{build.pk}/report.html").content.decode()
    assert 'data-metric="training.people_trained" data-value="12"' in html
    pdf = client.get(f"/plan/report/builds/{build.pk}/report.pdf").content
    text = pdf_text(pdf, tmp_path)
    for words in ("te reo Māori", "Gagana Sāmoa (Faʻafetai)", "中文", "Item 27"):
        assert words in text
    pages = pdf_page_images(pdf, tmp_path)
    assert len(pages) >= 3 and all(p.stat().st_size > 1000 for p in pages)

    assert client.post(f"/plan/report/builds/{build.pk}/sign-off/").status_code == 302
    build.refresh_from_db()
    assert build.frozen and build.signed_off_by == secretariat
    TrainingSession.objects.create(agency=personas["customs"].agency, held_on=dt.date(2009, 9, 2),
                                   title="More", audience="Officers", people_trained=30)
    again = client.get(f"/plan/report/builds/{build.pk}/report.html").content.decode()
    assert again == html  # the signed-off report still says 12
    live = client.get("/plan/report/?year=1").content.decode()
    assert 'data-metric="training.people_trained" data-value="42"' in live
    # The period's builds are listed in full, paged (no longer the latest 10), and export.
    assert f'href="/plan/report/builds/{build.pk}/"' in live
    ReportBuild.objects.bulk_create(ReportBuild(plan=nz_plan, year=1) for _ in range(14))
    held = ReportBuild.objects.filter(plan=nz_plan, year=1).count()
    live = client.get("/plan/report/?year=1").content.decode()
    assert f"1–10 of {held}" in live
    assert f"11–{held} of {held}" in client.get(
        "/plan/report/?year=1&builds-page=2").content.decode()
    from tests.listing_helpers import csv_rows, export_count

    before = export_count()
    rows = csv_rows(client.get("/plan/report/?year=1&builds-export=csv").content)
    assert rows[0] == ["Build", "Requested", "Status", "Signed off"] and len(rows) == held + 1
    assert export_count() == before + 1
    build.html = "changed"
    with pytest.raises(FrozenReportError):
        build.save()
    assert client.get(f"/plan/report/builds/{build.pk}/report.exe").status_code == 404
