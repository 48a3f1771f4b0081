"""Fixtures for intake: cheap proof of work, routed agencies, triage personas."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from tests.conftest import MakeUser
from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.intake import pow as proof

DOTTED_QUAD = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6_LOOPBACK = re.compile(r"(?<![0-9A-Fa-f:])::1(?![0-9A-Fa-f:])")


def every_stored_value() -> list[tuple[str, str]]:
    """Every value of every row of every table, read with raw SQL (not just our models)."""
    found: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # table names come from introspection
            for row in cursor.fetchall():
                for value in row:
                    if value is None:
                        continue
                    text = (bytes(value).decode("utf-8", "replace")
                            if isinstance(value, bytes | memoryview) else str(value))
                    found.append((table, text))
    return found


@pytest.fixture(autouse=True)
def _cheap_work(settings: Any) -> None:
    settings.TIAKI_POW_BITS = 4
    cache.clear()


@pytest.fixture
def triage(make_user: MakeUser) -> dict[str, User]:
    return {
        "police": make_user("pol_triage", "POLICE", [Role.INVESTIGATOR]),
        "police_senior": make_user("pol_senior", "POLICE", [Role.SENIOR_OFFICER]),
        "mbie": make_user("mbie_inv", "MBIE", [Role.INVESTIGATOR]),
        "ot": make_user("ot_cm", "ORANGA_TAMARIKI", [Role.CASE_MANAGER]),
        "customs": make_user("cus_inv", "CUSTOMS", [Role.INVESTIGATOR]),
        "frontline": make_user("inz_front", "MBIE", [Role.FRONTLINE]),
        "secretariat": make_user("sec_tr", "MBIE", [Role.SECRETARIAT]),
    }


def challenge_from(html: str) -> str:
    match = re.search(r'name="pow_token" value="([^"]+)"', html)
    assert match, "the page has no proof-of-work challenge"
    return match.group(1)


def solved(token: str) -> str:
    bits = proof.token_bits(token)
    return proof.solve(token, proof.difficulty() if bits is None else bits)


REPORT = {
    "what_seen": "Workers sleep in the packhouse and their passports are held by the boss.",
    "region": "hawkes_bay",
    "place": "Orchard Road packhouse, Hastings",
    "when_seen": "Every night this month",
    "people": "Supervisor Sione Vake, phone 021 555 0101, white van ABC123",
    "industry": "agriculture",
    "children": "no",
    "contact": "",
}


def submit_report(client: Client, lang: str = "en", **overrides: Any) -> Any:
    page = client.get(f"/report/?lang={lang}")
    token = challenge_from(page.content.decode())
    data = {**REPORT, "lang": lang, "pow_token": token, "pow_nonce": solved(token),
            "website": "", **overrides}
    return client.post("/report/", data)


def receipt_from(html: str) -> str:
    match = re.search(r'id="receipt-code"[^>]*><code>([0-9A-Z-]+)</code>', html)
    assert match, html[:2000]
    return match.group(1)
