from django.contrib import admin

from gridmgmt.areas.admin_geometry import ReadOnlyGeometryAdmin
from gridmgmt.sensors.models import Sensor, SensorEpisode


@admin.register(Sensor)
class SensorAdmin(ReadOnlyGeometryAdmin):
    """Registered with sensor_create (it locates the grid and issues the key); thresholds are edited here."""

    list_display = ("code", "name", "kind", "grid_code", "threshold", "noise_zone_class", "active", "last_value",
                    "last_reading_at")
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "grid_code")
    readonly_fields = ("grid_code", "community_code", "street_code", "key_prefix", "key_hash", "last_value",
                       "last_reading_at", "open_episode")

    def has_add_permission(self, request):
        return False


@admin.register(SensorEpisode)
class SensorEpisodeAdmin(admin.ModelAdmin):
    list_display = ("sensor", "started_at", "ended_at", "peak_value", "readings", "event")
    list_filter = ("sensor__kind",)

    def has_change_permission(self, request, obj=None):
        return False
