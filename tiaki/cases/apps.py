from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tiaki.cases"
    label = "cases"

    def ready(self) -> None:
        # Registering the app's permission policies is what makes its models reachable.
        from tiaki.cases import policies  # noqa: F401
