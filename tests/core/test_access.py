"""Default deny: every page needs a verified staff session unless it is listed as public."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tiaki.accounts.middleware import is_public


def _paths(patterns: list[Any], prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _paths(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append("/" + route.replace("<int:", "1<").split("<")[0].replace("^", "")
                         .replace("$", ""))
    return found


@pytest.mark.django_db
def test_every_non_public_page_redirects_anonymous_users(client: Any) -> None:
    paths = [p for p in _paths(get_resolver().url_patterns) if not is_public(p)]
    assert "/plan/" in paths and "/audit/" in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/accounts/login/" in response["Location"], path


@pytest.mark.django_db
def test_api_needs_authentication(client: Any) -> None:
    assert client.get("/api/plan/plans").status_code == 401
