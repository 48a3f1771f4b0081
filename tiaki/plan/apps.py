from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "tiaki.plan"
    label = "plan"
