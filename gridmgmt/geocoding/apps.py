from django.apps import AppConfig


class GeocodingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gridmgmt.geocoding"
    verbose_name = "geocoding (地理编码)"
