from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "tiaki.plan"
    label = "plan"

    def ready(self) -> None:
        # Registering the app's permission policies is what makes its models reachable.
        from django.utils.module_loading import autodiscover_modules

        from tiaki.plan import plan_metrics, policies  # noqa: F401

        # Every app's ``metrics`` module registers the measures it holds (cases, screening,
        # intake, ...), so a plan file can name them.
        autodiscover_modules("metrics")
