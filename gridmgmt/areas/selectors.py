"""Reads of the administrative hierarchy: point location and map layers."""

from dataclasses import dataclass
from datetime import date

from django.contrib.gis.geos import Point

from gridmgmt.areas.models import BoundaryLevel, BoundaryVersion, Community
from gridmgmt.geojson_sql import feature_collection
from gridmgmt.grids.models import Grid


@dataclass(frozen=True)
class Location:
    """Where a point lies: its community, street, district and (if any) active grid."""

    community: Community
    grid: Grid | None

    @property
    def street(self):
        return self.community.street

    @property
    def district(self):
        return self.community.street.district


def locate(point: Point) -> Location | None:
    """The community (and active grid) covering ``point`` (WGS84), or None outside all.

    A point exactly on a seam is covered by both neighbours; the lower code
    wins so the answer is stable.
    """
    community = (
        Community.objects.covering(point).select_related("street__district").order_by("code").first()
    )
    if community is None:
        return None
    grid = Grid.objects.active().covering(point).filter(community=community).order_by("code").first()
    return Location(community=community, grid=grid)


def boundary_on(*, level: str, code: str, day: date) -> BoundaryVersion | None:
    """The boundary of an area as it was on ``day``."""
    return BoundaryVersion.objects.on(day).filter(level=level, code=code).first()


def communities_covering_on(point: Point, day: date):
    return BoundaryVersion.objects.on(day).covering(point).filter(level=BoundaryLevel.COMMUNITY)


def area_layer(level: str, *, bbox=None, precision: int, street_code: str | None = None) -> str:
    """Streets or communities as a GeoJSON FeatureCollection (current boundaries)."""
    table = {"street": "areas_street", "community": "areas_community"}[level]
    properties = {"code": f"{table}.code", "name": f"{table}.name", "name_en": f"{table}.name_en",
                  "boundary_version": f"{table}.boundary_version",
                  "area_m2": f"round(ST_Area({table}.boundary::geography))"}
    where = []
    if level == "community":
        properties["street_code"] = "s.code"
        if street_code:
            where.append(("s.code = %s", [street_code]))
    else:
        properties["population"] = f"{table}.population"
    joins = "JOIN areas_street s ON s.id = areas_community.street_id" if level == "community" else ""
    return feature_collection(table=table, geometry=f"{table}.boundary", properties=properties,
                              where=where, bbox=bbox, precision=precision,
                              order_by=f"{table}.code", joins=joins)


def building_layer(*, bbox=None, precision: int, community_code: str | None = None) -> str:
    where = [("c.code = %s", [community_code])] if community_code else []
    return feature_collection(
        table="areas_building", geometry="coalesce(areas_building.footprint, areas_building.location)",
        properties={"households": "areas_building.households",
                    "households_source": "areas_building.households_source",
                    "population": "areas_building.population",
                    "address": "areas_building.address", "community_code": "c.code",
                    "source": "areas_building.source"},
        joins="LEFT JOIN areas_community c ON c.id = areas_building.community_id",
        where=where, bbox=bbox, precision=precision)
