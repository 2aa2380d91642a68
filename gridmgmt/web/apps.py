from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gridmgmt.web"
    verbose_name = "Web app (worker app, consoles, dashboard)"
