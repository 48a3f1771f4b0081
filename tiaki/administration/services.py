"""Administering people: every change checks the policy, makes the change and writes its
audit row, with the administrator's reason, in one transaction.

Pages (``tiaki.administration.views``) and commands (``tiaki user …``) call these and
nothing else, so a change made either way is checked and recorded the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts import throttle
from tiaki.accounts.models import Agency, ApiToken, User
from tiaki.accounts.roles import Role
from tiaki.administration.policies import (
    MANAGE,
    AgencyPolicy,
    UserPolicy,
    administered_agency_ids,
    grantable_roles,
    is_admin,
    is_platform_admin,
)
from tiaki.audit.services import Action, audit_record
from tiaki.core.memo import memo_clear
from tiaki.core.policy import Refused, refusal_record

USERS = UserPolicy()
AGENCIES = AgencyPolicy()


def _need_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Refused(_("Say why (the reason is kept in the audit trail)."))
    return reason


def _check_agency(acting_user: Any, agency: Agency | None) -> Agency:
    if not is_admin(acting_user):
        raise Refused(_("Only administrators manage users."))
    if agency is None:
        raise Refused(_("Choose the person's agency."))
    ids = administered_agency_ids(acting_user)
    if ids is not None and agency.pk not in ids:
        refusal_record(acting_user, action="add a user to", obj=agency,
                       reason="not the administrator's agency")
        raise Refused(_("You manage only the people of your own agency."))
    return agency


def _check_roles(acting_user: Any, roles: Iterable[str]) -> list[str]:
    wanted = sorted(set(roles))
    allowed = {code for code, _ in grantable_roles(acting_user)}
    unknown = [r for r in wanted if r not in allowed]
    if unknown:
        raise Refused(gettext("You may not give the role %(unknown)s.") % {
                          "unknown": ', '.join(unknown)})
    return wanted


def _password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from exc


def user_create(*, acting_user: Any, username: str, first_name: str, last_name: str,
                email: str, agency: Agency | None, roles: Iterable[str], password: str = "",
                reason: str) -> User:
    """Create a person's account. With a password they sign in locally and enrol an
    authenticator app on first sign-in; without one they sign in only through their
    agency's identity provider."""
    reason = _need_reason(reason)
    agency = _check_agency(acting_user, agency)
    role_list = _check_roles(acting_user, roles)
    username = username.strip()
    if not username:
        raise Refused(_("Give the person a username."))
    if User.objects.filter(username__iexact=username).exists():
        raise Refused(_("The username %(username)s is taken.") % {"username": repr(username)})
    user = User(username=username, first_name=first_name.strip(), last_name=last_name.strip(),
                email=email.strip(), agency=agency)
    if password:
        _password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        user.set_roles(role_list)
        audit_record(actor=acting_user, action=Action.CREATE, obj=user,
                     summary=f"Created user {user.username} ({agency.code})",
                     changes={"agency": agency.code, "roles": role_list,
                              "local_password": bool(password)}, reason=reason)
    return user


def user_update(*, acting_user: Any, user: User, first_name: str, last_name: str, email: str,
                roles: Iterable[str], reason: str) -> User:
    """Change a person's name, email and roles (the roles replace the ones held)."""
    reason = _need_reason(reason)
    USERS.check(acting_user, "update", user)
    role_list = _check_roles(acting_user, roles)
    held = sorted(user.role_codes())
    # A role the administrator may not give (the platform role) they may not take away.
    if not is_platform_admin(acting_user) and Role.PLATFORM_ADMINISTRATOR in held:
        raise Refused(_("Only a platform administrator may change a platform administrator."))
    if user.pk == getattr(acting_user, "pk", None) and not (
        set(held) & {Role.ADMINISTRATOR, Role.PLATFORM_ADMINISTRATOR}
        <= set(role_list)
    ):
        raise Refused(_("You cannot take your own administrator role away; ask another "
                        "administrator."))
    before: dict[str, Any] = {"first_name": user.first_name, "last_name": user.last_name,
                              "email": user.email, "roles": held}
    after: dict[str, Any] = {"first_name": first_name.strip(), "last_name": last_name.strip(),
             "email": email.strip(), "roles": role_list}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changes:
        return user
    with transaction.atomic():
        user.first_name, user.last_name, user.email = (after["first_name"], after["last_name"],
                                                       after["email"])
        user.save(update_fields=["first_name", "last_name", "email"])
        user.set_roles(role_list)
        audit_record(actor=acting_user, action=Action.UPDATE, obj=user,
                     summary=f"Updated user {user.username}", changes=changes, reason=reason)
    return user


def user_password_set(*, acting_user: Any, user: User, password: str, reason: str) -> None:
    """Set a new local password (the person forgot theirs); ends any sign-in slowing."""
    reason = _need_reason(reason)
    USERS.check(acting_user, "set the password of", user)
    _password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        # A new password ends any sign-in slowing from earlier failures.
        throttle.forget_account(user.username)
        audit_record(actor=acting_user, action=Action.UPDATE, obj=user,
                     summary=f"Set a new password for {user.username}", reason=reason)


def second_factor_reset(*, acting_user: Any, user: User, reason: str) -> int:
    """Remove a person's authenticator apps (lost phone): they enrol a new one with an
    enrolment code (``enrolment_code_issue``). Returns how many devices were removed."""
    reason = _need_reason(reason)
    USERS.check(acting_user, "reset the second factor of", user)
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        audit_record(actor=acting_user, action=Action.UPDATE, obj=user,
                     summary=f"Reset the second factor of {user.username}",
                     changes={"devices_removed": removed}, reason=reason)
    return int(removed)


def enrolment_code_issue(*, acting_user: Any, user: User, reason: str) -> str:
    """Issue the code a person needs to enrol an authenticator app (new account, lost phone).

    The code is shown once to the administrator, who gives it to the person by a channel of
    their own; it expires after ``TIAKI_ENROLMENT_CODE_HOURS`` and works once. Issuing a new
    one withdraws any earlier unused code. Only a keyed digest is kept. ``acting_user`` None
    is the operator at the server's command line (``tiaki user enrolment-code``), who
    already holds the keys to the install (the first administrator enrols this way).
    """
    import secrets
    from datetime import timedelta

    from django.conf import settings

    from tiaki.accounts.models import EnrolmentCode

    reason = _need_reason(reason)
    if acting_user is not None:
        USERS.check(acting_user, "issue an enrolment code for", user)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    raw = "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
    now = throttle.now()
    expires = now + timedelta(hours=settings.TIAKI_ENROLMENT_CODE_HOURS)
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
        code = EnrolmentCode.objects.create(user=user, digest=EnrolmentCode.digest_of(raw),
                                            issued_by=acting_user, issued_at=now,
                                            expires_at=expires)
        audit_record(actor=acting_user, action=Action.CREATE, obj=code,
                     summary=f"Issued an enrolment code for {user.username}",
                     changes={"expires_at": expires.isoformat()}, reason=reason)
    return raw


@dataclass
class Handover:
    """What a leaver's open work became: counts per kind, for the page and the audit row."""

    reports: list[str] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)
    supervised: list[str] = field(default_factory=list)
    investigation_teams: list[str] = field(default_factory=list)
    case_teams: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)

    def as_changes(self) -> dict[str, Any]:
        return {"triage_reports": self.reports, "investigation_tasks": self.tasks,
                "investigations_supervised": self.supervised,
                "investigation_teams": self.investigation_teams,
                "case_teams": self.case_teams, "border_posts": self.posts}

    def total(self) -> int:
        return sum(len(v) for v in self.as_changes().values())


def _hand_over(*, leaver: User, successor: User, acting_user: Any) -> Handover:
    """Move the leaver's open work to the successor (inside the caller's transaction).

    Open work, found by asking which tables name a person as responsible:
    - triage: public reports assigned to them that are not closed (``intake.Report``);
    - investigation tasks they own that are still open (``investigations.Task``);
    - open investigations they supervise as senior officer;
    - the teams of open investigations and of open victim cases they are on: the successor
      joins (team membership is what gives need-to-know access); the leaver's membership
      stays as the record of who was on the team;
    - the border posts whose queues they worked.
    Closed work keeps the leaver's name: it is history.
    """
    from tiaki.cases.models import CaseMember, CaseStatus, VictimCase
    from tiaki.intake.models import Report
    from tiaki.investigations.models import Investigation, Member, Task
    from tiaki.screening.models import PostMembership

    done = Handover()
    reports = Report.objects.select_for_update().filter(assignee=leaver).exclude(
        status=Report.Status.CLOSED)
    for report in reports:
        done.reports.append(report.reference)
    reports.update(assignee=successor)

    tasks = Task.objects.select_for_update().filter(owner=leaver, status=Task.Status.OPEN)
    done.tasks = list(tasks.values_list("pk", flat=True))
    tasks.update(owner=successor)

    supervised = Investigation.objects.select_for_update().filter(
        senior_officer=leaver, status=Investigation.Status.OPEN)
    done.supervised = list(supervised.values_list("reference", flat=True))
    supervised.update(senior_officer=successor)

    for member in Member.objects.filter(user=leaver, investigation__status=Investigation.Status.OPEN
                                        ).select_related("investigation"):
        _, added = Member.objects.get_or_create(
            investigation=member.investigation, user=successor,
            defaults={"role": member.role, "added_by": acting_user})
        if added:
            done.investigation_teams.append(member.investigation.reference)

    closed = {CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED}
    open_cases = VictimCase.objects.filter(members__user=leaver).exclude(status__in=closed)
    for case in open_cases:
        _, added = CaseMember.objects.get_or_create(case=case, user=successor,
                                                    defaults={"added_by": acting_user})
        if added:
            done.case_teams.append(case.reference)

    for membership in PostMembership.objects.filter(user=leaver).select_related("post"):
        _, added = PostMembership.objects.get_or_create(user=successor, post=membership.post)
        if added:
            done.posts.append(membership.post.code)
    PostMembership.objects.filter(user=leaver).delete()
    memo_clear()  # the rest of this request reads the new posts (tiaki.core.memo)
    return done


def user_deactivate(*, user: User, successor: User | None, acting_user: Any,
                    reason: str) -> Handover:
    """A leaver: the account stops working (never deleted, so the audit trail and the
    records they made still name them), their API tokens are revoked, and their open work
    passes to ``successor`` in the same transaction. ``successor`` may be None only when
    they have no open work."""
    reason = _need_reason(reason)
    USERS.check(acting_user, "deactivate", user)
    if user.pk == getattr(acting_user, "pk", None):
        raise Refused(_("You cannot deactivate your own account; ask another administrator."))
    if not user.is_active:
        raise Refused(_("%(username)s is already deactivated.") % {"username": user.username})
    if successor is not None:
        if successor.pk == user.pk:
            raise Refused(_("Hand the work to someone other than the leaver."))
        if not successor.is_active:
            raise Refused(_("%(username)s is deactivated; choose an active colleague.") % {
                              "username": successor.username})
        USERS.check(acting_user, "hand work to", successor)
    now = timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        done = (_hand_over(leaver=locked, successor=successor, acting_user=acting_user)
                if successor is not None else None)
        if successor is None and open_work_count(user=locked):
            raise Refused(_("%(username)s still has open work: name the colleague who takes "
                            "it over.") % {"username": user.username})
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        revoked = ApiToken.objects.filter(user=locked, revoked_at__isnull=True).update(
            revoked_at=now)
        changes: dict[str, Any] = {"tokens_revoked": revoked,
                                   "successor": successor.username if successor else None}
        if done is not None:
            changes.update(done.as_changes())
        audit_record(actor=acting_user, action=Action.UPDATE, obj=locked,
                     summary=f"Deactivated {user.username}"
                     + (f"; open work handed to {successor.username}" if successor else ""),
                     changes=changes, reason=reason)
    user.is_active = False
    return done or Handover()


def open_work_count(*, user: User) -> int:
    """How many open items name ``user`` as responsible (what a hand-over would move)."""
    from tiaki.cases.models import CaseStatus
    from tiaki.intake.models import Report
    from tiaki.investigations.models import Investigation, Member, Task
    from tiaki.screening.models import PostMembership

    closed = {CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED}
    return (Report.objects.filter(assignee=user).exclude(status=Report.Status.CLOSED).count()
            + Task.objects.filter(owner=user, status=Task.Status.OPEN).count()
            + Investigation.objects.filter(senior_officer=user,
                                           status=Investigation.Status.OPEN).count()
            + Member.objects.filter(user=user,
                                    investigation__status=Investigation.Status.OPEN).count()
            + user.case_memberships.exclude(case__status__in=closed).count()
            + PostMembership.objects.filter(user=user).count())


def user_reactivate(*, acting_user: Any, user: User, reason: str) -> None:
    """Someone who comes back: the account works again (their work stays with whoever
    took it over)."""
    reason = _need_reason(reason)
    USERS.check(acting_user, "reactivate", user)
    if user.is_active:
        raise Refused(_("%(username)s is active.") % {"username": user.username})
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True)
        throttle.forget_account(user.username)
        audit_record(actor=acting_user, action=Action.UPDATE, obj=user,
                     summary=f"Reactivated {user.username}", reason=reason)
    user.is_active = True


def api_token_issue(*, acting_user: Any, user: User, name: str,
                    reason: str) -> tuple[ApiToken, str]:
    """Issue a bearer token for a system acting as ``user``; the raw token is shown once."""
    reason = _need_reason(reason)
    USERS.check(acting_user, "issue an API token for", user)
    if not user.is_active:
        raise Refused(_("%(username)s is deactivated.") % {"username": user.username})
    name = name.strip()
    if not name:
        raise Refused(_("Name the system that will use the token."))
    with transaction.atomic():
        token, raw = ApiToken.issue(user=user, name=name)
        audit_record(actor=acting_user, action=Action.CREATE, obj=token,
                     summary=f"Issued API token {token.prefix}… ({name}) for {user.username}",
                     reason=reason)
    return token, raw


def api_token_revoke(*, acting_user: Any, token: ApiToken, reason: str) -> None:
    reason = _need_reason(reason)
    USERS.check(acting_user, "revoke an API token of", token.user)
    if token.revoked_at is not None:
        raise Refused(_("This token is already revoked."))
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        audit_record(actor=acting_user, action=Action.UPDATE, obj=token,
                     summary=f"Revoked API token {token.prefix}… ({token.name})", reason=reason)


def agency_update(*, acting_user: Any, agency: Agency, active: bool,
                  successor: Agency | None, reason: str) -> Agency:
    """Mark an agency active or not and name the agency that does its work today (a
    machinery-of-government change). The agencies file stays the source for a new install;
    this records the change on a running one."""
    reason = _need_reason(reason)
    AGENCIES.check(acting_user, MANAGE, agency)
    if successor is not None:
        if successor.pk == agency.pk:
            raise Refused(_("An agency cannot succeed itself."))
        if agency.pk in {a.pk for a in _successor_chain(successor)}:
            raise Refused(_("%(successor)s already passes its work to %(agency)s: that would "
                            "loop.") % {"successor": successor, "agency": agency})
    changes: dict[str, Any] = {}
    if agency.active != active:
        changes["active"] = [agency.active, active]
    old = agency.successor.code if agency.successor else None
    new = successor.code if successor else None
    if old != new:
        changes["successor"] = [old, new]
    if not changes:
        return agency
    with transaction.atomic():
        agency.active = active
        agency.successor = successor
        agency.save(update_fields=["active", "successor"])
        memo_clear()  # lineages change with a successor (tiaki.core.memo)
        audit_record(actor=acting_user, action=Action.UPDATE, obj=agency,
                     summary=f"Updated agency {agency.code}", changes=changes, reason=reason)
    return agency


def _successor_chain(agency: Agency) -> Sequence[Agency]:
    chain = [agency]
    while chain[-1].successor is not None and chain[-1].successor not in chain:
        chain.append(chain[-1].successor)
    return chain


# Border posts and their officers --------------------------------------------------------

PORT_PATTERN = r"^[A-Z]{3}$"


def _check_post_agency(acting_user: Any, agency: Agency | None) -> Agency:
    if not is_admin(acting_user):
        raise Refused(_("Only administrators manage border posts."))
    if agency is None:
        raise Refused(_("Choose the agency whose officers work the post."))
    ids = administered_agency_ids(acting_user)
    if ids is not None and agency.pk not in ids:
        raise Refused(_("You manage only your own agency's border posts."))
    return agency


def _clean_ports(ports: Iterable[str], *, post_pk: int | None) -> list[str]:
    import re

    from tiaki.screening.models import Post

    cleaned: list[str] = []
    for raw in ports:
        port = raw.strip().upper()
        if not port:
            continue
        if not re.match(PORT_PATTERN, port):
            raise Refused(_("%(raw)s is not a three-letter IATA port code (e.g. AKL).") % {
                              "raw": repr(raw.strip())})
        if port not in cleaned:
            cleaned.append(port)
    # Routing takes the first post listing a port, so a port on two posts would leave the
    # second one's queue silently empty.
    others = Post.objects.all() if post_pk is None else Post.objects.exclude(pk=post_pk)
    for other in others:
        clash = sorted(set(cleaned) & set(other.ports))
        if clash:
            raise Refused(_("%(clash)s already routes to %(name)s (%(code)s).") % {
                              "clash": ', '.join(clash), "name": other.name, "code": other.code})
    return cleaned


def post_create(*, acting_user: Any, code: str, name: str, agency: Agency | None,
                ports: Iterable[str], handles_visas: bool = False, reason: str) -> Any:
    """A new border post (an alert queue). The country's posts file is loaded first if no
    post exists yet, so the default post that takes unrouted arrivals is always there."""
    from tiaki.screening.loader import posts_ensure
    from tiaki.screening.models import Post

    reason = _need_reason(reason)
    agency = _check_post_agency(acting_user, agency)
    code = code.strip().upper()
    if not code or not all(ch.isalnum() or ch == "-" for ch in code):
        raise Refused(_("Give the post a short code of letters, digits and hyphens (e.g. NPE)."))
    if not name.strip():
        raise Refused(_("Give the post its name."))
    posts_ensure()
    if Post.objects.filter(code=code).exists():
        raise Refused(_("A post with the code %(code)s exists.") % {"code": code})
    port_list = _clean_ports(ports, post_pk=None)
    with transaction.atomic():
        post = Post.objects.create(code=code, name=name.strip(), agency=agency,
                                   ports=port_list, handles_visas=handles_visas)
        audit_record(actor=acting_user, action=Action.CREATE, obj=post,
                     summary=f"Created border post {code} ({name.strip()})",
                     changes={"agency": agency.code, "ports": port_list,
                              "handles_visas": handles_visas}, reason=reason)
    return post


def post_update(*, acting_user: Any, post: Any, name: str, ports: Iterable[str],
                handles_visas: bool, reason: str) -> Any:
    reason = _need_reason(reason)
    _check_post_agency(acting_user, post.agency)
    port_list = _clean_ports(ports, post_pk=post.pk)
    before = {"name": post.name, "ports": list(post.ports), "handles_visas": post.handles_visas}
    after = {"name": name.strip() or post.name, "ports": port_list,
             "handles_visas": handles_visas}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changes:
        return post
    with transaction.atomic():
        post.name, post.ports, post.handles_visas = (after["name"], after["ports"],
                                                     after["handles_visas"])
        post.save(update_fields=["name", "ports", "handles_visas"])
        audit_record(actor=acting_user, action=Action.UPDATE, obj=post,
                     summary=f"Updated border post {post.code}", changes=changes, reason=reason)
    return post


def post_officer_candidates(post: Any) -> Any:
    """Who may work a post's queue: active frontline officers of the post's agency (or of
    an agency whose functions it holds)."""
    return User.objects.filter(
        agency_id__in=post.agency.lineage_ids(), is_active=True,
        role_grants__role=Role.FRONTLINE).distinct().order_by("username")


def post_officers_set(*, acting_user: Any, post: Any, officers: Iterable[User],
                      reason: str) -> list[str]:
    """The officers who work this post's queue (the ticked ones replace the list).

    An officer on no post sees every post of their agency; on one or more, only those
    (``tiaki.screening.policies.posts_of``). Returns the officers' usernames."""
    from tiaki.screening.models import PostMembership

    reason = _need_reason(reason)
    _check_post_agency(acting_user, post.agency)
    wanted = {u.pk: u for u in officers}
    allowed = set(post_officer_candidates(post).values_list("pk", flat=True))
    stray = [u.username for pk, u in wanted.items() if pk not in allowed]
    if stray:
        raise Refused(_("%(stray)s cannot work this post: only active frontline officers of "
                        "%(agency)s can.") % {
                          "stray": ', '.join(sorted(stray)), "agency": post.agency})
    with transaction.atomic():
        held = set(PostMembership.objects.filter(post=post).values_list("user_id", flat=True))
        PostMembership.objects.filter(post=post).exclude(user_id__in=wanted).delete()
        PostMembership.objects.bulk_create(
            [PostMembership(post=post, user=u) for pk, u in wanted.items() if pk not in held])
        memo_clear()  # the rest of this request reads the new posts (tiaki.core.memo)
        names = sorted(u.username for u in wanted.values())
        removed = sorted(User.objects.filter(pk__in=held - set(wanted)).values_list(
            "username", flat=True))
        audit_record(actor=acting_user, action=Action.UPDATE, obj=post,
                     summary=f"Officers of border post {post.code}: {', '.join(names) or 'none'}",
                     changes={"officers": names, "removed": removed}, reason=reason)
    return names
