"""Property-based run of the whole API against its own OpenAPI schema (schemathesis, every
check), bounded (a few examples per operation) so it stays part of the normal suite.

A new operation is covered without anyone remembering to: the cases come from the schema.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tiaki.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema", application)

pytestmark = pytest.mark.django_db

# Operations whose schema and behaviour still disagree, each with what schemathesis found.
# Remove an entry once it is fixed; the list must only shrink.
KNOWN_MISMATCHES = {
    "POST /api/plan/{plan_code}/items/{number}/updates/with-evidence":
        "multipart form: narrative and evidence required but not marked so",
    "POST /api/intake/triage/{report_id}/decision": "outcome required but optional in schema",
    "GET /api/cases/measures": "start/last accept values the date format does not",
    "POST /api/cases/": "a reused Idempotency-Key answers 422 to a schema-valid body",
    "POST /api/cases/{reference}/consents": "fields required but optional in schema",
    "GET /api/investigations/figures": "start/last accept values the date format does not",
    "POST /api/investigations/": "accepts a body that is not an object",
    "POST /api/investigations/{reference}/charges/{charge_id}/sentence":
        "fields required but optional in schema",
}


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """Requests here go straight to the WSGI application, whose request signals close the
    database connection (``close_old_connections``). Django's own test client disconnects
    that handler so a test's transaction survives its requests; do the same, or on
    PostgreSQL every request after the first finds the connection closed."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(make_user: Any) -> str:
    from tiaki.accounts.models import ApiToken
    from tiaki.accounts.roles import Role

    # Roles enough to reach every domain's operations (their policies still apply).
    user = make_user("fuzz", "POLICE", [Role.INVESTIGATOR, Role.SECRETARIAT, Role.AUDITOR,
                                        Role.FRONTLINE, Role.CASE_MANAGER])
    return ApiToken.issue(user=user, name="fuzz")[1]


@schema.parametrize()
# derandomize: the same examples every run, so CI is repeatable (a failure found once
# reproduces); widen max_examples locally to explore.
@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_matches_its_schema(case: Any, token: str) -> None:
    label = f"{case.method.upper()} {case.operation.path}"
    if label in KNOWN_MISMATCHES:
        pytest.skip(f"known schema mismatch: {KNOWN_MISMATCHES[label]}")
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
