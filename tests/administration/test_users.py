"""Administering people: create, roles, second factor, tokens, leavers and hand-over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.cases.conftest import open_case
from tests.conftest import MakeUser, login, page_main
from tests.intake.conftest import submit_report
from tiaki.accounts.models import Agency, ApiToken, User
from tiaki.accounts.roles import Role
from tiaki.administration import services
from tiaki.audit.models import AuditEvent
from tiaki.cases import services as case_services
from tiaki.core.policy import Refused
from tiaki.intake import services as intake_services
from tiaki.intake.models import Report
from tiaki.investigations import services as inv_services
from tiaki.investigations.models import Task

pytestmark = pytest.mark.django_db


def test_agency_admin_creates_a_user_of_their_own_agency_only(
        admins: dict[str, User], agencies: dict[str, Agency]) -> None:
    user = services.user_create(
        acting_user=admins["mbie"], username="new_inspector", first_name="Ana",
        last_name="Example", email="ana@example.org", agency=agencies["MBIE"],
        roles=[Role.FRONTLINE], password="a long enough password 42", reason="New starter")
    assert user.agency == agencies["MBIE"] and user.role_codes() == {Role.FRONTLINE}
    assert user.check_password("a long enough password 42")
    row = AuditEvent.objects.get(object_type="accounts.user", object_id=str(user.pk),
                                 action="create")
    assert row.reason == "New starter" and row.actor_username == "admin_mbie"
    with pytest.raises(Refused, match="own agency"):
        services.user_create(acting_user=admins["mbie"], username="cop", first_name="",
                             last_name="", email="", agency=agencies["POLICE"],
                             roles=[Role.INVESTIGATOR], reason="x")
    with pytest.raises(Refused, match="may not give the role"):
        services.user_create(acting_user=admins["mbie"], username="boss", first_name="",
                             last_name="", email="", agency=agencies["MBIE"],
                             roles=[Role.PLATFORM_ADMINISTRATOR], reason="x")
    with pytest.raises(Refused, match="Say why"):
        services.user_create(acting_user=admins["mbie"], username="nobody", first_name="",
                             last_name="", email="", agency=agencies["MBIE"], roles=[],
                             reason="  ")
    with pytest.raises(Refused, match="12 characters"):
        services.user_create(acting_user=admins["mbie"], username="weak", first_name="",
                             last_name="", email="", agency=agencies["MBIE"], roles=[],
                             password="short", reason="x")
    assert not User.objects.filter(username__in=["cop", "boss", "nobody", "weak"]).exists()


def test_other_agencies_people_answer_like_missing_ones(
        client: Client, admins: dict[str, User], make_user: MakeUser) -> None:
    cop = make_user("cop_one", "POLICE", [Role.INVESTIGATOR])
    mbie = login(client, admins["mbie"])
    listing = mbie.get("/administration/")
    assert listing.status_code == 200
    assert "admin_mbie" in page_main(listing) and "cop_one" not in page_main(listing)
    forbidden = mbie.get(f"/administration/users/{cop.pk}/")
    missing = mbie.get("/administration/users/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert page_main(forbidden) == page_main(missing)
    acted = mbie.post(f"/administration/users/{cop.pk}/second-factor/",
                      {"reset-reason": "lost phone"})
    assert acted.status_code == 404
    assert TOTPDevice.objects.filter(user=cop).exists()
    # The platform administrator manages everyone.
    platform = login(Client(), admins["platform"])
    assert platform.get(f"/administration/users/{cop.pk}/").status_code == 200


def test_administration_is_closed_to_other_roles(client: Client, make_user: MakeUser) -> None:
    investigator = make_user("plain_inv", "POLICE", [Role.INVESTIGATOR])
    response = login(client, investigator).get("/administration/")
    assert response.status_code == 403


def test_create_and_change_roles_through_the_pages(
        client: Client, admins: dict[str, User], agencies: dict[str, Agency]) -> None:
    page = login(client, admins["police"])
    created = page.post("/administration/users/new/", {
        "username": "det_new", "first_name": "Rua", "last_name": "Example",
        "email": "rua@example.org", "agency": agencies["POLICE"].pk,
        "roles": [Role.INVESTIGATOR], "password": "", "reason": "Joined the team"})
    assert created.status_code == 302, page_main(created)
    user = User.objects.get(username="det_new")
    assert not user.has_usable_password()  # signs in through the agency's provider
    changed = page.post(f"/administration/users/{user.pk}/", {
        "first_name": "Rua", "last_name": "Example", "email": "rua@example.org",
        "roles": [Role.INVESTIGATOR, Role.SENIOR_OFFICER], "reason": "Promoted"})
    assert changed.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert user.role_codes() == {Role.INVESTIGATOR, Role.SENIOR_OFFICER}
    row = AuditEvent.objects.filter(object_id=str(user.pk), action="update").latest("pk")
    assert row.reason == "Promoted"
    assert row.changes["roles"] == [["investigator"], ["investigator", "senior_officer"]]
    # Refused: the reason is shown on the page and nothing changes.
    refused = page.post(f"/administration/users/{admins['police'].pk}/", {
        "first_name": "", "last_name": "", "email": "", "roles": [Role.INVESTIGATOR],
        "reason": "oops"})
    assert refused.status_code == 400 and "cannot take your own administrator role" in \
        refused.content.decode()


def test_second_factor_reset_and_tokens(client: Client, admins: dict[str, User],
                                        make_user: MakeUser) -> None:
    person = make_user("inspector_k", "MBIE", [Role.FRONTLINE])
    assert services.second_factor_reset(acting_user=admins["mbie"], user=person,
                                        reason="Lost phone") == 1
    assert not TOTPDevice.objects.filter(user=person).exists()
    page = login(client, admins["mbie"])
    issued = page.post(f"/administration/users/{person.pk}/tokens/",
                       {"token-name": "Border gateway", "token-reason": "Integration"})
    assert issued.status_code == 200
    token = ApiToken.objects.get(user=person)
    raw = issued.content.decode().split("<code>tk_")[1].split("</code>")[0]
    assert ApiToken.authenticate("tk_" + raw) == person
    revoked = page.post(f"/administration/users/{person.pk}/tokens/{token.pk}/revoke/",
                        {f"revoke{token.pk}-reason": "System retired"})
    assert revoked.status_code == 302
    assert ApiToken.authenticate("tk_" + raw) is None
    assert AuditEvent.objects.filter(object_type="accounts.apitoken", reason="System retired"
                                     ).exists()


def _triage_report(client: Client, assignee: User, actor: User) -> Report:
    response = submit_report(client)
    assert response.status_code == 200
    report = Report.objects.order_by("-pk").first()
    assert report is not None
    return intake_services.triage_assign(report=report, actor=actor, assignee=assignee)


def test_leaver_deactivated_and_open_work_handed_to_a_colleague_who_can_open_it(
        client: Client, admins: dict[str, User], make_user: MakeUser) -> None:
    leaver = make_user("inv_leaving", "MBIE", [Role.INVESTIGATOR])
    colleague = make_user("inv_staying", "MBIE", [Role.INVESTIGATOR])
    police = make_user("det_lead", "POLICE", [Role.INVESTIGATOR])
    report = _triage_report(client, leaver, leaver)
    investigation = inv_services.investigation_open(actor=police, title="Vineyard crew",
                                                    exploitation_types=["ForcedLabour"])
    inv_services.member_add(investigation=investigation, actor=police,
                            username="inv_leaving", role="MBIE lead")
    task = inv_services.task_assign(investigation=investigation, actor=police,
                                    owner_username="inv_leaving", title="Pull the visas",
                                    due_on=timezone.localdate() + dt.timedelta(days=3))
    case = open_case(police)
    case_services.member_add(case=case, actor=police, username="inv_leaving")
    _token, raw = ApiToken.issue(user=leaver, name="script")
    # A triage report, a task, an investigation team and a case team.
    assert services.open_work_count(user=leaver) == 4
    with pytest.raises(Refused, match="still has open work"):
        services.user_deactivate(user=leaver, successor=None, acting_user=admins["mbie"],
                                 reason="Left MBIE")

    # Before the hand-over the colleague cannot open the work.
    before = login(Client(), colleague)
    assert before.get(f"/investigations/{investigation.reference}/").status_code == 404
    assert before.get(f"/cases/{case.reference}/").status_code == 404

    page = login(Client(), admins["mbie"])
    done = page.post(f"/administration/users/{leaver.pk}/deactivate/",
                     {"leave-successor": colleague.pk, "leave-reason": "Left MBIE"})
    assert done.status_code == 302

    leaver.refresh_from_db()
    assert not leaver.is_active and User.objects.filter(pk=leaver.pk).exists()
    assert ApiToken.authenticate(raw) is None
    report.refresh_from_db()
    assert report.assignee == colleague
    assert Task.objects.get(pk=task.pk).owner == colleague
    row = AuditEvent.objects.filter(object_id=str(leaver.pk), action="update").latest("pk")
    assert row.reason == "Left MBIE" and row.changes["successor"] == "inv_staying"
    assert row.changes["triage_reports"] == [report.reference]
    assert row.changes["case_teams"] == [case.reference]
    # The audit trail still names the leaver for what they did.
    assert AuditEvent.objects.filter(actor_username="inv_leaving").exists()

    # The receiver signs in and opens each piece of work.
    receiver = login(Client(), colleague)
    assert receiver.get(f"/intake/triage/{report.pk}/").status_code == 200
    opened = receiver.get(f"/investigations/{investigation.reference}/")
    assert opened.status_code == 200 and "Pull the visas" in opened.content.decode()
    assert receiver.get(f"/cases/{case.reference}/").status_code == 200
    # The leaver cannot sign in any more.
    assert Client().login(username="inv_leaving", password="correct horse battery staple") \
        is False


def test_agency_admin_cannot_hand_work_to_another_agency(
        admins: dict[str, User], make_user: MakeUser) -> None:
    leaver = make_user("leaver2", "MBIE", [Role.FRONTLINE])
    cop = make_user("cop2", "POLICE", [Role.INVESTIGATOR])
    with pytest.raises(Refused, match="own agency"):
        services.user_deactivate(user=leaver, successor=cop, acting_user=admins["mbie"],
                                 reason="x")
    leaver.refresh_from_db()
    assert leaver.is_active
    with pytest.raises(Refused, match="own account"):
        services.user_deactivate(user=admins["mbie"], successor=None,
                                 acting_user=admins["mbie"], reason="x")


def test_reactivate(admins: dict[str, User], make_user: MakeUser) -> None:
    person = make_user("returner", "MBIE", [Role.FRONTLINE])
    services.user_deactivate(user=person, successor=None, acting_user=admins["mbie"],
                             reason="Parental leave")
    services.user_reactivate(acting_user=admins["mbie"], user=person, reason="Back")
    person.refresh_from_db()
    assert person.is_active


def test_agencies_changed_only_by_the_platform_administrator(
        client: Client, admins: dict[str, User], agencies: dict[str, Agency]) -> None:
    dol = Agency.objects.create(code="OLD_DEPT", name="Old department")
    with pytest.raises(Refused, match="platform administrator"):
        services.agency_update(acting_user=admins["mbie"], agency=agencies["MBIE"],
                               active=False, successor=None, reason="x")
    page = login(client, admins["platform"])
    response = page.post(f"/administration/agencies/{dol.pk}/",
                         {"successor": agencies["MBIE"].pk, "reason": "Merged in 2012"})
    assert response.status_code == 302
    dol.refresh_from_db()
    assert dol.successor == agencies["MBIE"] and not dol.active
    with pytest.raises(Refused, match="loop"):
        services.agency_update(acting_user=admins["platform"], agency=agencies["MBIE"],
                               active=True, successor=dol, reason="x")


