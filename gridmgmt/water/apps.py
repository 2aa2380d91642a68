from django.apps import AppConfig


class WaterConfig(AppConfig):
    name = "gridmgmt.water"
    verbose_name = "Small and micro water bodies (小微水体)"
    default_auto_field = "django.db.models.BigAutoField"
