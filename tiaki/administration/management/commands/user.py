"""``tiaki user create|roles|deactivate|reset-2fa|enrolment-code``: administration by command.

The command acts as the administrator named by ``--as`` (or, for the very first one on a new
install, as the system), through the same services the pages use, so each change is checked
and audited with its reason.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tiaki.accounts.models import Agency, User
from tiaki.accounts.roles import Role
from tiaki.administration import services
from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused


class Command(BaseCommand):
    help = ("Manage users: create, roles, deactivate (with hand-over), reset-2fa, "
            "enrolment-code.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="create a user")
        create.add_argument("username")
        create.add_argument("--agency", required=True, help="agency code, e.g. MBIE")
        create.add_argument("--role", action="append", default=[], choices=Role.values)
        create.add_argument("--first-name", default="")
        create.add_argument("--last-name", default="")
        create.add_argument("--email", default="")
        create.add_argument("--no-password", action="store_true",
                            help="signs in only through the agency's identity provider")
        roles = sub.add_parser("roles", help="replace a user's roles")
        roles.add_argument("username")
        roles.add_argument("--role", action="append", default=[], choices=Role.values)
        leave = sub.add_parser("deactivate", help="deactivate a leaver, handing over work")
        leave.add_argument("username")
        leave.add_argument("--to", dest="successor", default="",
                           help="the colleague who takes over their open work")
        reset = sub.add_parser("reset-2fa", help="remove a user's authenticator apps")
        reset.add_argument("username")
        enrol = sub.add_parser("enrolment-code",
                               help="issue the code a user needs to enrol an authenticator app")
        enrol.add_argument("username")
        for p in (create, roles, leave, reset, enrol):
            p.add_argument("--as", dest="acting", default="",
                           help="the administrator making the change (default: the system, "
                                "only while no administrator exists)")
            p.add_argument("--reason", required=True)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).select_related("agency").first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user

    def _acting(self, options: dict[str, Any]) -> Any:
        if options["acting"]:
            return self._user(options["acting"])
        return None

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        acting = self._acting(options)
        try:
            if verb == "create":
                self._create(acting, options)
            elif verb == "roles":
                user = self._user(options["username"])
                services.user_update(acting_user=acting, user=user, first_name=user.first_name,
                                     last_name=user.last_name, email=user.email,
                                     roles=options["role"], reason=options["reason"])
                self.stdout.write(f"{user.username}: {', '.join(sorted(user.role_codes()))}")
            elif verb == "deactivate":
                user = self._user(options["username"])
                successor = self._user(options["successor"]) if options["successor"] else None
                done = services.user_deactivate(user=user, successor=successor,
                                                acting_user=acting, reason=options["reason"])
                self.stdout.write(f"{user.username} deactivated; {done.total()} open items "
                                  "handed over")
            elif verb == "reset-2fa":
                user = self._user(options["username"])
                removed = services.second_factor_reset(acting_user=acting, user=user,
                                                       reason=options["reason"])
                self.stdout.write(f"{user.username}: {removed} device(s) removed")
            elif verb == "enrolment-code":
                user = self._user(options["username"])
                raw = services.enrolment_code_issue(acting_user=acting, user=user,
                                                    reason=options["reason"])
                self.stdout.write(f"{user.username}: enrolment code {raw} (works once, "
                                  f"expires in {settings.TIAKI_ENROLMENT_CODE_HOURS} hours)")
        except Refused as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, acting: Any, options: dict[str, Any]) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"no agency {options['agency']!r} (tiaki loadagencies first)")
        password = "" if options["no_password"] else getpass.getpass("Password: ")
        if acting is None:
            self._first_administrator(agency, password, options)
            return
        user = services.user_create(
            acting_user=acting, username=options["username"], first_name=options["first_name"],
            last_name=options["last_name"], email=options["email"], agency=agency,
            roles=options["role"], password=password, reason=options["reason"])
        self.stdout.write(f"created {user.username} ({agency.code})")

    def _first_administrator(self, agency: Agency, password: str,
                             options: dict[str, Any]) -> None:
        """Bootstrapping: with no administrator yet there is nobody to act as, so the system
        creates the first one (and only while there is none)."""
        admin_roles = {Role.ADMINISTRATOR, Role.PLATFORM_ADMINISTRATOR}
        if User.objects.filter(role_grants__role__in=admin_roles, is_active=True).exists():
            raise CommandError("administrators exist: pass --as ADMINISTRATOR")
        if not set(options["role"]) & admin_roles:
            raise CommandError("the first user created without --as must be an administrator "
                               "(--role platform_administrator)")
        if User.objects.filter(username__iexact=options["username"]).exists():
            raise CommandError(f"the username {options['username']!r} is taken")
        user = User(username=options["username"], first_name=options["first_name"],
                    last_name=options["last_name"], email=options["email"], agency=agency)
        if password:
            try:
                services._password(password, user)
            except Refused as exc:
                raise CommandError(str(exc)) from exc
            user.set_password(password)
        else:
            user.set_unusable_password()
        with transaction.atomic():
            user.save()
            user.set_roles(options["role"])
            audit_record(actor=None, action=Action.CREATE, obj=user,
                         summary=f"Created the first administrator {user.username}",
                         changes={"agency": agency.code, "roles": sorted(options["role"])},
                         reason=options["reason"])
        self.stdout.write(f"created {user.username} ({agency.code})")
