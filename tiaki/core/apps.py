from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tiaki.core"
    label = "core"
