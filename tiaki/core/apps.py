from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tiaki.core"
    label = "core"

    def ready(self) -> None:
        # Each app's ``home`` module registers its home-page cards (tiaki.core.home).
        from django.utils.module_loading import autodiscover_modules

        from tiaki.core import lookups  # noqa: F401  (registers the ``__any_of`` lookup)

        autodiscover_modules("home")
        # ... and its ``search`` module its global-search provider (tiaki.core.search).
        autodiscover_modules("search")
