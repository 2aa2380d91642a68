from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gridmgmt.accounts"
    verbose_name = "Accounts (roles and jurisdictions)"

    def ready(self):
        from gridmgmt.accounts import language  # noqa: F401  (connects the sign-in receiver)
