"""Health facilities from a CSV file (the OSM import brings the others): one core for the command and tests.

Columns: ``id`` (the source's id, unique in the file), ``name``, ``kind``
(hospital, clinic, doctors, centre or pharmacy; see
:data:`gridmgmt.duties.coverage.CARE_KINDS`), ``lng``, ``lat`` (WGS84). All
rows or none: a missing column, an unknown kind, a bad number or a point
outside the district refuses the file, naming the rows. Stored with
``osm_type="csv"``, so a later load of the same file updates them. The file
is read by :func:`gridmgmt.text_files.open_text` (GBK as Excel writes it in
China, UTF-8 with or without BOM, UTF-16), or in ``encoding`` when given.
"""

import csv
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import transaction

from gridmgmt.api_params import ascii_integer, ascii_number
from gridmgmt.areas.models import District, HealthFacility
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.text_files import TextFileError, open_text

KINDS = ("hospital", "clinic", "doctors", "centre", "pharmacy")
COLUMNS = ("id", "name", "kind", "lng", "lat")


class FacilityImportError(ValueError):
    """The file was refused; the message names the rows."""


@transaction.atomic
def health_facilities_import_csv(*, path: Path, encoding: str | None = None) -> int:
    """Upsert the file's facilities; returns how many."""
    try:
        with open_text(path, encoding=encoding) as handle:
            reader = csv.DictReader(handle)
            header, rows = reader.fieldnames or [], list(reader)
    except TextFileError as exc:
        raise FacilityImportError(str(exc)) from None
    except (OSError, csv.Error) as exc:
        raise FacilityImportError(f"{path}: cannot read the CSV ({exc})") from None
    if missing := [c for c in COLUMNS if c not in header]:
        raise FacilityImportError(f"{path}: missing columns {', '.join(missing)}")
    districts = list(District.objects.all())
    problems, records, seen = [], [], set()
    for line, row in enumerate(rows, start=2):
        source_id, lng, lat = ascii_integer(row.get("id")), ascii_number(row.get("lng")), ascii_number(row.get("lat"))
        if source_id is None or lng is None or lat is None:  # the request parameters' number rules
            problems.append(f"line {line}: id, lng and lat must be numbers")
            continue
        point = Point(lng, lat, srid=STORAGE_SRID)
        if row["kind"] not in KINDS:
            problems.append(f"line {line}: kind {row['kind']!r} is not one of {', '.join(KINDS)}")
        elif source_id in seen:
            problems.append(f"line {line}: id {source_id} appears twice")
        elif not any(d.boundary.covers(point) for d in districts):
            problems.append(f"line {line}: ({lat}, {lng}) is outside the district")
        else:
            seen.add(source_id)
            records.append((source_id, row["name"], row["kind"], point))
    if problems:
        raise FacilityImportError(f"{path}: {len(problems)} rows refused: " + "; ".join(problems[:20]))
    for source_id, name, kind, point in records:
        HealthFacility.objects.update_or_create(osm_type="csv", osm_id=source_id,
                                                defaults={"name": name[:128], "kind": kind, "location": point})
    return len(records)
