from django.contrib import admin

from gridmgmt.areas.admin_geometry import ReadOnlyGeometryAdmin
from gridmgmt.grids.models import Grid, GridGeneration


@admin.register(GridGeneration)
class GridGenerationAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "activated_at", "target_households", "code_digits", "note")

    def has_add_permission(self, request):
        # A generation is made by generate_grids (or the GIS editor), which fills and checks it;
        # an empty one added here could be activated and leave communities without grids.
        return False


@admin.register(Grid)
class GridAdmin(ReadOnlyGeometryAdmin):
    list_display = ("code", "community", "households", "residents", "area_m2", "generation", "active")
    list_filter = ("active", "community__street", "community", "generation")
    search_fields = ("code", "community__code", "community__name")
    list_select_related = ("community",)
