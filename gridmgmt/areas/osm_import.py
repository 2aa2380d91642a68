"""Import of an OpenStreetMap extract (offline): boundaries, buildings, roads, health facilities.

Reading is ``spatial.osm_reader`` (pure); this module maps what it read onto
the models and writes it all in one transaction, so a refused boundary or a
database error leaves nothing half-imported.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import transaction
from shapely.geometry import MultiPolygon, Polygon

from gridmgmt.areas.boundary_reader import BoundaryRecord
from gridmgmt.areas.building_services import BuildingRecord, buildings_upsert
from gridmgmt.areas.models import District, HealthFacility, Road, Street
from gridmgmt.areas.services import ImportReport, boundaries_save
from gridmgmt.geo import STORAGE_SRID
from spatial import osm_reader
from spatial.crs import parse_crs, to_wgs84

# The OSM tags, in order of preference, that carry an official area code.
CODE_TAGS = ("ref:NBS", "ref", "gb:code", "code")


@dataclass
class OsmImportReport:
    boundaries: list[ImportReport] = field(default_factory=list)
    buildings: int = 0
    households: int = 0
    roads: int = 0
    health_facilities: int = 0

    def summary(self) -> list[str]:
        return [r.summary() for r in self.boundaries] + [
            f"buildings: {self.buildings} ({self.households} households)",
            f"roads: {self.roads}", f"health facilities: {self.health_facilities}"]


def _code(boundary: osm_reader.AdminBoundary) -> str:
    for tag in CODE_TAGS:
        if boundary.codes.get(tag):
            return boundary.codes[tag]
    return next(iter(boundary.codes.values()), "")


def _parent_code(geometry, parents) -> str:
    """The parent area covering the boundary's inner point (OSM has no parent field)."""
    point = geometry.representative_point()
    parent = parents.covering(Point(point.x, point.y, srid=STORAGE_SRID)).order_by("code").first()
    return parent.code if parent else ""


def _boundary_records(boundaries, parents, convert) -> list[BoundaryRecord]:
    records = []
    for index, boundary in enumerate(boundaries, start=1):
        geometry = convert(boundary.geometry)
        record = BoundaryRecord(index=index, code=_code(boundary), name=boundary.name or "", name_en="",
                                parent_code=_parent_code(geometry, parents), geometry=geometry)
        if not record.code:
            record.problems.append(f"{boundary.osm_type} {boundary.osm_id} has no code tag ({', '.join(CODE_TAGS)})")
        records.append(record)
    return records


def _footprint_wkt(geometry) -> str:
    # The Building model holds one polygon; a multipolygon building keeps its largest part.
    if isinstance(geometry, MultiPolygon):
        geometry = max(geometry.geoms, key=lambda part: part.area)
    return geometry.wkt if isinstance(geometry, Polygon) else ""


def osm_import(
    *,
    path: str | Path,
    street_admin_level: int | None = None,
    community_admin_level: int | None = None,
    dwelling_area_m2: float = 90.0,
    default_levels: int = 1,
    crs: str | None = None,
    valid_from: date | None = None,
) -> OsmImportReport:
    """Import an ``.osm`` / ``.osm.bz2`` extract.

    Parameters
    ----------
    street_admin_level, community_admin_level : int, optional
        OSM ``admin_level`` of the boundaries to import as streets and as
        communities; none are imported when not given.
    dwelling_area_m2 : float
        Floor area per household, in m², for buildings without a flats tag.
    crs : str, optional
        Coordinates' CRS when the extract is not WGS84 (e.g. ``gcj02`` for
        data traced from Chinese web maps).

    Raises
    ------
    spatial.osm_reader.OsmReadError
        The file cannot be read; nothing is written.
    gridmgmt.areas.services.BoundaryImportRefused
        A boundary is refused; nothing is written.
    """
    source_crs = parse_crs(crs) if crs else None

    def convert(geometry):
        return to_wgs84(geometry, source_crs) if source_crs is not None else geometry

    levels = [(lvl, name) for lvl, name in ((street_admin_level, "street"), (community_admin_level, "community")) if lvl]
    boundaries = osm_reader.read_admin_boundaries(path, [lvl for lvl, _ in levels]) if levels else []
    buildings = osm_reader.read_buildings(path, dwelling_area_m2=dwelling_area_m2, default_levels=default_levels)
    roads = osm_reader.read_roads(path)
    health = osm_reader.read_health_pois(path)

    report = OsmImportReport()
    with transaction.atomic():
        for admin_level, level in levels:
            parents = District.objects if level == "street" else Street.objects
            records = _boundary_records([b for b in boundaries if b.admin_level == admin_level], parents, convert)
            report.boundaries.append(boundaries_save(records=records, level=level, valid_from=valid_from,
                                                     source=f"osm:{Path(path).name}"))
        building_records = []
        for building in buildings:
            geometry = convert(building.geometry)
            point = geometry.representative_point()
            building_records.append(BuildingRecord(
                source_id=f"{building.osm_type}/{building.osm_id}", lng=point.x, lat=point.y,
                households=building.households, address=building.address or "",
                footprint_wkt=_footprint_wkt(geometry)))
        report.buildings = buildings_upsert(records=building_records, source="osm")
        report.households = sum(b.households for b in buildings)
        for road in roads:
            Road.objects.update_or_create(osm_id=road.osm_id, defaults={
                "name": road.name or "", "highway": road.highway,
                "geometry": GEOSGeometry(convert(road.geometry).wkt, srid=STORAGE_SRID)})
        report.roads = len(roads)
        for poi in health:
            location = convert(poi.geometry)
            HealthFacility.objects.update_or_create(osm_type=poi.osm_type, osm_id=poi.osm_id, defaults={
                "name": poi.name or "", "kind": poi.kind,
                "location": Point(location.x, location.y, srid=STORAGE_SRID)})
        report.health_facilities = len(health)
    return report

