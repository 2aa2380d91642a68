from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "gridmgmt.duties"
    verbose_name = "Grid duties: medical coverage, traffic, grid file, monthly reports"
    default_auto_field = "django.db.models.BigAutoField"
