from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "gridmgmt.events"
    verbose_name = "Events (事件/部件上报)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gridmgmt.events import schema  # noqa: F401  (registers the OpenAPI auth extension)
