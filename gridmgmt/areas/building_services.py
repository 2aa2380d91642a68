"""Writes of buildings: CSV import (the demo) and upserts shared with the OSM import."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.geos import Point, Polygon
from django.db import transaction

from gridmgmt.areas.models import Building, Community
from gridmgmt.geo import STORAGE_SRID

CSV_COLUMNS = ("source_id", "lng", "lat", "households")


class BuildingImportError(ValueError):
    """A building file or row that cannot be imported; nothing was written."""


@dataclass(frozen=True)
class BuildingRecord:
    source_id: str
    lng: float
    lat: float
    households: int
    population: int = 0
    address: str = ""
    community_code: str = ""
    footprint_wkt: str = ""


def buildings_upsert(*, records: list[BuildingRecord], source: str, replace_source: bool = False) -> int:
    """Insert or update buildings by (source, source_id), each placed in its community.

    The community is the given code, else the one covering the point; a
    building outside every community is kept with no community (it is not
    part of any grid). With ``replace_source`` the records are the whole
    source: its buildings missing from them are deleted. Returns the number
    of rows written.
    """
    communities = Community.objects.in_bulk(field_name="code")
    rows = []
    for record in records:
        point = Point(record.lng, record.lat, srid=STORAGE_SRID)
        community = communities.get(record.community_code) or Community.objects.covering(point).order_by("code").first()
        footprint = Polygon.from_ewkt(f"SRID={STORAGE_SRID};{record.footprint_wkt}") if record.footprint_wkt else None
        rows.append(Building(community=community, location=point, footprint=footprint, households=record.households,
                             population=record.population, address=record.address, source=source,
                             source_id=record.source_id))
    with transaction.atomic():
        if replace_source:
            Building.objects.filter(source=source).exclude(source_id__in=[r.source_id for r in records]).delete()
        Building.objects.bulk_create(
            rows, batch_size=2000, update_conflicts=True, unique_fields=["source", "source_id"],
            update_fields=["community", "location", "footprint", "households", "population", "address"])
    return len(rows)


def _parse_row(line: int, row: dict) -> BuildingRecord:
    try:
        lng, lat = float(row["lng"]), float(row["lat"])
        households = int(row["households"])
        population = int(row.get("population") or 0)
    except (TypeError, ValueError) as exc:
        raise BuildingImportError(f"line {line}: {exc}") from None
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise BuildingImportError(f"line {line}: lng/lat out of range ({lng}, {lat})")
    if households < 0 or population < 0:
        raise BuildingImportError(f"line {line}: households and population must not be negative")
    if not row["source_id"]:
        raise BuildingImportError(f"line {line}: empty source_id")
    return BuildingRecord(source_id=row["source_id"], lng=lng, lat=lat, households=households,
                          population=population, address=row.get("address") or "",
                          community_code=row.get("community") or "")


def buildings_import_csv(*, path: str | Path, source: str, replace_source: bool = False) -> int:
    """Import a CSV with columns source_id, lng, lat, households [, population, address, community]."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise BuildingImportError(f"{path}: missing column(s) {', '.join(missing)}")
        records = [_parse_row(line, row) for line, row in enumerate(reader, start=2)]
    return buildings_upsert(records=records, source=source, replace_source=replace_source)
