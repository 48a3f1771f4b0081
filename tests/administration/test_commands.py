"""``tiaki user``: the first administrator, then changes made as an administrator."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tiaki.accounts.models import Agency, User
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_first_administrator_then_users_as_that_administrator(
        agencies: dict[str, Agency], monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a long enough password 42")
    call_command("user", "create", "root", "--agency", "DIA",
                 "--role", "platform_administrator", "--reason", "First administrator")
    root = User.objects.get(username="root")
    assert root.has_role(Role.PLATFORM_ADMINISTRATOR) and root.check_password(
        "a long enough password 42")
    with pytest.raises(CommandError, match="administrators exist"):
        call_command("user", "create", "sneaky", "--agency", "DIA",
                     "--role", "platform_administrator", "--reason", "x")
    call_command("user", "create", "insp", "--agency", "MBIE", "--role", "frontline",
                 "--no-password", "--as", "root", "--reason", "New starter")
    call_command("user", "roles", "insp", "--role", "investigator", "--as", "root",
                 "--reason", "Moved team")
    assert User.objects.get(username="insp").role_codes() == {Role.INVESTIGATOR}
    call_command("user", "deactivate", "insp", "--as", "root", "--reason", "Left")
    assert not User.objects.get(username="insp").is_active
    assert AuditEvent.objects.filter(actor_username="root", reason="Left").exists()
