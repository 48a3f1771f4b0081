"""The README journey: a new administrator adds officers and a border post and assigns them."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import MakeUser, login, page_main
from tiaki.accounts.models import Agency, User
from tiaki.accounts.roles import Role
from tiaki.administration import services
from tiaki.audit.models import AuditEvent
from tiaki.core.policy import Refused
from tiaki.screening.loader import posts_ensure
from tiaki.screening.models import Post, PostMembership
from tiaki.screening.policies import posts_of

pytestmark = pytest.mark.django_db


def test_administrator_adds_officers_and_a_post_then_assigns_them(
        client: Client, make_user: MakeUser, agencies: dict[str, Agency]) -> None:
    admin = make_user("customs_admin", "CUSTOMS", [Role.ADMINISTRATOR])
    page = login(client, admin)
    for username in ("officer_a", "officer_b"):
        made = page.post("/administration/users/new/", {
            "username": username, "first_name": "Test", "last_name": username,
            "email": f"{username}@example.org", "agency": agencies["CUSTOMS"].pk,
            "roles": [Role.FRONTLINE], "password": "a long enough password 42",
            "reason": "New border officer"})
        assert made.status_code == 302, page_main(made)
    created = page.post("/administration/posts/new/", {
        "code": "npe", "name": "Napier Airport", "agency": agencies["CUSTOMS"].pk,
        "ports": "npe, NPL", "reason": "New international service"})
    assert created.status_code == 302, page_main(created)
    post = Post.objects.get(code="NPE")
    assert post.ports == ["NPE", "NPL"] and post.agency == agencies["CUSTOMS"]
    # The country's posts were loaded first, so the default post still takes the rest.
    assert Post.objects.filter(is_default=True).count() == 1
    shown = page.get(f"/administration/posts/{post.pk}/")
    assert "officer_a" in page_main(shown)
    a = User.objects.get(username="officer_a")
    assigned = page.post(f"/administration/posts/{post.pk}/", {
        "form": "officers", "officers-officers": [a.pk], "officers-reason": "Roster"})
    assert assigned.status_code == 302
    assert list(PostMembership.objects.filter(post=post).values_list("user__username",
                                                                     flat=True)) == ["officer_a"]
    assert list(posts_of(a)) == [post]
    b = User.objects.get(username="officer_b")
    assert post in posts_of(b) and len(posts_of(b)) > 1  # on no post: every Customs post
    row = AuditEvent.objects.filter(object_type="screening.post", object_id=str(post.pk)
                                    ).latest("pk")
    assert row.reason == "Roster" and row.changes["officers"] == ["officer_a"]


def test_post_rules(make_user: MakeUser, agencies: dict[str, Agency]) -> None:
    posts_ensure()
    customs_admin = make_user("cadm", "CUSTOMS", [Role.ADMINISTRATOR])
    mbie_admin = make_user("madm", "MBIE", [Role.ADMINISTRATOR])
    with pytest.raises(Refused, match="already routes to"):
        services.post_create(acting_user=customs_admin, code="AKL2", name="Second Auckland",
                             agency=agencies["CUSTOMS"], ports=["AKL"], reason="x")
    with pytest.raises(Refused, match="IATA"):
        services.post_create(acting_user=customs_admin, code="X", name="X",
                             agency=agencies["CUSTOMS"], ports=["Auckland"], reason="x")
    with pytest.raises(Refused, match="own agency"):
        services.post_create(acting_user=mbie_admin, code="NSN", name="Nelson",
                             agency=agencies["CUSTOMS"], ports=["NSN"], reason="x")
    akl = Post.objects.get(code="AKL")
    mbie_officer = make_user("mbie_front", "MBIE", [Role.FRONTLINE])
    with pytest.raises(Refused, match="cannot work this post"):
        services.post_officers_set(acting_user=customs_admin, post=akl,
                                   officers=[mbie_officer], reason="x")
    with pytest.raises(Refused, match="own agency"):
        services.post_officers_set(acting_user=mbie_admin, post=akl, officers=[], reason="x")


def test_other_agencies_posts_answer_404(client: Client, make_user: MakeUser) -> None:
    posts_ensure()
    mbie_admin = make_user("madm2", "MBIE", [Role.ADMINISTRATOR])
    akl = Post.objects.get(code="AKL")
    page = login(client, mbie_admin)
    assert page.get(f"/administration/posts/{akl.pk}/").status_code == 404
    assert page.get("/administration/posts/999999/").status_code == 404
    assert "AKL" not in page_main(page.get("/administration/posts/"))
