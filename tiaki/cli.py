"""The ``tiaki`` console command: Django management plus Tiaki's own verbs.

``tiaki migrate``, ``tiaki runserver`` … are Django's; ``tiaki worker`` runs the database
task worker; ``tiaki screen|link|dedupe`` run the matching engine without starting Django.
"""

from __future__ import annotations

import os
import sys

ALIASES: dict[str, str] = {}
MATCHING_VERBS = {"screen", "link", "dedupe"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in MATCHING_VERBS:
        from tiaki.matching.cli import main as matching_main

        return matching_main(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.settings")
    from django.core.management import execute_from_command_line

    if args and args[0] == "worker" and "--help" not in args:
        import django

        django.setup()
        from tiaki.screening.tasks import requeue_stalled

        # Work a killed worker left half done is queued again before taking new work.
        for batch_id in requeue_stalled():
            print(f"resuming screening of stalled batch {batch_id}", flush=True)
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["tiaki", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
