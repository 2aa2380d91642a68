from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "gridmgmt.events"
    verbose_name = "Events (事件/部件上报)"
    default_auto_field = "django.db.models.BigAutoField"
