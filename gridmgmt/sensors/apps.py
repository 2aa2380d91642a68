from django.apps import AppConfig


class SensorsConfig(AppConfig):
    name = "gridmgmt.sensors"
    verbose_name = "Environmental monitoring sensors (环境监测)"
    default_auto_field = "django.db.models.BigAutoField"
