from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tiaki.intake"
    label = "intake"

    def ready(self) -> None:
        # Registering the app's permission policies is what makes its models reachable.
        from tiaki.intake import checks, policies  # noqa: F401
