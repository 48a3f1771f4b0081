"""The demo loader: every flow has data, every role a login, and running it again adds nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.audit.services import audit_verify
from tiaki.cases.models import (
    Certification,
    ChildInvolvement,
    Referral,
    Repatriation,
    VictimCase,
)
from tiaki.core import crypto
from tiaki.demo.orchestrate import load_demo
from tiaki.demo.personas import DEMO_PASSWORD, PERSONAS
from tiaki.intake.models import Channel, Report, ReportMessage, Screening
from tiaki.screening.models import Alert, PostMembership


@pytest.fixture(autouse=True)
def field_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_keys()
    yield
    crypto.reset_keys()


@pytest.fixture
def demo_mode(settings: Any) -> None:
    settings.TIAKI_DEMO = True
    # The portal's proof of work is solved for real; keep it cheap in tests.
    settings.TIAKI_POW_BITS = 4


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(), "reports": Report.objects.count(),
        "messages": ReportMessage.objects.count(), "screenings": Screening.objects.count(),
        "cases": VictimCase.objects.count(), "referrals": Referral.objects.count(),
        "certifications": Certification.objects.count(), "alerts": Alert.objects.count(),
        "posts": PostMembership.objects.count(), "audit": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_demo_loads_every_flow_once_with_a_verified_audit_chain(demo_mode: None) -> None:
    made = load_demo()
    first = _counts()
    assert first["reports"] >= 5 and first["cases"] == 5 and first["alerts"] >= 1
    assert first["screenings"] == 1

    # Every role has a login, all with the demo password and marked as demo accounts.
    roles = {role for persona, _ in made for role in persona.roles}
    assert roles == set(Role)
    assert len(made) == len(PERSONAS)
    for _, user in made:
        assert user.is_demo and user.check_password(DEMO_PASSWORD)

    # Reports: several languages, the partner channel, a child routed to Oranga Tamariki,
    # a risk to life, a frontline screening decided and referred.
    reports = Report.objects.all()
    assert {"sm", "zh-Hans", "mi", "en"} <= {r.language for r in reports}
    assert reports.filter(channel=Channel.PARTNER, source_agency__code="CRIME_STOPPERS").exists()
    assert reports.filter(children="yes", routes__agency__code="ORANGA_TAMARIKI").exists()
    assert reports.filter(priority=Report.Priority.RISK_TO_LIFE,
                          assignee__username="investigator").exists()
    assert reports.filter(status=Report.Status.CLOSED).exists()
    screening = Screening.objects.get()
    assert screening.decision == Screening.Decision.REFER and screening.report is not None

    # Cases: one certified with accepted referrals, one child awaiting acknowledgement, one
    # with a repatriation planned and MFAT tasked.
    certified = Certification.objects.get(status=Certification.Status.ISSUED).case
    accepted = certified.referrals.exclude(status=Referral.Status.REQUESTED)
    assert {r.agency.code for r in accepted} == {"HEALTH_NZ", "MSD", "MOJ"}
    child = VictimCase.objects.get(is_child=True)
    assert ChildInvolvement.objects.get(case=child).acknowledged_at is None
    trip = Repatriation.objects.get(status=Repatriation.Status.PLANNED)
    assert trip.mfat_task is not None and trip.mfat_task.status == Referral.Status.ACCEPTED
    assert PostMembership.objects.filter(user__username="border", post__code="AKL").exists()
    # Border screening: the Auckland queue and the visa officer's queue both have alerts.
    assert Alert.objects.filter(post__code="AKL").exists()
    assert Alert.objects.filter(post__code="INZ-VISA").exists()

    assert audit_verify().ok

    # A second run finds everything in place and adds nothing, not even audit rows.
    load_demo()
    assert _counts() == first
    assert audit_verify().ok


@pytest.mark.django_db
def test_demo_command_prints_every_login(demo_mode: None) -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for persona in PERSONAS:
        assert f"  {persona.username} " in text
    assert "5 victim case(s)" in text and "1 investigation(s)" in text


@pytest.mark.django_db
def test_demo_refuses_outside_demo_mode(settings: Any) -> None:
    settings.TIAKI_DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo", stdout=io.StringIO())
    assert not Report.objects.exists() and not User.objects.exists()
