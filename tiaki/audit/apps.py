from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tiaki.audit"
    label = "audit"
