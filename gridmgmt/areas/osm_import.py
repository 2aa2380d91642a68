"""Import of an OpenStreetMap extract (offline): boundaries, buildings, roads, waterways and railways, health
facilities.

Reading is ``spatial.osm_reader.read_extract`` (pure, one pass over the
file); this module maps what it read onto the models and writes it all in
one transaction, so a refused boundary or a database error leaves nothing
half-imported. Boundaries go through the same core as ``import_boundaries``
(``services.boundaries_save``: code form, parent, topology, versions), and
the buildings are placed after them, so both import orders place buildings.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import transaction
from shapely.geometry import MultiLineString, MultiPolygon, Polygon

from gridmgmt.areas.boundary_reader import BoundaryRecord
from gridmgmt.areas.building_services import BuildingRecord, buildings_upsert
from gridmgmt.areas.models import Building, District, HealthFacility, LinearBarrier, Road, Street
from gridmgmt.areas.osm_codes import OsmCodeMap, OsmCodeMapError
from gridmgmt.areas.services import BoundaryImportRefused, ImportReport, boundaries_save
from gridmgmt.geo import STORAGE_SRID
from spatial import osm_reader
from spatial.crs import parse_crs, to_wgs84
from spatial.osm_households import NON_DWELLING_USE_KEYS

LARGEST_ESTIMATES_SHOWN = 10
OUTSIDE_COMMUNITIES_SHOWN = 10
NON_RESIDENTIAL_SHOWN_PER_RULE = 10
NON_RESIDENTIAL_RULE = (
    "no households in a building whose value is not a dwelling (apartments, house, residential, ...), "
    f"nor in building=yes with any of {', '.join(NON_DWELLING_USE_KEYS)}")
PARENT_MODEL = {"district": None, "street": District, "community": Street}


class OsmImportFailed(Exception):
    """Nothing was written: a boundary was refused, or nothing usable came out of the extract.

    ``report`` is what was read; ``refused`` names each refused boundary and why.
    """

    def __init__(self, message: str, report: "OsmImportReport", refused: list[str] = ()):
        self.report = report
        self.refused = list(refused)
        super().__init__(message)


@dataclass
class OsmImportReport:
    """What one import read, wrote, estimated and left out."""

    file: str
    extract: str = ""
    not_built: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    """Elements that appear more than once in the file; their last copy was used."""
    repaired: list[str] = field(default_factory=list)
    """Features whose rings were not valid as mapped (a bow-tie) and were made valid, with why."""
    cut_buildings_left_out: int = 0
    """Buildings not built because they were cut at the extract's edge (and not closed along it)."""
    closed_along_edge: list[str] = field(default_factory=list)
    stored_outline_kept: list[str] = field(default_factory=list)
    """Buildings closed along the edge that were already stored: the stored outline (maybe whole) is kept."""
    boundaries: list[ImportReport] = field(default_factory=list)
    unmatched_codes: list[str] = field(default_factory=list)
    """Rows of the code CSV that no boundary of the imported levels matched."""
    buildings: int = 0
    """Buildings written (0 when the import was refused)."""
    buildings_read: int = 0
    outside_communities: list[str] = field(default_factory=list)
    """Buildings written that lie in no community (``way/12``): in no grid until a boundary covers them."""
    tagged: tuple[int, int] = (0, 0)
    """(buildings, households) counted from ``building:flats``."""
    estimated: tuple[int, int] = (0, 0)
    """(buildings, households) estimated from the footprint."""
    largest_estimates: list[str] = field(default_factory=list)
    non_residential: dict[str, list[str]] = field(default_factory=dict)
    """Buildings given no households, by reason (``building=office``)."""
    implausible: list[str] = field(default_factory=list)
    roads: int = 0
    roads_cut: int = 0
    barriers: int = 0
    """Waterways and railways stored (grid cut lines beside the roads)."""
    barriers_cut: int = 0
    lines_split: list[str] = field(default_factory=list)
    """Roads, waterways and railways that left and re-entered the extract: longest part stored."""
    health_facilities: int = 0
    shortened: list[str] = field(default_factory=list)
    """Texts longer than their field (OSM allows 255 characters a tag), cut to fit, each named."""
    not_buildings: list[str] = field(default_factory=list)
    """Elements tagged like buildings that map none (building:part, disused:building), each with why."""

    @property
    def usable(self) -> bool:
        written = self.buildings or self.roads or self.barriers or self.health_facilities
        return bool(written or any(r.created or r.updated or r.unchanged for r in self.boundaries))

    def lines(self) -> list[str]:
        """The report as lines for a person, every left-out feature named."""
        lines = [f"read {self.file}: {self.extract}"]
        if self.duplicates:
            lines.append(f"in the file more than once, last copy used ({len(self.duplicates)}): "
                         f"{', '.join(self.duplicates)}")
        if self.not_built:
            lines.append(f"not built ({len(self.not_built)}):")
            lines += [f"  {problem}" for problem in self.not_built]
        if self.repaired:
            lines.append(f"rings not valid as mapped, made valid ({len(self.repaired)}):")
            lines += [f"  {item}" for item in self.repaired]
        if self.cut_buildings_left_out:
            lines.append(f"  {self.cut_buildings_left_out} building(s) above cut at the extract's edge: "
                         "--close-cut-buildings keeps their inside part, closed along the edge")
        if self.closed_along_edge:
            lines.append(f"closed along the extract's edge ({len(self.closed_along_edge)}): "
                         f"{', '.join(self.closed_along_edge)}")
        if self.stored_outline_kept:
            lines.append(f"already stored, stored outline kept ({len(self.stored_outline_kept)}): "
                         f"{', '.join(self.stored_outline_kept)}")
        lines += [report.summary() for report in self.boundaries]
        if self.unmatched_codes:
            lines.append(f"code rows matching no boundary of the imported levels ({len(self.unmatched_codes)}): "
                         f"{', '.join(self.unmatched_codes)}")
        households = self.tagged[1] + self.estimated[1]
        lines.append(f"buildings: {self.buildings} written of {self.buildings_read} read ({households} households)")
        if self.outside_communities:
            shown = ", ".join(self.outside_communities[:OUTSIDE_COMMUNITIES_SHOWN])
            more = len(self.outside_communities) - OUTSIDE_COMMUNITIES_SHOWN
            lines.append(f"  in no community, so in no grid until a community boundary covers them: "
                         f"{len(self.outside_communities)} ({shown}{f' and {more} more' if more > 0 else ''})")
        lines.append(f"  households tagged (building:flats): {self.tagged[1]} in {self.tagged[0]} buildings")
        lines.append(f"  households estimated (footprint × levels / dwelling area): {self.estimated[1]} "
                     f"in {self.estimated[0]} buildings")
        if self.largest_estimates:
            lines.append(f"  largest estimates: {'; '.join(self.largest_estimates)}")
        count = sum(len(ids) for ids in self.non_residential.values())
        lines.append(f"  non-residential, 0 households: {count} buildings (rule: {NON_RESIDENTIAL_RULE})")
        for reason, ids in sorted(self.non_residential.items(), key=lambda item: (-len(item[1]), item[0])):
            shown = ", ".join(ids[:NON_RESIDENTIAL_SHOWN_PER_RULE])
            more = f" and {len(ids) - NON_RESIDENTIAL_SHOWN_PER_RULE} more" if len(ids) > NON_RESIDENTIAL_SHOWN_PER_RULE else ""
            lines.append(f"    {reason}: {len(ids)} ({shown}{more})")
        lines.append(f"  implausible tags set aside: {len(self.implausible)}")
        lines += [f"    {item}" for item in self.implausible]
        if self.not_buildings:
            lines.append(f"  tagged like buildings, not read as buildings ({len(self.not_buildings)}):")
            lines += [f"    {item}" for item in self.not_buildings]
        lines.append(f"roads: {self.roads} ({self.roads_cut} cut at the extract's edge, inside part kept)")
        lines.append(f"waterways and railways (grid cut lines): {self.barriers} ({self.barriers_cut} cut at the "
                     "extract's edge, inside part kept)")
        lines += [f"  {item}" for item in self.lines_split]
        lines.append(f"health facilities: {self.health_facilities}")
        if self.shortened:
            lines.append(f"texts longer than their field, cut to fit ({len(self.shortened)}):")
            lines += [f"  {item}" for item in self.shortened]
        return lines


def osm_import(
    *,
    path: str | Path,
    district_admin_level: int | None = None,
    street_admin_level: int | None = None,
    community_admin_level: int | None = None,
    code_map: OsmCodeMap | None = None,
    close_cut_boundaries: bool = False,
    close_cut_buildings: bool = False,
    dwelling_area_m2: float = 90.0,
    default_levels: int = 1,
    crs: str | None = None,
    valid_from: date | None = None,
) -> OsmImportReport:
    """Import an ``.osm``, ``.osm.bz2`` or ``.osm.pbf`` extract.

    Parameters
    ----------
    district_admin_level, street_admin_level, community_admin_level : int, optional
        OSM ``admin_level`` of the boundaries imported as districts, streets
        and communities; none are imported when not given. A boundary's parent
        is the area of the level above covering its inner point.
    code_map : OsmCodeMap, optional
        Official codes by OSM element, ref or template (``osm_codes``).
    close_cut_boundaries : bool
        Close a boundary cut at the extract's edge along that edge.
    close_cut_buildings : bool
        Keep the inside part of a building cut at the extract's edge, closed
        along that edge (its households estimated from that part). Such a
        building never replaces one of the same OSM id already stored (from
        an extract where it was whole). Off by default: a cut building is
        then left out and named.
    dwelling_area_m2 : float
        Floor area per household, in m², for buildings without a flats tag.
    crs : str, optional
        Coordinates' CRS when the extract is not WGS84 (e.g. ``gcj02`` for
        data traced from Chinese web maps).

    Returns
    -------
    OsmImportReport

    Raises
    ------
    spatial.osm_reader.OsmReadError
        The file cannot be read; nothing is written.
    OsmImportFailed
        A boundary is refused (a code of the wrong form, no code, no parent,
        ...), or nothing usable came out of the extract; nothing is written.
    """
    source_crs = parse_crs(crs) if crs else None

    def convert(geometry):
        return to_wgs84(geometry, source_crs) if source_crs is not None else geometry

    levels = [(value, name) for value, name in ((district_admin_level, "district"), (street_admin_level, "street"),
                                                (community_admin_level, "community")) if value]
    extract = osm_reader.read_extract(
        path, admin_levels=[value for value, _ in levels], dwelling_area_m2=dwelling_area_m2,
        default_levels=default_levels, close_cut_boundaries=close_cut_boundaries,
        close_cut_buildings=close_cut_buildings)
    report = OsmImportReport(file=Path(path).name, extract=_extract_summary(extract),
                             not_built=[str(problem) for problem in extract.problems],
                             duplicates=extract.duplicates, repaired=extract.repaired,
                             not_buildings=extract.not_buildings,
                             closed_along_edge=[f"{b.osm_type} {b.osm_id} (admin_level {b.admin_level})"
                                                for b in extract.boundaries if b.closed_along_edge])
    if not close_cut_buildings:
        report.cut_buildings_left_out = sum(1 for p in extract.problems if p.feature == "building" and p.cut)
    report.closed_along_edge += [f"{b.osm_type} {b.osm_id} (building, households from its inside part)"
                                 for b in extract.buildings if b.closed_along_edge]
    report.buildings_read = len(extract.buildings)
    _households_report(extract.buildings, report)
    if code_map is not None:
        imported_levels = {value for value, _ in levels}
        report.unmatched_codes = code_map.unmatched([b for b in extract.boundaries if b.admin_level in imported_levels])
    with transaction.atomic():
        for admin_level, level in levels:
            boundaries = [b for b in extract.boundaries if b.admin_level == admin_level]
            records = _boundary_records(boundaries, level, code_map or OsmCodeMap(), convert)
            try:
                report.boundaries.append(boundaries_save(records=records, level=level, valid_from=valid_from,
                                                         source=f"osm:{Path(path).name}"))
            except BoundaryImportRefused as exc:
                raise OsmImportFailed(f"import refused: {exc.report.summary()}", report, exc.report.refused) from None
        records = _building_records(extract.buildings, convert, report)
        report.buildings = buildings_upsert(records=records, source="osm")
        report.outside_communities = list(Building.objects.filter(
            source="osm", source_id__in=[r.source_id for r in records], community__isnull=True,
        ).order_by("id").values_list("source_id", flat=True))
        _lines_save(extract.roads, Road, lambda road: {"highway": road.highway}, convert, report)
        _lines_save(extract.barriers, LinearBarrier, lambda line: {"key": line.key, "value": line.value}, convert,
                    report)
        report.roads, report.roads_cut = len(extract.roads), sum(1 for road in extract.roads if road.cut)
        report.barriers, report.barriers_cut = len(extract.barriers), sum(1 for line in extract.barriers if line.cut)
        for poi in extract.health_pois:
            location = convert(poi.geometry)
            element = f"{poi.osm_type}/{poi.osm_id}"
            HealthFacility.objects.update_or_create(osm_type=poi.osm_type, osm_id=poi.osm_id, defaults={
                "name": _fitted(poi.name or "", HealthFacility, "name", element, report),
                "kind": _fitted(poi.kind, HealthFacility, "kind", element, report),
                "location": Point(location.x, location.y, srid=STORAGE_SRID)})
        report.health_facilities = len(extract.health_pois)
        if not report.usable:
            raise OsmImportFailed("nothing usable in the extract", report)
    return report


def _extract_summary(extract: osm_reader.OsmExtract) -> str:
    area = {"bounds": "area from its <bounds>", "nodes": "area = bounding box of its nodes",
            "none": "no nodes"}[extract.area_source]
    return f"{extract.nodes} nodes, {extract.ways} ways, {extract.relations} relations; {area}"


def _parent_code(geometry, level: str) -> str:
    """The parent area covering the boundary's inner point (OSM has no parent field)."""
    model = PARENT_MODEL[level]
    if model is None:
        return ""
    point = geometry.representative_point()
    parent = model.objects.covering(Point(point.x, point.y, srid=STORAGE_SRID)).order_by("code").first()
    return parent.code if parent else ""


def _boundary_records(boundaries, level: str, code_map: OsmCodeMap, convert) -> list[BoundaryRecord]:
    records = []
    for index, boundary in enumerate(boundaries, start=1):
        geometry = convert(boundary.geometry)
        parent_code = _parent_code(geometry, level)
        element = f"{boundary.osm_type} {boundary.osm_id}"
        try:
            code = code_map.code_for(boundary, parent_code)
        except OsmCodeMapError as exc:
            code, problem = "", str(exc)
        else:
            problem = "" if code else f"{element} has no code: no code tag, CSV row or template"
        record = BoundaryRecord(index=index, code=code, name=boundary.name or "", name_en="",
                                parent_code=parent_code, geometry=geometry, origin=element)
        if problem:
            record.problems.append(problem)
        if boundary.closed_along_edge or boundary.repaired:
            record.repaired = True
        records.append(record)
    return records


def _building_records(buildings: list[osm_reader.OsmBuilding], convert, report: OsmImportReport) -> list:
    """The records to write; a building closed along the edge never replaces a stored one (maybe whole)."""
    closed = [f"{b.osm_type}/{b.osm_id}" for b in buildings if b.closed_along_edge]
    stored = set(Building.objects.filter(source="osm", source_id__in=closed).values_list("source_id", flat=True))
    report.stored_outline_kept = sorted(stored)
    return [_building_record(b, convert, report) for b in buildings if f"{b.osm_type}/{b.osm_id}" not in stored]


def _building_record(building: osm_reader.OsmBuilding, convert, report: OsmImportReport) -> BuildingRecord:
    geometry = convert(building.geometry)
    footprint = _footprint(geometry)
    # The point lies in the stored footprint (a multipolygon's own point may lie in a smaller part).
    point = (footprint or geometry).representative_point()
    source_id = f"{building.osm_type}/{building.osm_id}"
    return BuildingRecord(
        source_id=source_id, lng=point.x, lat=point.y,
        households=building.households, households_source=building.households_source,
        address=_fitted(building.address or "", Building, "address", source_id, report), footprint_wkt=footprint.wkt if footprint else "")


def _footprint(geometry) -> Polygon | None:
    # The Building model holds one polygon; a multipolygon building keeps its largest part.
    if isinstance(geometry, MultiPolygon):
        geometry = max(geometry.geoms, key=lambda part: part.area)
    return geometry if isinstance(geometry, Polygon) else None


def _households_report(buildings: list[osm_reader.OsmBuilding], report: OsmImportReport) -> None:
    tagged = [b for b in buildings if b.households_source == "tag"]
    estimated = [b for b in buildings if b.households_source == "estimate" and not b.non_residential]
    report.tagged = (len(tagged), sum(b.households for b in tagged))
    report.estimated = (len(estimated), sum(b.households for b in estimated))
    largest = sorted(estimated, key=lambda b: (-b.households, b.osm_type, b.osm_id))[:LARGEST_ESTIMATES_SHOWN]
    report.largest_estimates = [
        f"{b.osm_type}/{b.osm_id} {b.households} ({b.footprint_area_m2:.0f} m² × {b.levels} levels, building={b.building})"
        for b in largest]
    by_reason: dict[str, list[str]] = {}
    for b in buildings:
        if b.non_residential and b.households_source == "estimate":
            by_reason.setdefault(b.non_residential, []).append(f"{b.osm_type}/{b.osm_id}")
    report.non_residential = by_reason
    report.implausible = [f"{b.osm_type}/{b.osm_id}: {'; '.join(b.implausible)}" for b in buildings if b.implausible]


def _lines_save(features: list, model, fields, convert, report: OsmImportReport) -> None:
    """Roads (``model`` Road) or waterways and railways (LinearBarrier), one row per OSM way; ``fields(feature)``:
    the model's own fields beside osm_id, name and geometry."""
    rows = []
    for feature in features:
        geometry = convert(feature.geometry)
        if isinstance(geometry, MultiLineString):
            # The model holds one line; a way that left and re-entered the extract keeps its longest part.
            parts = sorted(geometry.geoms, key=lambda part: -part.length)
            report.lines_split.append(f"way {feature.osm_id}: left and re-entered the extract, "
                                      f"longest of {len(parts)} parts stored")
            geometry = parts[0]
        name = _fitted(feature.name or "", model, "name", f"way/{feature.osm_id}", report)
        rows.append(model(osm_id=feature.osm_id, name=name, geometry=GEOSGeometry(geometry.wkt, srid=STORAGE_SRID),
                          **fields(feature)))
    # One statement per 2,000 lines instead of two per line: a city extract has tens of thousands.
    model.objects.bulk_create(rows, batch_size=2000, update_conflicts=True, unique_fields=["osm_id"],
                              update_fields=["name", "geometry", *fields(features[0])] if features else ["name"])


def _fitted(text: str, model, field_name: str, element: str, report: OsmImportReport) -> str:
    """``text`` cut to the model field's length, named in the report when cut.

    OSM allows 255 characters a tag value, and an address joins three of them: a long name or
    address was a database error (value too long) that refused the whole extract.
    """
    limit = model._meta.get_field(field_name).max_length
    if len(text) <= limit:
        return text
    report.shortened.append(f"{element} {field_name}: {len(text)} characters, the first {limit} kept")
    return text[:limit]
