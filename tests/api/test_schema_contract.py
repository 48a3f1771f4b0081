"""The OpenAPI schema says what each operation accepts, and the operation accepts exactly that.

Each test here pins one disagreement schemathesis found (tests/api/test_schemathesis.py), so
it stays fixed even where the generated examples would not reach it again.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from ninja import Router, Schema

from tests.api.test_api import _bearer
from tiaki.accounts.models import User
from tiaki.api import TiakiAPI, api
from tiaki.plan.models import Plan, ProgressUpdate


def _body_schema(path: str, media_type: str = "application/json") -> dict[str, Any]:
    schema = api.get_openapi_schema()
    body = schema["paths"][path]["post"]["requestBody"]["content"][media_type]["schema"]
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    return body


@pytest.mark.parametrize(("path", "required"), [
    # Both borrowed another app's model of the same name (investigations' DecisionIn and
    # ConsentIn), so the schema listed fields these operations do not take.
    ("/api/intake/triage/{report_id}/decision", {"outcome"}),
    ("/api/cases/{reference}/consents", {"purpose", "granted"}),
    ("/api/cases/{reference}/close", {"reason"}),
    ("/api/investigations/{reference}/charges/{charge_id}/consent", {"on"}),
    ("/api/investigations/{reference}/charges/{charge_id}/outcome", {"status", "on"}),
])
def test_each_operation_documents_its_own_fields(path: str, required: set[str]) -> None:
    assert set(_body_schema(path)["required"]) == required


def test_the_case_close_documents_referred_on() -> None:
    assert "referred_on" in _body_schema("/api/cases/{reference}/close")["properties"]


def test_two_models_of_one_name_fail_the_schema() -> None:
    """django-ninja keeps the last model of a name; ours refuses to guess."""

    def router_with(fields: dict[str, Any]) -> Router:
        model = type("DecisionIn", (Schema,), {"__annotations__": fields})
        router = Router()

        def decide(request: Any, payload: Any) -> None:
            return None

        # This module's annotations are strings; ninja must see the model itself.
        decide.__annotations__ = {"request": Any, "payload": model, "return": None}
        router.post("/decide")(decide)
        return router

    clash = TiakiAPI(urls_namespace="clash")
    clash.add_router("/a", router_with({"outcome": str}))
    clash.add_router("/b", router_with({"status": str}))
    with pytest.raises(ImproperlyConfigured, match="DecisionIn"):
        clash.get_openapi_schema(path_prefix="")


EVIDENCE_URL = "/api/plan/nz-2009/items/10/updates/with-evidence"


def test_progress_with_evidence_documents_optional_files_and_a_narrative() -> None:
    body = _body_schema("/api/plan/{plan_code}/items/{number}/updates/with-evidence",
                        "multipart/form-data")
    assert set(body["required"]) == {"status", "narrative"}
    assert body["properties"]["narrative"]["minLength"] == 1
    assert body["properties"]["evidence"]["maxItems"] == 5


def test_progress_without_a_file_is_recorded_through_the_form(
        client: Any, nz_plan: Plan, personas: dict[str, User]) -> None:
    response = client.post(EVIDENCE_URL, {"status": "in_progress", "narrative": "Drafted"},
                           **_bearer(personas["customs"]))
    assert response.status_code == 201, response.content
    assert response.json()["evidence"] == []
    assert ProgressUpdate.objects.get().narrative == "Drafted"


def test_an_empty_narrative_is_named_in_the_answer(
        client: Any, nz_plan: Plan, personas: dict[str, User]) -> None:
    response = client.post(EVIDENCE_URL, {"status": "in_progress", "narrative": ""},
                           **_bearer(personas["customs"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["form", "narrative"]
    assert not ProgressUpdate.objects.exists()


@pytest.fixture
def token(make_user: Any) -> str:
    from tiaki.accounts.models import ApiToken
    from tiaki.accounts.roles import Role

    user = make_user("fuzz", "POLICE", [Role.INVESTIGATOR, Role.SECRETARIAT, Role.AUDITOR,
                                        Role.FRONTLINE, Role.CASE_MANAGER])
    return ApiToken.issue(user=user, name="fuzz")[1]


def _json_body_operations() -> list[str]:
    schema = api.get_openapi_schema()
    return sorted(path for path, item in schema["paths"].items()
                  if "application/json" in item.get("post", {}).get("requestBody", {})
                  .get("content", {}))


@pytest.mark.parametrize("body", ['"AAA"', '["title"]', "7", "null"])
def test_every_body_must_be_an_object(client: Any, db: Any, token: str, body: str) -> None:
    """django-ninja read a body's fields as attributes: ``"AAA"`` opened an investigation
    titled "Aaa" (``str.title``). Every JSON operation now refuses what is not an object."""
    from tiaki.investigations.models import Investigation

    accepted = {}
    for path in _json_body_operations():
        url = path.replace("{", "").replace("}", "")  # any value: the body is checked first
        response = client.post(url, body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        if response.status_code != 422 or "JSON object" not in str(response.json()):
            accepted[path] = (response.status_code, response.content[:120])
    assert accepted == {}
    assert not Investigation.objects.exists()


def test_a_nested_object_must_be_an_object(client: Any, db: Any, token: str) -> None:
    # FindingIn's fields all have defaults, so a string passed for it as an empty finding.
    response = client.post("/api/cases/C-1/certifications",
                           {"assessment": {"act": "yes"}}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"][-2:] == ["assessment", "act"]
    assert "JSON object" in problem["msg"]


@pytest.mark.parametrize("path", ["/api/cases/measures", "/api/investigations/figures"])
@pytest.mark.parametrize("value", ["0", "20260101", "2026-13-01", "1.5", "yesterday"])
def test_a_period_takes_only_iso_dates(client: Any, db: Any, token: str, path: str,
                                       value: str) -> None:
    """``start=0`` was read as Unix time (1970-01-01); the schema says format "date"."""
    for name in ("start", "end"):
        response = client.get(path, {name: value}, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 422, (name, value, response.content)
        problem = response.json()["detail"][0]
        assert problem["loc"] == ["query", name]
        assert "YYYY-MM-DD" in problem["msg"] or "date" in problem["msg"]


def test_a_period_in_iso_dates_is_answered(client: Any, db: Any, token: str) -> None:
    response = client.get("/api/investigations/figures",
                          {"start": "2026-01-01", "end": "2026-06-30"},
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert (response.json()["start"], response.json()["end"]) == ("2026-01-01", "2026-06-30")


@pytest.mark.parametrize(("amount", "ok"), [
    (1500, True), ("1500.50", True), ("0", True), (1500.0, True),
    ("", False), ("1,500", False), ("-5", False), ("1e3", False), (1500.5, False),
    (-1, False), (True, False), ("12345678901.00", False),
])
def test_a_reparation_amount_is_dollars_and_cents(amount: Any, ok: bool) -> None:
    from pydantic import ValidationError

    from tiaki.investigations.api import ReparationIn

    schema = _body_schema("/api/investigations/{reference}/charges/{charge_id}/sentence")
    assert schema["required"] == ["kind", "imposed_on"]
    try:
        ReparationIn.model_validate({"case": "C-1", "amount_nzd": amount})
    except ValidationError as invalid:
        assert not ok, invalid
        assert "amount" in str(invalid)
    else:
        assert ok, amount


def test_the_progress_form_documents_a_date_it_can_carry() -> None:
    """A multipart field cannot be null; the schema offered null and the text "null" was
    refused."""
    body = _body_schema("/api/plan/{plan_code}/items/{number}/updates/with-evidence",
                        "multipart/form-data")
    assert body["properties"]["reported_on"]["type"] == "string"
    assert "anyOf" not in body["properties"]["reported_on"]


def test_every_create_documents_what_a_reused_key_answers() -> None:
    """A reused Idempotency-Key answers 409 (still running) or 422 (another request); both
    are in each create's responses, with the Error body."""
    schema = api.get_openapi_schema()
    creates = [op for item in schema["paths"].values() for op in item.values()
               if any(p.get("name") == "Idempotency-Key" for p in op.get("parameters", []))]
    assert len(creates) > 20
    for operation in creates:
        for status in ("409", "422"):
            answer = operation["responses"][status]
            assert "Idempotency-Key" in answer["description"], operation["operationId"]
            assert answer["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}


@pytest.mark.parametrize(("field", "value"), [
    ("interpreter_needed", 0), ("interpreter_needed", 1), ("interpreter_needed", "true"),
    ("apparent_child", "yes"), ("age", "30"), ("age", True),
])
def test_booleans_and_numbers_are_their_json_types(client: Any, db: Any, token: str,
                                                   field: str, value: Any) -> None:
    """pydantic's lax mode opened a case with ``"interpreter_needed": 0``; the schema says
    boolean (and integer for the age), so nothing is created and the field is named."""
    from tiaki.cases.models import VictimCase

    response = client.post("/api/cases/", {"identity": {}, field: value},
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == field
    assert not VictimCase.objects.exists()
