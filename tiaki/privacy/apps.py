from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "tiaki.privacy"
    label = "privacy"
    verbose_name = "Privacy obligations"

    def ready(self) -> None:
        from tiaki.privacy import policies  # noqa: F401 - registers the policies
