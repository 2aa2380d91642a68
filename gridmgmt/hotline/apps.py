from django.apps import AppConfig


class HotlineConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gridmgmt.hotline"
    verbose_name = "hotline intake (热线受理)"
