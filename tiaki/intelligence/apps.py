from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "tiaki.intelligence"
    label = "intelligence"

    def ready(self) -> None:
        # Policies make the models reachable; metrics register the Plan's live measures.
        from tiaki.intelligence import metrics, policies  # noqa: F401
