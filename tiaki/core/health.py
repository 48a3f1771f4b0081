"""Readiness for load balancers and upgrades: ``/readyz`` says whether this process can
serve (database reachable, every migration applied, cache reachable). ``/healthz`` only says
the process is alive, so a restart is not triggered by a database outage.

Both are public (no session, nothing personal in the answer) and are never cached.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _migrations() -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} migration(s) not applied: run tiaki migrate"
    return "ok"


def _cache() -> str:
    key = f"tiaki:readyz:{secrets.token_hex(4)}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key)
    cache.delete(key)
    return "ok" if found == "1" else "cache did not return what was stored"


CHECKS = {"database": _database, "migrations": _migrations, "cache": _cache}


def readiness() -> dict[str, str]:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure means "not ready", named, never a 500
            results[name] = f"failed: {type(exc).__name__}"
        if name == "database" and results[name] != "ok":
            results["migrations"] = "not checked: no database"
            break
    return results


@never_cache
@require_GET
def readyz_view(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                        status=200 if ready else 503)
