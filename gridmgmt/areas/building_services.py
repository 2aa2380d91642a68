"""Writes of buildings: CSV import (the demo), upserts shared with the OSM import,
placement in communities, and real household counts per building.

Placement rule (written once, here): a building belongs to the community
whose current boundary covers its representative point; a point covered by
several (on a shared edge or vertex) goes to the one with the lowest code, the
same rule ``selectors.locate`` uses for a reported point. A building outside
every community has none (it is in no grid).
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.geos import Point, Polygon
from django.db import connection, transaction

from gridmgmt.api_params import ascii_integer, ascii_number
from gridmgmt.areas.models import Building, Community, HouseholdsSource
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.text_files import TextFileError, open_text
from spatial.osm_households import MAX_PLAUSIBLE_HOUSEHOLDS

CSV_COLUMNS = ("source_id", "lng", "lat", "households")
OSM_TYPES = ("node", "way", "relation")
# The most a count may be: households by the plausibility limit OSM tags are held to, population by the
# column (PositiveIntegerField). Larger numbers overflowed the database's integer with a traceback.
MAX_COUNT = {"households": MAX_PLAUSIBLE_HOUSEHOLDS, "population": 2_147_483_647}


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
    households_source: str = HouseholdsSource.COUNT


# The community covering each building's point; on a seam the lowest code wins.
_PLACE_SQL = """
UPDATE areas_building b SET community_id = (
    SELECT c.id FROM areas_community c WHERE ST_Covers(c.boundary, b.location) ORDER BY c.code LIMIT 1)
WHERE {where}
"""


def buildings_place(*, community_codes: list[str] | None = None, building_ids: list[int] | None = None) -> int:
    """Place buildings in communities again by the module's rule.

    Parameters
    ----------
    community_codes
        Communities whose boundary changed: their buildings, and every
        building their new boundary covers, are placed again.
    building_ids
        Buildings to place (e.g. just imported).

    Returns
    -------
    int
        Buildings whose row was updated.
    """
    clauses, params = [], []
    if community_codes:
        clauses.append("b.community_id IN (SELECT id FROM areas_community WHERE code = ANY(%s))"
                       " OR EXISTS (SELECT 1 FROM areas_community c WHERE c.code = ANY(%s)"
                       " AND ST_Covers(c.boundary, b.location))")
        params += [list(community_codes), list(community_codes)]
    if building_ids:
        clauses.append("b.id = ANY(%s)")
        params.append(list(building_ids))
    if not clauses:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_PLACE_SQL.format(where=" OR ".join(f"({c})" for c in clauses)), params)
        return cursor.rowcount


def buildings_upsert(*, records: list[BuildingRecord], source: str, replace_source: bool = False) -> int:
    """Insert or update buildings by (source, source_id), each placed in its community.

    The community is the given code, else the one the placement rule gives.
    A building whose households were counted (``households_source=count``)
    keeps its count when an estimate or an OSM tag arrives for it. With
    ``replace_source`` the records are the whole source: its buildings
    missing from them are deleted. Returns the number of rows written.
    """
    seen: set[str] = set()
    for record in records:
        if record.source_id in seen:
            # One statement writes them all, and it cannot write one row twice.
            raise BuildingImportError(f"building {source}:{record.source_id} appears more than once")
        seen.add(record.source_id)
    communities = Community.objects.in_bulk(field_name="code")
    counted = dict(Building.objects.filter(
        source=source, households_source=HouseholdsSource.COUNT,
        source_id__in=[r.source_id for r in records if r.households_source != HouseholdsSource.COUNT],
    ).values_list("source_id", "households"))
    rows = []
    for record in records:
        footprint = Polygon.from_ewkt(f"SRID={STORAGE_SRID};{record.footprint_wkt}") if record.footprint_wkt else None
        households, households_source = record.households, record.households_source
        if record.source_id in counted:
            households, households_source = counted[record.source_id], HouseholdsSource.COUNT
        rows.append(Building(community=communities.get(record.community_code),
                             location=Point(record.lng, record.lat, srid=STORAGE_SRID), footprint=footprint,
                             households=households, households_source=households_source,
                             population=record.population, address=record.address, source=source,
                             source_id=record.source_id))
    to_place = {r.source_id for r in records if r.community_code not in communities}
    with transaction.atomic():
        if replace_source:
            Building.objects.filter(source=source).exclude(source_id__in=[r.source_id for r in records]).delete()
        Building.objects.bulk_create(
            rows, batch_size=2000, update_conflicts=True, unique_fields=["source", "source_id"],
            update_fields=["community", "location", "footprint", "households", "households_source", "population",
                           "address"])
        ids = list(Building.objects.filter(source=source, source_id__in=to_place).values_list("id", flat=True))
        buildings_place(building_ids=ids)
    return len(rows)


def _parse_row(line: int, row: dict) -> BuildingRecord:
    lng, lat = ascii_number(row.get("lng")), ascii_number(row.get("lat"))
    if lng is None or lat is None or not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise BuildingImportError(f"line {line}: lng/lat must be WGS84 degrees, got ({row.get('lng')!r}, "
                                  f"{row.get('lat')!r})")
    households, population = _row_counts(line, row)  # the counts' one rule, as for import_households
    if not row["source_id"]:
        raise BuildingImportError(f"line {line}: empty source_id")
    return BuildingRecord(source_id=row["source_id"], lng=lng, lat=lat, households=households,
                          population=population or 0, address=row.get("address") or "",
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


def _osm_source_id(value: str) -> str | None:
    """``way/123``, ``w123`` or ``way 123`` → ``way/123`` (the OSM import's source_id), else None."""
    text = value.strip().lower().replace(" ", "/")
    for osm_type in OSM_TYPES:
        for prefix in (f"{osm_type}/", osm_type[0]):
            number = ascii_integer(text[len(prefix):]) if text.startswith(prefix) else None
            if number is not None:  # negative: JOSM's new objects, imported as they are
                return f"{osm_type}/{number}"
    return None


def buildings_set_households(*, path: str | Path, encoding: str | None = None) -> int:
    """Set real household counts per building from a CSV; all rows or none.

    Parameters
    ----------
    path
        CSV (UTF-8, GBK/GB18030 as Excel writes it in China, or UTF-16; see
        :mod:`gridmgmt.text_files`; ``encoding`` to say which) with a ``households`` column (non-negative integer), an
        optional ``population`` column, and per row either ``osm_id`` (the
        OSM element, ``way/123`` or ``w123``, of a building from
        ``import_osm``) or ``building_id`` (the building's id in gridmgmt, as
        the API and admin show it).

    Returns
    -------
    int
        Buildings updated; their ``households_source`` becomes ``count``, which
        later OSM imports keep.

    Raises
    ------
    BuildingImportError
        Naming the line and the problem (unknown building, bad number, the
        same building twice, missing column); nothing is written.
    """
    try:
        with open_text(path, encoding=encoding) as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            if "households" not in fields or not ({"osm_id", "building_id"} & set(fields)):
                raise BuildingImportError(
                    f"{path}: needs a households column and an osm_id or building_id column "
                    f"(found: {', '.join(fields) or 'none'})")
            rows = list(enumerate(reader, start=2))
    except TextFileError as exc:
        raise BuildingImportError(str(exc)) from None
    except OSError as exc:
        raise BuildingImportError(f"{path}: cannot read ({exc})") from None
    osm_ids = {_osm_source_id(row.get("osm_id") or "") for _, row in rows} - {None}
    by_osm = dict(Building.objects.filter(source="osm", source_id__in=osm_ids).values_list("source_id", "id"))
    building_ids = {ascii_integer(row.get("building_id") or "") for _, row in rows} - {None}
    known_ids = set(Building.objects.filter(id__in=building_ids).values_list("id", flat=True))
    updates: dict[int, tuple[int, int | None]] = {}
    for line, row in rows:
        building_id = _row_building(line, row, by_osm, known_ids)
        if building_id in updates:
            raise BuildingImportError(f"line {line}: the same building appears on an earlier line")
        updates[building_id] = _row_counts(line, row)
    with transaction.atomic():
        buildings = Building.objects.select_for_update().order_by("pk").in_bulk(list(updates))
        for building_id, (households, population) in updates.items():
            building = buildings[building_id]
            building.households, building.households_source = households, HouseholdsSource.COUNT
            if population is not None:
                building.population = population
        Building.objects.bulk_update(buildings.values(), ["households", "households_source", "population"])
    return len(updates)


def _row_building(line: int, row: dict, by_osm: dict[str, int], known_ids: set[int]) -> int:
    osm_value, id_value = (row.get("osm_id") or "").strip(), (row.get("building_id") or "").strip()
    if osm_value:
        source_id = _osm_source_id(osm_value)
        if source_id is None:
            raise BuildingImportError(f"line {line}: osm_id '{osm_value}' is not like way/123 or w123")
        if source_id not in by_osm:
            raise BuildingImportError(f"line {line}: no building imported from OSM {source_id}")
        return by_osm[source_id]
    if not id_value:
        raise BuildingImportError(f"line {line}: neither osm_id nor building_id given")
    building_id = ascii_integer(id_value)
    if building_id not in known_ids:
        raise BuildingImportError(f"line {line}: no building with building_id '{id_value}'")
    return building_id


def _row_counts(line: int, row: dict) -> tuple[int, int | None]:
    values = []
    for column in ("households", "population"):
        text = (row.get(column) or "").strip()
        if column == "population" and not text:
            values.append(None)
            continue
        if not text.isdigit() or not text.isascii():
            raise BuildingImportError(f"line {line}: {column} '{text}' is not a whole number ≥ 0")
        if int(text) > MAX_COUNT[column]:
            raise BuildingImportError(f"line {line}: {column} {text} is above {MAX_COUNT[column]}, the most "
                                      "one building may hold")
        values.append(int(text))
    return values[0], values[1]
