"""Writes of the administrative hierarchy: boundary imports with versions.

One core serves the ``import_boundaries`` command, ``load_demo`` and the GIS
editor: read → check every rule → write everything in one transaction, or
nothing at all.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from shapely import from_wkb
from shapely.geometry import GeometryCollection
from shapely.geometry.base import BaseGeometry

from gridmgmt.areas.area_codes import area_code_problem
from gridmgmt.areas.boundary_reader import BoundaryRecord, read_boundaries
from gridmgmt.areas.building_services import buildings_place
from gridmgmt.areas.models import BoundaryVersion, Community, District, Street
from gridmgmt.areas.names import normalise_community_name
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.sensors.services import sensors_locate_again
from spatial.crs import lnglat_range_problem
from spatial.equirectangular import equirectangular
from spatial.topology import area_outside_m2, lies_outside, overlapping_pairs

LEVELS = {"district": (District, None), "street": (Street, District), "community": (Community, Street)}
PARENT_FIELD = {"street": "district", "community": "street"}
# Re-importing the same file must change nothing: geometries that differ by
# less than this (relative symmetric-difference area) count as unchanged.
UNCHANGED_TOLERANCE = 1e-9


class BoundaryImportRefused(Exception):
    """Raised with the report when any feature is refused; nothing was written."""

    def __init__(self, report: "ImportReport"):
        self.report = report
        super().__init__("; ".join(report.refused))


@dataclass
class ImportReport:
    level: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    buildings_replaced: int = 0

    def summary(self) -> str:
        placed = f", {self.buildings_replaced} buildings re-placed" if self.buildings_replaced else ""
        return (f"{self.level}: {len(self.created)} created, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged, {len(self.repaired)} repaired, {len(self.refused)} refused"
                f"{placed}")


def _geos(geom: BaseGeometry) -> GEOSGeometry:
    return GEOSGeometry(memoryview(geom.wkb), srid=STORAGE_SRID)


def _shapely(geom: GEOSGeometry) -> BaseGeometry:
    return from_wkb(bytes(geom.wkb))


def _same_geometry(a: BaseGeometry, b: BaseGeometry) -> bool:
    return a.symmetric_difference(b).area <= UNCHANGED_TOLERANCE * max(a.area, b.area)


def _check_topology(level: str, records: list[BoundaryRecord], parents: dict, report: ImportReport) -> None:
    """Refuse features outside their parent or overlapping a sibling (in metres)."""
    usable = [r for r in records if r.geometry is not None and not r.problems]
    if not usable:
        return
    # Affine plane: shared edges with T-junctions stay shared (a projection would bend them into slivers).
    to_metric, _ = equirectangular(GeometryCollection([r.geometry for r in usable]))
    tolerance_m = settings.TOPOLOGY_CONTAINMENT_TOLERANCE_M
    metric = {r.code: to_metric(r.geometry) for r in usable}
    for record in usable:
        parent = parents.get(record.parent_code)
        if parent is not None:
            outside = area_outside_m2(metric[record.code], to_metric(_shapely(parent.boundary)), tolerance_m)
            if lies_outside(outside, metric[record.code].area, settings.TOPOLOGY_OVERLAP_TOLERANCE_M2):
                record.problems.append(
                    f"lies {outside:.0f} m² outside its parent {parent.code} (tolerance {tolerance_m} m)")
    model, _ = LEVELS[level]
    imported = {r.code for r in usable}
    envelope = _geos(GeometryCollection([r.geometry for r in usable]).envelope)
    # Existing siblings that this import does not replace must not be overlapped either.
    kept = model.objects.exclude(code__in=imported).filter(boundary__intersects=envelope)
    named = [(r.code, metric[r.code]) for r in usable]
    named += [(f"existing {a.code}", to_metric(_shapely(a.boundary))) for a in kept]
    by_code = {r.code: r for r in usable}
    for first, second, shared in overlapping_pairs(named, settings.TOPOLOGY_OVERLAP_TOLERANCE_M2):
        for code, other in ((first, second), (second, first)):
            if code in by_code:
                by_code[code].problems.append(f"overlaps sibling {other} by {shared:.0f} m²")


def boundaries_import(
    *,
    path: str | Path,
    level: str,
    code_field: str,
    name_field: str,
    name_en_field: str | None = None,
    parent_field: str | None = None,
    parent_code: str | None = None,
    crs: str | None = None,
    valid_from: date | None = None,
    source: str = "",
) -> ImportReport:
    """Import district, street or community boundaries from a vector file (see :func:`boundaries_save`)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    records = read_boundaries(path, code_field=code_field, name_field=name_field,
                              name_en_field=name_en_field, parent_field=parent_field, crs=crs)
    return boundaries_save(records=records, level=level, parent_code=parent_code, valid_from=valid_from,
                           source=source)


def boundaries_save(
    *,
    records: list[BoundaryRecord],
    level: str,
    parent_code: str | None = None,
    valid_from: date | None = None,
    source: str = "",
) -> ImportReport:
    """Write boundary records of one level as areas and boundary versions.

    New codes create an area with boundary version 1; a changed boundary
    closes the current version on ``valid_from`` and opens the next one;
    an identical boundary changes nothing. Any refused record (broken
    geometry, missing code or parent, outside its parent, overlapping a
    sibling) refuses them all: :class:`BoundaryImportRefused` carries the
    report and nothing is written.
    """
    valid_from = valid_from or date.today()
    model, parent_model = LEVELS[level]
    report = ImportReport(level=level)
    parents = {}
    if parent_model is not None:
        for record in records:
            record.parent_code = record.parent_code or (parent_code or "")
        parents = parent_model.objects.in_bulk([r.parent_code for r in records], field_name="code")
        for record in records:
            if record.parent_code not in parents:
                record.problems.append(f"parent {PARENT_FIELD[level]} '{record.parent_code or '(none given)'}' "
                                       "does not exist; import that level first")
    seen: set[str] = set()
    for record in records:
        if record.code in seen:
            record.problems.append("code appears twice in the file")
        seen.add(record.code)
        code_problem = record.code and area_code_problem(level, record.code, record.parent_code)
        if code_problem:
            record.problems.append(code_problem)
        if level == "community":
            record.name = normalise_community_name(record.name)
        record.problems.extend(_name_problems(model, record))
        # Every caller (files, the GIS editor's drawn rings) is checked here: degrees far outside
        # the globe overflow the metric plane of the topology check.
        if record.geometry is not None and record.geometry.is_empty:  # a drawn edit that left an area no land
            record.problems.append("no land left: the boundary is empty")
        out_of_range = record.geometry is not None and lnglat_range_problem(record.geometry)
        if out_of_range:
            record.problems.append(out_of_range)
    _check_topology(level, records, parents, report)
    current = model.objects.in_bulk([r.code for r in records], field_name="code")
    for record in records:
        area = current.get(record.code)
        if area is not None and area.boundary_valid_from > valid_from:
            record.problems.append(f"valid-from {valid_from} is before the current version's start "
                                   f"{area.boundary_valid_from}")

    report.refused = [f"{r.label}: {'; '.join(r.problems)}" for r in records if r.problems]
    report.repaired = [r.label for r in records if r.repaired and not r.problems]
    if report.refused:
        raise BoundaryImportRefused(report)

    with transaction.atomic():
        existing = model.objects.select_for_update().order_by("pk").in_bulk([r.code for r in records], field_name="code")
        for record in records:
            extra = {PARENT_FIELD[level]: parents[record.parent_code]} if parent_model else {}
            area = existing.get(record.code)
            if area is None:
                area = model(code=record.code, name=record.name, name_en=record.name_en,
                             boundary=_geos(record.geometry), boundary_valid_from=valid_from, **extra)
                area.full_clean()
                area.save()
                _new_version(level, area, valid_from, source)
                report.created.append(record.code)
                continue
            if _same_geometry(_shapely(area.boundary), record.geometry):
                report.unchanged.append(record.code)
                continue
            BoundaryVersion.objects.filter(level=level, code=record.code, valid_to__isnull=True).update(
                valid_to=valid_from)
            area.boundary = _geos(record.geometry)
            area.boundary_version += 1
            area.boundary_valid_from = valid_from
            area.name = record.name
            area.name_en = record.name_en or area.name_en
            for name, value in extra.items():
                setattr(area, name, value)
            area.full_clean()
            area.save()
            _new_version(level, area, valid_from, source)
            report.updated.append(record.code)
        if level == "community" and (report.created or report.updated):
            # Buildings follow the boundaries: those in or placed in a changed community are placed again.
            report.buildings_replaced = buildings_place(community_codes=report.created + report.updated)
            # Fixed sensors likewise (their stored community, street and grid codes).
            sensors_locate_again(community_ids=model.objects.filter(code__in=report.created + report.updated)
                                 .values_list("pk", flat=True))
    return report


def _name_problems(model, record: BoundaryRecord) -> list[str]:
    """The names the model would refuse in ``full_clean`` (a traceback mid-write), as problems of the record.

    An OSM boundary without a ``name`` tag, or with a name longer than the
    column, reached ``full_clean`` and raised ValidationError.
    """
    problems = []
    if not record.name and not any(problem.startswith("empty name field") for problem in record.problems):
        problems.append("has no name (the OSM name tag or the file's name field)")
    for field_name in ("name", "name_en"):
        value, limit = getattr(record, field_name), model._meta.get_field(field_name).max_length
        if len(value) > limit:
            problems.append(f"{field_name} '{value[:20]}…' has {len(value)} characters, more than {limit}")
    return problems


def _new_version(level: str, area, valid_from: date, source: str) -> None:
    BoundaryVersion.objects.create(level=level, code=area.code, version=area.boundary_version, name=area.name,
                                   geometry=area.boundary, valid_from=valid_from, source=source)
