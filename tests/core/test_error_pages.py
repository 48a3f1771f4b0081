"""Error pages inside the layout, never Django's debug pages; refusals in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from tests.conftest import login, page_main
from tiaki.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_missing_page_is_in_the_layout_and_audited(client: Client, personas: Any) -> None:
    login(client, personas["police"])
    response = client.get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Not found" in page and 'class="site-header"' in page and "Sign out" in page
    assert "URLconf" not in page and "urlpatterns" not in page.lower()
    event = AuditEvent.objects.get(action="refused")
    assert event.actor_username == personas["police"].username
    assert event.changes["status"] == 404 and event.changes["path"] == "/no/such/page/"


def test_forbidden_section_is_in_the_layout_and_audited(client: Client,
                                                         personas: Any) -> None:
    login(client, personas["minister"])
    response = client.get("/screening/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Not open to your role" in page and "Sign out" in page
    assert AuditEvent.objects.filter(action="refused", changes__status=403).exists()


def test_a_record_one_may_not_see_answers_like_a_missing_one(client: Client,
                                                             personas: Any) -> None:
    from tiaki.intake.models import Report

    report = Report.objects.create(lookup_digest="x", code_salt="s", code_hash="h",
                                   channel="portal", what_seen="seen")
    login(client, personas["customs"])
    hidden = client.get(f"/intake/triage/{report.pk}/")
    missing = client.get(f"/intake/triage/{report.pk + 1000}/")
    assert hidden.status_code == missing.status_code == 404
    assert page_main(hidden) == page_main(missing)
    refused = AuditEvent.objects.filter(action="refused", object_type="intake.report")
    assert {e.object_id for e in refused} == {f"pk={report.pk}", f"pk={report.pk + 1000}"}


@override_settings(DEBUG=False)
def test_server_error_page_is_in_the_layout(personas: Any) -> None:
    from tiaki.core.errors import server_error

    client = Client(raise_request_exception=False)
    login(client, personas["police"])
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = personas["police"]
    response = server_error(request)
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()
    bad = client.get("/", HTTP_HOST="evil.example")
    assert bad.status_code == 400 and "Bad request" in bad.content.decode()


def test_debug_is_refused_in_demo_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    env = {"TIAKI_ENV": "development", "TIAKI_DEMO": "true", "DEBUG": "true",
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", "import tiaki.settings"], env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "DEBUG cannot be on in demo mode" in result.stderr
