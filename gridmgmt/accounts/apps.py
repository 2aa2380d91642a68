from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gridmgmt.accounts"
    verbose_name = "Accounts (roles and jurisdictions)"
