"""The JSON API: one NinjaAPI, one router per domain, the same policies as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from tiaki.cases.api import router as cases_router
from tiaki.core import idempotency
from tiaki.core.api_auth import API_AUTH
from tiaki.core.errors import refusal_audit
from tiaki.core.policy import NotVisible, Refused
from tiaki.intake.api import router as intake_router
from tiaki.intelligence.api import router as intelligence_router
from tiaki.investigations.api import router as investigations_router
from tiaki.plan.api import router as plan_router
from tiaki.privacy.api import router as privacy_router
from tiaki.screening.api import router as screening_router


class _UniqueNamesSchema(OpenAPISchema):
    """django-ninja names each component after its model class and keeps the last model of
    a name, so two apps' ``DecisionIn`` made one operation document the other's fields
    (and refuse requests its own schema called valid). Two models of one name fail here."""

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                raise ImproperlyConfigured(
                    f"two API models are named {name!r} with different fields; "
                    "rename one so the schema documents both")
        super().add_schema_definitions(definitions)


class TiakiAPI(NinjaAPI):
    """Every answer passes here, so an idempotent create's response is stored (or its key
    released) whatever produced it: the view, a refusal or a validation error."""

    def create_response(self, request: HttpRequest, data: Any, *, status: int | None = None,
                        temporal_response: HttpResponse | None = None) -> HttpResponse:
        response = super().create_response(request, data, status=status,
                                           temporal_response=temporal_response)
        idempotency.finish(request, response)
        return response

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        """Document the answers every operation can give besides its own: the schema
        described only the success, so clients (and schemathesis) met 404s, refusals and
        validation errors the schema said could not happen."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = _UniqueNamesSchema(self, path_prefix)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = {
            "title": "Error", "type": "object", "required": ["detail"],
            "properties": {"detail": {"title": "Detail",
                                      "anyOf": [{"type": "string"},
                                                {"type": "array", "items": {}}]}},
        }
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                if method not in {"get", "post", "put", "patch", "delete"}:
                    continue
                responses = operation.setdefault("responses", {})
                for status, description in COMMON_ERRORS.items():
                    # An operation may describe an answer more closely (a reused
                    # Idempotency-Key); the body is the same Error either way.
                    responses.setdefault(status, {"description": description})
                    responses[status].setdefault("content", ref["content"])
        return schema


# Answers any operation may give, with a {"detail": ...} body (tiaki.api handlers, ninja).
COMMON_ERRORS = {
    "400": "Bad request (a malformed body or header)",
    "401": "Not authenticated",
    "403": "Refused: the caller's role may not do this, or the step is refused (the reason)",
    "404": "Not found, or not visible to the caller (answered alike)",
    "409": "Conflict: the record's state does not allow this step now",
    "413": "The request body is larger than accepted",
    "422": "The input does not validate (each problem named)",
}


api = TiakiAPI(
    title="Tiaki API",
    version="1",
    description=(
        "Whole-of-government response to people trafficking. Authenticate with a bearer "
        "token (systems) or a signed-in, two-factor-verified session (browsers). Records a "
        "caller may not see answer 404, exactly like records that do not exist."
    ),
    auth=API_AUTH,
    openapi_url="/schema",
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/plan", plan_router, tags=["plan"])
api.add_router("/", intake_router, tags=["intake"])
api.add_router("/cases", cases_router, tags=["cases"])
api.add_router("/screening", screening_router, tags=["screening"])
api.add_router("/investigations", investigations_router, tags=["investigations"])
api.add_router("/intelligence", intelligence_router, tags=["intelligence"])
api.add_router("/privacy", privacy_router, tags=["privacy"])


@api.exception_handler(Refused)
def _refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    return api.create_response(request, {"detail": exc.reason}, status=403)


@api.exception_handler(NotVisible)
def _not_visible(request: HttpRequest, exc: NotVisible) -> HttpResponse:
    # As the pages do (tiaki.core.errors): the auditor sees who was refused which record.
    refusal_audit(request, status=404, reason="missing or not visible to the user",
                  object_type=exc.object_type, object_id=exc.object_id)
    return api.create_response(request, {"detail": "Not found"}, status=404)
