from django.apps import AppConfig


class TranslationsConfig(AppConfig):
    name = "tiaki.translations"
    label = "translations"
