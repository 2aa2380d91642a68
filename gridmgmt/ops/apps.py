from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "gridmgmt.ops"
    verbose_name = "Operations (health check, backup and restore)"
