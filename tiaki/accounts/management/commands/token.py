from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue an API token for a system acting as USERNAME: `tiaki token create USERNAME NAME`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("name")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        _, raw = ApiToken.issue(user=user, name=options["name"])
        self.stdout.write(raw)
