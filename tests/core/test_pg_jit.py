"""PostgreSQL's JIT is off for the app's connections (docs/decisions/0022)."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_queries_run_without_jit_compilation() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
