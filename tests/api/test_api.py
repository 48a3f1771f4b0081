"""The JSON API: schema snapshot, token auth, the same policies as the pages."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.conftest import login
from tiaki.accounts.models import ApiToken, User
from tiaki.plan.models import Plan, ProgressUpdate

SNAPSHOT = Path(__file__).with_name("openapi_snapshot.json")


def test_openapi_schema_matches_snapshot(client: Any, db: Any) -> None:
    """Like Wagtail's test_openapi_snapshot: a schema change must be deliberate.

    Regenerate with UPDATE_SNAPSHOTS=1 after checking the change is intended.
    """
    response = client.get("/api/schema")
    assert response.status_code == 200
    schema = response.json()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    # A missing snapshot is a failure, never a fresh baseline: otherwise deleting the file
    # would make the check pass without checking anything.
    assert SNAPSHOT.exists(), f"{SNAPSHOT.name} is missing; write it with UPDATE_SNAPSHOTS=1"
    assert schema == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_docs_page_is_served(client: Any, db: Any, personas: dict[str, User]) -> None:
    login(client, personas["secretariat"])
    assert client.get("/api/docs").status_code == 200


def _bearer(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="test system")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_reads_items(client: Any, nz_plan: Plan, personas: dict[str, User]) -> None:
    headers = _bearer(personas["secretariat"])
    items = client.get("/api/plan/nz-2009/items", **headers).json()
    assert len(items) == 28
    assert {"number", "due_date", "status", "overdue", "agencies"} <= set(items[0])
    one = client.get("/api/plan/nz-2009/items/10", **headers).json()
    assert one["number"] == 10 and one["updates"] == []


def test_bad_token_is_refused(client: Any, nz_plan: Plan) -> None:
    response = client.get("/api/plan/nz-2009/items", HTTP_AUTHORIZATION="Bearer tk_nope")
    assert response.status_code == 401


def test_customs_posts_only_to_its_items(client: Any, nz_plan: Plan,
                                         personas: dict[str, User]) -> None:
    headers = _bearer(personas["customs"])
    body = {"status": "in_progress", "narrative": "Targeting profile redrafted"}
    ok = client.post("/api/plan/nz-2009/items/10/updates", body,
                     content_type="application/json", **headers)
    assert ok.status_code == 201, ok.content
    refused = client.post("/api/plan/nz-2009/items/3/updates", body,
                          content_type="application/json", **headers)
    assert refused.status_code == 403
    assert "not responsible for item 3" in refused.json()["detail"]
    assert ProgressUpdate.objects.count() == 1


def test_missing_and_unknown_answer_alike(client: Any, nz_plan: Plan,
                                          personas: dict[str, User]) -> None:
    headers = _bearer(personas["secretariat"])
    missing = client.get("/api/plan/nz-2009/items/99", **headers)
    no_plan = client.get("/api/plan/xx-0000/items/1", **headers)
    assert missing.status_code == no_plan.status_code == 404
    assert missing.json() == no_plan.json()


def test_verified_session_works_for_the_api(client: Any, nz_plan: Plan,
                                            personas: dict[str, User]) -> None:
    login(client, personas["secretariat"])
    assert client.get("/api/plan/plans").status_code == 200


def test_dashboard_todo_and_evidence_through_the_api(client: Any, nz_plan: Plan,
                                                     personas: dict[str, User]) -> None:
    headers = _bearer(personas["customs"])
    board = client.get("/api/plan/nz-2009/dashboard", **headers).json()
    assert board["items"] == 28 and board["overdue"]
    mine = client.get("/api/plan/nz-2009/my-agency", **headers).json()
    assert 10 in [i["number"] for i in mine] and 3 not in [i["number"] for i in mine]
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\nminutes\n", content_type="application/pdf")
    created = client.post("/api/plan/nz-2009/items/10/updates/with-evidence",
                          {"status": "complete", "narrative": "Done", "evidence": [pdf]},
                          **headers)
    assert created.status_code == 201, created.content
    evidence_id = created.json()["evidence"][0]["id"]
    download = client.get(f"/api/plan/evidence/{evidence_id}", **headers)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
