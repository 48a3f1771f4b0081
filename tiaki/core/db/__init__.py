"""Tiaki's database backends (``settings.DATABASES``), thin subclasses of Django's."""
