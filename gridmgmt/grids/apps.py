from django.apps import AppConfig


class GridsConfig(AppConfig):
    name = "gridmgmt.grids"
    verbose_name = "Grids (网格)"
