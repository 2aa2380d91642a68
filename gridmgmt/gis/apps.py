from django.apps import AppConfig


class GisConfig(AppConfig):
    name = "gridmgmt.gis"
    label = "gis_editor"  # "gis" is django.contrib.gis
    verbose_name = "GIS editor (boundaries, grids, audit)"
    default_auto_field = "django.db.models.BigAutoField"
