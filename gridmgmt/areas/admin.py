from django.contrib import admin
from gridmgmt.areas.admin_geometry import ReadOnlyGeometryAdmin
from gridmgmt.areas.models import (BoundaryVersion, Building, Community, Department, District, HealthFacility,
                                   LinearBarrier, Road, Street)


@admin.register(District)
class DistrictAdmin(ReadOnlyGeometryAdmin):
    list_display = ("code", "name", "name_en", "boundary_version", "boundary_valid_from")
    search_fields = ("code", "name", "name_en")


@admin.register(Street)
class StreetAdmin(ReadOnlyGeometryAdmin):
    list_display = ("code", "name", "name_en", "population", "boundary_version")
    list_filter = ("district",)
    search_fields = ("code", "name", "name_en")


@admin.register(Community)
class CommunityAdmin(ReadOnlyGeometryAdmin):
    list_display = ("code", "name", "street", "boundary_version", "boundary_valid_from")
    list_filter = ("street",)
    search_fields = ("code", "name", "name_en")
    list_select_related = ("street",)


@admin.register(BoundaryVersion)
class BoundaryVersionAdmin(ReadOnlyGeometryAdmin):
    list_display = ("level", "code", "name", "version", "valid_from", "valid_to", "source")
    list_filter = ("level", "valid_to")
    search_fields = ("code", "name")


@admin.register(Building)
class BuildingAdmin(ReadOnlyGeometryAdmin):
    list_display = ("source", "source_id", "community", "households", "population", "address")
    list_filter = ("source", "community__street", "community")
    search_fields = ("source_id", "address", "community__code", "community__name")
    list_select_related = ("community",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")


@admin.register(Road)
class RoadAdmin(ReadOnlyGeometryAdmin):
    list_display = ("osm_id", "name", "highway")
    list_filter = ("highway",)
    search_fields = ("name", "osm_id")


@admin.register(LinearBarrier)
class LinearBarrierAdmin(ReadOnlyGeometryAdmin):
    list_display = ("osm_id", "name", "key", "value")
    list_filter = ("key", "value")
    search_fields = ("name", "osm_id")


@admin.register(HealthFacility)
class HealthFacilityAdmin(ReadOnlyGeometryAdmin):
    list_display = ("osm_id", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "osm_id")
