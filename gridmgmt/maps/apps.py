from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "gridmgmt.maps"
    verbose_name = "Maps (dashboard, medical and traffic layers)"
