from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "tiaki.administration"
    label = "administration"
    verbose_name = "Administration"

    def ready(self) -> None:
        # Registering the app's permission policies is what makes its models reachable.
        from tiaki.administration import policies  # noqa: F401
