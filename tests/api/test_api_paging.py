"""The API's lists answer one page at a time (``page``, ``per_page``), with the whole list's
size in ``X-Total-Count`` and the next and previous pages in ``Link``: nothing is cut at a
fixed number of rows, and the policy still scopes every page."""

from __future__ import annotations

from typing import Any

import pytest

from tiaki.accounts.models import ApiToken, User
from tiaki.accounts.roles import Role
from tiaki.screening.models import LostDocument

pytestmark = pytest.mark.django_db


def _bearer(user: User) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="test system")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_lost_documents_page_through_every_row(client: Any, make_user: Any) -> None:
    LostDocument.objects.bulk_create(
        [LostDocument(number=f"P{i:05d}", number_normalised=f"P{i:05d}",
                      number_folded=f"P{i:05d}", issuer="THA" if i % 2 else "GBR")
         for i in range(1_250)], batch_size=1000)
    headers = _bearer(make_user("officer", "CUSTOMS", [Role.FRONTLINE]))
    url = "/api/screening/lost-documents"
    first = client.get(url, **headers)
    assert first.status_code == 200 and len(first.json()) == 100  # the default page size
    assert first["X-Total-Count"] == "1250"
    assert 'page=2>; rel="next"' in first["Link"] and 'rel="prev"' not in first["Link"]
    seen: list[str] = []
    page = 1
    while True:
        response = client.get(url, {"page": page, "per_page": 500}, **headers)
        rows = response.json()
        seen += [r["number"] for r in rows]
        if 'rel="next"' not in response.get("Link", ""):
            break
        page += 1
    # 1,250 rows in three pages (the old endpoint stopped at 500), none twice.
    assert page == 3 and len(seen) == len(set(seen)) == 1_250
    assert seen[:2] == ["P00000", "P00002"]  # by issuer (GBR first), then number
    narrowed = client.get(url, {"issuer": "tha", "per_page": 10, "page": 63}, **headers)
    assert narrowed["X-Total-Count"] == "625" and len(narrowed.json()) == 5
    assert 'page=62>; rel="prev"' in narrowed["Link"] and "issuer=tha" in narrowed["Link"]
    past = client.get(url, {"page": 99}, **headers)
    assert past.status_code == 200 and past.json() == []
    assert client.get(url, {"per_page": 501}, **headers).status_code == 422
    assert client.get(url, {"page": 0}, **headers).status_code == 422
    # Someone outside the register's policy gets an empty list of an empty total.
    nobody = client.get(url, **_bearer(make_user("cm", "POLICE", [Role.CASE_MANAGER])))
    assert nobody.status_code in (200, 403)
    if nobody.status_code == 200:
        assert nobody.json() == [] and nobody["X-Total-Count"] == "0"
