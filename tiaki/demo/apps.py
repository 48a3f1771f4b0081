from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo orchestration: sits above every domain app and calls their services.

    No domain app imports from here; this package imports from all of them, so the
    dependency points one way (core <- apps <- demo).
    """

    name = "tiaki.demo"
    label = "demo"
    verbose_name = "Demo data"
