from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "tiaki.plan"
    label = "plan"

    def ready(self) -> None:
        # Registering the app's permission policies is what makes its models reachable.
        from tiaki.plan import plan_metrics, policies  # noqa: F401
