from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from gridmgmt.grids.models import Grid, GridGeneration


@admin.register(GridGeneration)
class GridGenerationAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "activated_at", "target_households", "code_digits", "note")


@admin.register(Grid)
class GridAdmin(LeafletGeoAdmin):
    list_display = ("code", "community", "households", "residents", "area_m2", "generation", "active")
    list_filter = ("active", "community__street", "community", "generation")
    search_fields = ("code", "community__code", "community__name")
    list_select_related = ("community",)
