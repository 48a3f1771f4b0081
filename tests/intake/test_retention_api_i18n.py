"""Retention and purge, the public JSON API, and the portal's language catalogues."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.conftest import login
from tests.intake.conftest import submit_report
from tiaki.accounts.models import Agency, ApiToken, User
from tiaki.audit.models import AuditEvent
from tiaki.audit.services import audit_verify
from tiaki.intake import i18n, receipts, services
from tiaki.intake import pow as proof
from tiaki.intake.models import CatalogueReview, Report, ReportAttachment
from tiaki.intake.tasks import purge_reports_task

pytestmark = pytest.mark.django_db
PORTAL_LANGUAGES = {"en", "mi", "sm", "to", "zh-Hans", "th", "tl", "hi", "ko", "vi"}


# ----------------------------------------------------------------------------- retention


def _closed_report(client: Client, triage: dict[str, User], days_ago: int) -> Report:
    note = SimpleUploadedFile("note.txt", b"plate ABC123", "text/plain")
    submit_report(client, attachments=[note])
    report = Report.objects.order_by("-pk").first()
    assert report is not None
    services.triage_close(report=report, actor=triage["police"], outcome="no_further_action")
    Report.objects.filter(pk=report.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=days_ago))
    return report


def test_purge_deletes_closed_reports_past_retention_with_files(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User],
        settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.TIAKI_REPORT_RETENTION_DAYS = 30
    old = _closed_report(client, triage, days_ago=31)
    recent = _closed_report(client, triage, days_ago=29)
    submit_report(client)  # open: never purged
    old_file = str(ReportAttachment.objects.get(report=old).file.name)
    with django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("purge_reports", stdout=out)
    assert "Purged 1 report(s) closed more than 30 days ago" in out.getvalue()
    assert not Report.objects.filter(pk=old.pk).exists()
    assert Report.objects.filter(pk=recent.pk).exists() and Report.objects.count() == 2
    assert not default_storage.exists(old_file)
    event = AuditEvent.objects.get(action="purge")
    assert event.object_id == str(old.pk) and event.changes["retention_days"] == 30
    assert audit_verify().ok
    # A purged report's receipt answers exactly like a code that never existed.
    assert not Report.objects.filter(lookup_digest=old.lookup_digest).exists()


def test_purge_task_uses_the_default_retention(client: Client, agencies: dict[str, Agency],
                                               triage: dict[str, User]) -> None:
    assert services.retention_days() == 365 * 7
    _closed_report(client, triage, days_ago=365 * 7 + 1)
    _closed_report(client, triage, days_ago=365 * 6)
    result = purge_reports_task.enqueue()
    assert len(result.return_value) == 1 and Report.objects.count() == 1


# ----------------------------------------------------------------------------- API


def _challenge(client: Client) -> dict[str, Any]:
    response = client.get("/api/public/challenge")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    data["nonce"] = proof.solve(data["token"], data["bits"])
    return data


def test_public_api_returns_a_receipt(client: Client, agencies: dict[str, Agency]) -> None:
    work = _challenge(client)
    body = {"what_seen": "Workers locked in overnight", "region": "canterbury",
            "children": "no", "language": "ko", "pow_token": work["token"],
            "pow_nonce": work["nonce"]}
    response = client.post("/api/public/reports", body, content_type="application/json")
    assert response.status_code == 201, response.content
    code = response.json()["receipt"]
    report = Report.objects.get(lookup_digest=receipts.lookup_digest(code))
    assert report.channel == "public_api" and report.source_agency is None
    assert report.language == "ko"
    replay = client.post("/api/public/reports", body, content_type="application/json")
    assert replay.status_code == 403 and "already sent" in replay.json()["detail"]
    bad = client.post("/api/public/reports", {**body, "region": "mars"},
                      content_type="application/json")
    assert bad.status_code == 422
    assert Report.objects.count() == 1


def test_partner_token_records_the_source_agency(client: Client, agencies: dict[str, Agency],
                                                 make_user: Any) -> None:
    partner = make_user("crimestoppers", "CRIME_STOPPERS", [])
    _, raw = ApiToken.issue(user=partner, name="online form")
    work = _challenge(client)
    response = client.post("/api/public/reports",
                           {"what_seen": "Tip from our online form", "pow_token": work["token"],
                            "pow_nonce": work["nonce"]},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.channel == "partner" and report.source_agency is not None
    assert report.source_agency.code == "CRIME_STOPPERS"


def test_counts_api_is_for_monitoring_roles(client: Client, agencies: dict[str, Agency],
                                            triage: dict[str, User]) -> None:
    submit_report(client)
    assert Client().get("/api/intake/counts").status_code == 401
    assert login(Client(), triage["frontline"]).get("/api/intake/counts").status_code == 404
    data = login(Client(), triage["secretariat"]).get("/api/intake/counts").json()
    assert data["total"] == 1 and data["by_channel"] == {"Public reporting portal": 1}


# ----------------------------------------------------------------------------- languages


def test_all_portal_languages_load_and_are_marked_unreviewed(db: Any) -> None:
    i18n.clear_cache()
    found = i18n.catalogues()
    assert set(found) >= PORTAL_LANGUAGES
    for code, catalogue in found.items():
        assert not catalogue.missing, (code, sorted(catalogue.missing))
        if code != "en":
            assert not catalogue.reviewed_in_file and not i18n.is_reviewed(catalogue)


@pytest.mark.parametrize("lang", sorted(PORTAL_LANGUAGES - {"en"}))
def test_portal_pages_in_each_language(client: Client, agencies: dict[str, Agency],
                                       lang: str) -> None:
    words = i18n.get(lang)
    html = client.get(f"/report/?lang={lang}").content.decode()
    assert f'<html lang="{lang}" dir="ltr">' in html
    assert words.strings["submit"] in html.replace("&#x27;", "'")
    assert f'data-unreviewed="{lang}"' in html
    assert f'data-unreviewed="{lang}"' in client.get(f"/report/follow-up/?lang={lang}"
                                                     ).content.decode()
    response = submit_report(client, lang=lang)
    assert words.strings["sent_title"] in response.content.decode().replace("&#x27;", "'")


def test_unknown_language_falls_back_to_english(client: Client, db: Any) -> None:
    html = client.get("/report/?lang=xx").content.decode()
    assert '<html lang="en" dir="ltr">' in html and "data-unreviewed" not in html


def test_right_to_left_catalogue(client: Client, db: Any, settings: Any,
                                 tmp_path: Path) -> None:
    source = django_settings.TIAKI_DATA_DIR / "i18n" / "report" / "en.yaml"
    (tmp_path / "en.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    arabic = {"schema": "tiaki.portal-i18n/1", "language": "ar", "name": "العربية",
              "english_name": "Arabic", "direction": "rtl",
              "strings": {"title": "الإبلاغ عن الاتجار بالبشر"}}
    (tmp_path / "ar.yaml").write_text(yaml.safe_dump(arabic, allow_unicode=True),
                                      encoding="utf-8")
    settings.TIAKI_PORTAL_I18N_DIR = str(tmp_path)
    try:
        html = client.get("/report/?lang=ar").content.decode()
        assert '<html lang="ar" dir="rtl">' in html
        assert "الإبلاغ عن الاتجار بالبشر" in html
        # Missing strings fall back to English rather than breaking the page.
        assert "Send report" in html
    finally:
        i18n.clear_cache()


def test_catalogue_placeholders_must_match(tmp_path: Path, settings: Any) -> None:
    source = django_settings.TIAKI_DATA_DIR / "i18n" / "report" / "en.yaml"
    (tmp_path / "en.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    broken = {"schema": "tiaki.portal-i18n/1", "language": "fr", "name": "Français",
              "english_name": "French", "strings": {"pow_wait": "Attendez {secondes} s."}}
    (tmp_path / "fr.yaml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    settings.TIAKI_PORTAL_I18N_DIR = str(tmp_path)
    try:
        with pytest.raises(i18n.CatalogueError, match="placeholders"):
            i18n.catalogues()
    finally:
        i18n.clear_cache()


def test_fluent_reviewer_approval_is_audited_and_shown(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    i18n.clear_cache()
    staff = login(client, triage["secretariat"])
    assert "Not reviewed" in staff.get("/intake/translations/").content.decode()
    refused = staff.post("/intake/translations/to/", {"reviewer_name": "Sela Fifita"})
    assert refused.status_code == 400 and not CatalogueReview.objects.exists()
    approved = staff.post("/intake/translations/to/",
                          {"reviewer_name": "Sela Fifita", "fluent": "on"})
    assert approved.status_code == 302
    review = CatalogueReview.objects.get()
    assert review.sha256 == i18n.get("to").sha256
    assert AuditEvent.objects.filter(summary__contains="Tongan approved by Sela Fifita").exists()
    assert "data-unreviewed" not in Client().get("/report/?lang=to").content.decode()
    assert "data-unreviewed" in Client().get("/report/?lang=sm").content.decode()
    # Only the secretariat or an administrator records reviews.
    police = login(Client(), triage["police"])
    assert police.get("/intake/translations/").status_code == 403


def test_system_check_reports_a_broken_language_file(tmp_path: Path, settings: Any) -> None:
    from tiaki.intake.checks import intake_data_files

    assert intake_data_files() == []
    (tmp_path / "en.yaml").write_text("schema: wrong\n", encoding="utf-8")
    settings.TIAKI_PORTAL_I18N_DIR = str(tmp_path)
    try:
        problems = intake_data_files()
        assert [p.id for p in problems] == ["intake.E001"]
    finally:
        i18n.clear_cache()
