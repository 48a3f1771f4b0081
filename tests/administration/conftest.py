"""Fixtures for administration: an administrator per agency and a platform administrator."""

from __future__ import annotations

import pytest

from tests.cases.conftest import field_keys  # noqa: F401 - cases need their keys
from tests.conftest import MakeUser
from tests.intake.conftest import _cheap_work  # noqa: F401 - cheap proof of work
from tiaki.accounts.models import User
from tiaki.accounts.roles import Role


@pytest.fixture
def admins(make_user: MakeUser) -> dict[str, User]:
    return {
        "mbie": make_user("admin_mbie", "MBIE", [Role.ADMINISTRATOR]),
        "police": make_user("admin_police", "POLICE", [Role.ADMINISTRATOR]),
        "platform": make_user("admin_platform", "DIA", [Role.PLATFORM_ADMINISTRATOR]),
    }
