"""Administration's lists page, search, filter, sort and export within an agency."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import MakeUser, login, page_main
from tests.listing_helpers import csv_rows, export_count, last_export, summary, xlsx_rows
from tiaki.accounts.models import Agency, RoleGrant, User
from tiaki.accounts.roles import Role
from tiaki.screening.models import Post

pytestmark = pytest.mark.django_db


def _people(agency: Agency, count: int, prefix: str) -> None:
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{i:03d}", first_name="Aroha" if i % 3 == 0 else "Mere",
              last_name=f"Ngata{i:03d}", email=f"{prefix}{i:03d}@example.org", agency=agency,
              is_active=i % 5 != 0)
         for i in range(count)])
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=u, role=Role.FRONTLINE if i % 2 else Role.INVESTIGATOR)
         for i, u in enumerate(users)])


def test_people_page_filter_search_sort_and_export(
        client: Client, admins: dict[str, User], agencies: dict[str, Agency]) -> None:
    _people(agencies["MBIE"], 80, "mb")
    _people(agencies["POLICE"], 20, "pol")
    page = login(client, admins["mbie"])
    body = page_main(page.get("/administration/"))
    assert "1–50 of 81" in body  # 80 and the administrator; nobody from the Police
    assert "mb000" in body and "pol0" not in body and 'rel="next"' in body
    body = page_main(page.get("/administration/?page=2"))
    assert "51–81 of 81" in body and "mb079" in body and "mb000" not in body
    body = page_main(page.get("/administration/?sort=-username"))
    assert body.index("mb079") < body.index("mb078") and 'aria-sort="descending"' in body
    # Filters and search narrow on the server; a full name finds its person.
    body = page_main(page.get("/administration/?status=deactivated"))
    assert "of 16" in body and "mb005" in body and "mb001" not in body
    body = page_main(page.get("/administration/?role=investigator&q=aroha"))
    assert "of 14" in body  # even numbers that are multiples of 3: 0, 6, …, 78
    assert summary(page_main(page.get("/administration/?q=Mere+Ngata007"))) == "1–1 of 1"
    assert "Nobody matches" in page_main(page.get("/administration/?q=pol001"))

    before = export_count()
    response = page.get("/administration/?status=deactivated&sort=username&export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response.content)
    assert rows[0][:2] == ["Username", "Name"] and len(rows) == 17
    assert rows[1][0] == "mb000" and all(r[5] == "Deactivated" for r in rows[1:])
    event = last_export()
    assert export_count() == before + 1 and event.actor_username == "admin_mbie"
    assert event.object_type == "accounts.user" and event.changes["rows"] == 16
    assert event.changes["filters"]["status"] == "deactivated"
    sheet = xlsx_rows(page.get("/administration/?export=xlsx").content)
    assert len(sheet) == 82 and not any(str(r[0]).startswith("pol") for r in sheet)
    assert export_count() == before + 2

    # The platform administrator sees every agency and filters by one.
    platform = login(Client(), admins["platform"])
    body = page_main(platform.get("/administration/?agency=POLICE"))
    assert "of 21" in body and "pol000" in body and "mb000" not in body


def test_posts_and_agencies_lists_page_filter_and_export(
        client: Client, admins: dict[str, User], agencies: dict[str, Agency],
        make_user: MakeUser) -> None:
    customs = agencies["CUSTOMS"]
    Post.objects.bulk_create([Post(code=f"P{i:03d}", name=f"Post {i}", agency=customs,
                                   ports=[f"X{i:02d}"], handles_visas=i % 4 == 0)
                              for i in range(60)])
    Post.objects.create(code="MBIE-VISA", name="Visa office", agency=agencies["MBIE"],
                        handles_visas=True)
    page = login(client, make_user("admin_customs", "CUSTOMS", [Role.ADMINISTRATOR]))
    body = page_main(page.get("/administration/posts/"))
    assert "1–50 of 60" in body and "P000" in body and "MBIE-VISA" not in body
    body = page_main(page.get("/administration/posts/?visas=yes&sort=-code"))
    assert "of 15" in body and body.index("P056") < body.index("P052")
    assert summary(page_main(page.get("/administration/posts/?q=post+17"))) == "1–1 of 1"
    rows = csv_rows(page.get("/administration/posts/?visas=yes&export=csv").content)
    assert len(rows) == 16 and rows[0][0] == "Code"
    assert last_export().changes["list"] == "border-posts"
    assert not any(r[0] == "MBIE-VISA" for r in rows)

    platform = login(Client(), admins["platform"])
    total = Agency.objects.count()
    body = page_main(platform.get("/administration/agencies/"))
    assert f"of {total}" in body
    body = page_main(platform.get("/administration/agencies/?q=POLICE"))
    assert "POLICE" in body and "MBIE" not in body
    sheet = xlsx_rows(platform.get("/administration/agencies/?sort=-code&export=xlsx").content)
    assert len(sheet) == total + 1 and sheet[0][0] == "Code"
    assert last_export().changes["list"] == "agencies"
