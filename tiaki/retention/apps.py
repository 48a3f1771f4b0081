from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "tiaki.retention"
    label = "retention"
    verbose_name = "Retention and disposal"

    def ready(self) -> None:
        from tiaki.retention import policies  # noqa: F401 - registers the policies
