from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tiaki.demo.orchestrate import demo_summary, load_demo
from tiaki.demo.personas import DEMO_PASSWORD, PERSONA_POSTS


class Command(BaseCommand):
    help = "Load the NZ plan and synthetic demo data with one login per role (demo mode only)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = load_demo()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}; "
                          "second factor skipped in demo mode):")
        for persona, user in made:
            roles = ", ".join(str(r.label) for r in persona.roles)  # type: ignore[attr-defined]
            post = f" (post {PERSONA_POSTS[user.username]})" if user.username in PERSONA_POSTS \
                else ""
            self.stdout.write(f"  {user.username:<18} {persona.agency:<16} {roles}{post}")
        loaded = ", ".join(f"{count} {what}" for what, count in demo_summary().items())
        self.stdout.write(f"Demo data: {loaded}.")
