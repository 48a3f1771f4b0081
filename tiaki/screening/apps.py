from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "tiaki.screening"
    label = "screening"

    def ready(self) -> None:
        # Registering the app's permission policies is what makes its models reachable.
        from tiaki.screening import policies  # noqa: F401
