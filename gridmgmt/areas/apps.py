from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "gridmgmt.areas"
    verbose_name = "Areas (district, streets, communities, buildings)"
