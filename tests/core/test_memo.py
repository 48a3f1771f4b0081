"""Answers remembered for one request only, and forgotten when a service changes them."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse

from tests.conftest import MakeUser
from tiaki.accounts.models import Agency
from tiaki.accounts.roles import Role
from tiaki.administration import services
from tiaki.core.memo import RequestMemoMiddleware, remembered


def _in_request(work: Any) -> None:
    """Run ``work`` the way a view runs: inside the memo middleware."""

    def view(request: HttpRequest) -> HttpResponse:
        work()
        return HttpResponse()

    RequestMemoMiddleware(view)(HttpRequest())


def test_remembered_once_a_request_and_never_outside_one() -> None:
    computed: list[int] = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    assert [remembered("k", compute), remembered("k", compute)] == [1, 2]
    seen: list[int] = []
    _in_request(lambda: seen.extend([remembered("k", compute), remembered("k", compute)]))
    assert seen == [3, 3]
    # The next request reads afresh.
    _in_request(lambda: seen.append(remembered("k", compute)))
    assert seen == [3, 3, 4]


@pytest.mark.django_db
def test_a_successor_named_during_a_request_is_in_its_lineage_at_once(
        make_user: MakeUser, agencies: dict[str, Agency]) -> None:
    platform = make_user("platform_admin", "DIA", [Role.PLATFORM_ADMINISTRATOR])
    old = Agency.objects.create(code="OLD_DEPT", name="Old department")
    mbie = agencies["MBIE"]
    lineages: list[set[int]] = []

    def work() -> None:
        lineages.append(mbie.lineage_ids())
        services.agency_update(acting_user=platform, agency=old, active=False,
                               successor=mbie, reason="Merged in 2012")
        lineages.append(mbie.lineage_ids())

    _in_request(work)
    assert old.pk not in lineages[0]
    assert old.pk in lineages[1]
