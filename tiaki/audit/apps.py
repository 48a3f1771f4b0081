from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tiaki.audit"
    label = "audit"

    def ready(self) -> None:
        # Registering the app's permission policies is what makes its models reachable.
        from tiaki.audit import policies  # noqa: F401
