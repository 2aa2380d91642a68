"""Filling the gazetteer: a CSV of standard addresses, and the named buildings already imported (OSM or demo)."""

import csv
import io
from pathlib import Path

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from shapely.geometry import Point as ShapelyPoint

from gridmgmt.api_params import ascii_number
from gridmgmt.areas.models import Building
from gridmgmt.geocoding.models import Place, PlaceKind
from gridmgmt.text_files import TextFileError, read_text
from spatial.crs import gcj02_to_wgs84

CSV_COLUMNS = ("id", "name", "address", "lng", "lat")


def _read_text(path: Path, encoding: str | None) -> str:
    """The file's text by the one rule for files people bring (UTF-8, GBK/GB18030, UTF-16)."""
    try:
        return read_text(path, encoding=encoding)
    except TextFileError as exc:
        raise ValidationError({"file": str(exc)}) from None


def _point(row: dict, line: int, crs: str) -> Point:
    lng, lat = ascii_number(row.get("lng")), ascii_number(row.get("lat"))  # the request parameters' rule
    if lng is None or lat is None:
        raise ValidationError({"lng": f"line {line}: lng/lat are not numbers"})
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise ValidationError({"lng": f"line {line}: {lng}, {lat} is not a longitude/latitude"})
    if crs == "gcj02":
        lng, lat = gcj02_to_wgs84(ShapelyPoint(lng, lat)).coords[0]
    return Point(lng, lat, srid=4326)


@transaction.atomic
def places_import_csv(*, path: Path, crs: str = "wgs84", kind: str = PlaceKind.ADDRESS,
                      encoding: str | None = None) -> int:
    """Stores the rows of a CSV of standard addresses (columns id,name,address,lng,lat); all rows or none.

    ``crs`` is ``wgs84`` or ``gcj02`` (coordinates picked on a Chinese web map).
    A row with the same id as one stored before replaces it. Returns the number of rows.

    Raises ValidationError naming the file, line and field of the first bad row.
    """
    if crs not in ("wgs84", "gcj02"):
        raise ValidationError({"crs": f"unknown crs {crs!r}: wgs84 or gcj02"})
    reader = csv.DictReader(io.StringIO(_read_text(path, encoding)))
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError({"file": f"{path.name}: missing columns {', '.join(missing)}"})
    count = 0
    for line, row in enumerate(reader, start=2):
        name = (row["name"] or "").strip()
        if not name or not (row["id"] or "").strip():
            raise ValidationError({"name": f"line {line}: id and name are required"})
        Place.objects.update_or_create(source="csv", source_id=row["id"].strip(), defaults={
            "kind": kind, "name": name[:200], "address": (row["address"] or "").strip()[:255],
            "location": _point(row, line, crs)})
        count += 1
    return count


@transaction.atomic
def places_from_buildings() -> int:
    """A place for every building with an address (OSM ``addr:*`` or demo), at its representative point.

    Idempotent: a building's place is updated in place, and the places of buildings since deleted or
    left without an address are removed, so running it again after the same import changes nothing.
    Returns the number of places written. Two statements, not one per building: a row at a time took
    ~45 s for the demo's 11,000 buildings, paid by every test module loading the demo.
    """
    place, building = Place._meta.db_table, Building._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""
            DELETE FROM {place} p WHERE p.source = 'buildings' AND NOT EXISTS (
                SELECT 1 FROM {building} b WHERE b.id::text = p.source_id AND b.address <> '')""")
        cursor.execute(f"""
            INSERT INTO {place} (kind, name, address, location, source, source_id)
            SELECT %s, left(b.address, 200), b.address, b.location, 'buildings', b.id::text
            FROM {building} b WHERE b.address <> ''
            ON CONFLICT (source, source_id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name,
                address = EXCLUDED.address, location = EXCLUDED.location""", [PlaceKind.BUILDING.value])
        return cursor.rowcount
