from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gridmgmt.cases"
    verbose_name = "Cases (closed-loop workflow, time limits, KPIs)"

    def ready(self):
        from gridmgmt.cases import signals  # noqa: F401  (connects the report → case receiver)
