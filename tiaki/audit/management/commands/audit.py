from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.audit.services import audit_verify


class Command(BaseCommand):
    help = "`tiaki audit verify` checks the audit hash chain and names the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("verify", help="check the hash chain from the first row")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        result = audit_verify()
        if result.first_break is not None:
            raise CommandError(
                f"audit trail broken at row {result.first_break.event_id}: "
                f"{result.first_break.problem} ({result.checked} rows checked)"
            )
        self.stdout.write(f"audit trail intact: {result.checked} rows, chain verified")
