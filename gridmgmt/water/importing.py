"""Loading water bodies: one core for GeoJSON files, OSM extracts and the demo.

GeoJSON (RFC 7946, WGS84): each feature a LineString, MultiLineString,
Polygon or MultiPolygon with properties ``code`` (required, unique), ``name``
and ``kind`` (one of :class:`WaterBodyKind`, or an OSM ``waterway`` value).
A broken file, a feature without a code or geometry, an unknown kind, or a
water body wholly outside the district refuses the whole file, naming the
features. From an OSM extract, whose box always reaches beyond the district,
bodies wholly outside are skipped and counted instead.
"""

from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from shapely.geometry import shape

from gridmgmt.areas.models import District
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.json_input import json_loads
from gridmgmt.numbers import geojson_number_problem
from gridmgmt.water.models import WaterBody, WaterBodyKind
from gridmgmt.water.osm_water import read_water_bodies
from spatial.crs import lnglat_range_problem
from spatial.osm_reader import OsmReadError

KIND_ALIASES = {"reservoir": WaterBodyKind.LAKE, "basin": WaterBodyKind.POND}
GEOMETRY_TYPES = {"LineString", "MultiLineString", "Polygon", "MultiPolygon"}


class WaterImportError(ValueError):
    """The file was refused; the message names the features."""


@dataclass(frozen=True)
class WaterBodyRecord:
    code: str
    name: str
    kind: str
    geometry: object  # shapely, WGS84


@dataclass
class WaterImportReport:
    created: int = 0
    updated: int = 0
    outside: list = field(default_factory=list)  # codes skipped (OSM) as wholly outside the district

    def summary(self) -> str:
        skipped = f", {len(self.outside)} outside the district skipped" if self.outside else ""
        return f"water bodies: {self.created} created, {self.updated} updated{skipped}"


def _kind(value: str | None) -> str | None:
    if value in WaterBodyKind.values:
        return value
    return KIND_ALIASES.get(value)


def records_from_geojson(path: Path) -> list[WaterBodyRecord]:
    """Records of a GeoJSON FeatureCollection; WaterImportError naming every bad feature."""
    try:
        data = json_loads(Path(path).read_text(encoding="utf-8"))
        features = data["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WaterImportError(f"{path}: not a GeoJSON FeatureCollection ({exc})") from None
    records, problems = [], []
    for index, feature in enumerate(features):
        props = (feature or {}).get("properties") or {}
        label = f"feature {index} ({props.get('code') or 'no code'})"
        geometry = (feature or {}).get("geometry") or {}
        kind = _kind(props.get("kind") or props.get("waterway"))
        if not props.get("code"):
            problems.append(f"{label}: no 'code'")
        elif geometry.get("type") not in GEOMETRY_TYPES:
            problems.append(f"{label}: geometry {geometry.get('type')!r} is not a line or polygon")
        elif kind is None:
            problems.append(f"{label}: kind {props.get('kind')!r} is not one of {', '.join(WaterBodyKind.values)}")
        elif (bad_number := geojson_number_problem(geometry)) is not None:  # shape() reads with float()
            problems.append(f"{label}: the coordinate {bad_number} is not a number")
        else:
            try:
                geom = shape(geometry)
            except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
                problems.append(f"{label}: bad coordinates ({exc})")
                continue
            if geom.is_empty or not geom.is_valid:
                problems.append(f"{label}: empty or invalid geometry ({shapely.is_valid_reason(geom)})")
                continue
            outside = lnglat_range_problem(geom)
            if outside:
                problems.append(f"{label}: {outside}; GeoJSON here is WGS84 longitude/latitude (RFC 7946)")
                continue
            records.append(WaterBodyRecord(str(props["code"]), str(props.get("name") or ""), kind, geom))
    codes = [r.code for r in records]
    problems += [f"code {c} appears more than once" for c in sorted({c for c in codes if codes.count(c) > 1})]
    if problems:
        raise WaterImportError(f"{path}: {len(problems)} refused: " + "; ".join(problems[:20]))
    return records


def records_from_osm(path: Path) -> list[WaterBodyRecord]:
    try:
        bodies = read_water_bodies(path)
    except (OSError, RuntimeError, OsmReadError) as exc:
        raise WaterImportError(f"{path}: cannot read the OSM extract ({exc})") from None
    return [WaterBodyRecord(b.code, b.name, _kind(b.kind) or WaterBodyKind.OTHER, b.geometry) for b in bodies]


@transaction.atomic
def water_bodies_import(*, records: list[WaterBodyRecord], source: str, skip_outside: bool) -> WaterImportReport:
    """Upsert water bodies by code; all or nothing.

    A body touching no district boundary is skipped and listed
    (``skip_outside``) or refuses the import (WaterImportError naming it).
    """
    report = WaterImportReport()
    districts = list(District.objects.all())
    for record in records:
        geometry = GEOSGeometry(memoryview(record.geometry.wkb), srid=STORAGE_SRID)
        if not any(d.boundary.intersects(geometry) for d in districts):
            report.outside.append(record.code)
            continue
        _, created = WaterBody.objects.update_or_create(
            code=record.code, defaults={"name": record.name, "kind": record.kind, "geometry": geometry,
                                        "source": source})
        report.created += created
        report.updated += not created
    if report.outside and not skip_outside:
        raise WaterImportError(f"{len(report.outside)} water bodies lie wholly outside the district: "
                               + ", ".join(report.outside[:20]))
    return report
