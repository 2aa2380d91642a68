from django.contrib import admin

from gridmgmt.areas.admin_geometry import ReadOnlyGeometryAdmin
from gridmgmt.water.models import Patrol, PatrolRule, RiverChief, WaterBody, WaterObservation


class RiverChiefInline(admin.TabularInline):
    model = RiverChief
    extra = 0


@admin.register(WaterBody)
class WaterBodyAdmin(ReadOnlyGeometryAdmin):
    """Geometry comes from import_water_bodies; the warning level and river chiefs are edited here."""

    list_display = ("code", "name", "kind", "warning_level", "source")
    list_filter = ("kind", "warning_level")
    search_fields = ("code", "name")
    inlines = [RiverChiefInline]


@admin.register(PatrolRule)
class PatrolRuleAdmin(admin.ModelAdmin):
    """Rules are the district's to set; ``source`` empty marks a local setting, not from a standard."""

    list_display = ("warning_level", "every_days", "min_minutes", "min_km", "source")


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyGeometryAdmin):
    list_display = ("started_at", "worker", "water_body", "grid_code", "length_m", "duration_s", "compliant",
                    "dropped_fixes")
    list_filter = ("compliant",)

    def has_change_permission(self, request, obj=None):
        return False  # a patrol is what the phone recorded


@admin.register(WaterObservation)
class WaterObservationAdmin(ReadOnlyGeometryAdmin):
    list_display = ("observed_at", "water_body", "black_odor_class", "source", "grid_code", "event")
    list_filter = ("black_odor_class", "source")

    def has_change_permission(self, request, obj=None):
        return False  # recorded through water_observation_record, which opens the event
