from django.apps import AppConfig


class InvestigationsConfig(AppConfig):
    name = "tiaki.investigations"
    label = "investigations"

    def ready(self) -> None:
        # Policies make the models reachable; metrics register the Plan's live measures.
        from tiaki.investigations import metrics, policies  # noqa: F401
