from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tiaki.accounts"
    label = "accounts"
    verbose_name = "Agencies, people and roles"
