"""Reads of the map pages: dashboard choropleth and hexagons, grid summary, medical and traffic layers.

Polygon and point layers are built in SQL (:mod:`gridmgmt.geojson_sql`);
only the hexagon layer is binned in Python (:mod:`spatial.hexbins`), since
the database has no H3. Every layer is limited to the reader's
:class:`~gridmgmt.maps.scope.AreaScope`. Coordinates are WGS84, (lng, lat).
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.geos import Polygon
from django.db import connection
from django.db.models import Count

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import users_with_role
from gridmgmt.cases.models import Case, Status
from gridmgmt.events.models import Event
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.geojson_sql import feature_collection
from gridmgmt.grids.models import Grid
from gridmgmt.maps.scope import AreaScope
from spatial.hexbins import hexbin_counts, hexbins_feature_collection

# Cases that no longer need anyone: they leave the "open cases" counts.
FINISHED_STATUSES = (Status.CLOSED, Status.CANCELLED, Status.MERGED)
FINISHED_SQL = ", ".join(f"'{s}'" for s in FINISHED_STATUSES)  # enum values written in code, not input

# The traffic view's classes: big class 02 道路交通 (road-traffic components,
# CJ/T 214) and 22 交通管理 (traffic-management events) of the catalogue
# (fixtures/catalogue/catalogue.json).
TRAFFIC_BIG_CLASSES = ("02", "22")


def open_cases_by_grid_layer(*, scope: AreaScope, bbox=None, precision: int) -> str:
    """Active grids with their open-case count (``open_cases``), for the choropleth."""
    return feature_collection(
        table="grids_grid", geometry="grids_grid.polygon",
        properties={"code": "grids_grid.code", "community_name": "c.name", "households": "grids_grid.households",
                    "open_cases": "(SELECT count(*) FROM cases_case k WHERE k.grid_code = grids_grid.code "
                                  f"AND k.status NOT IN ({FINISHED_SQL}))"},
        joins="JOIN areas_community c ON c.id = grids_grid.community_id "
              "JOIN areas_street s ON s.id = c.street_id",
        where=[("grids_grid.active", []), *scope.sql(grid="grids_grid.code", community="c.code", street="s.code")],
        bbox=bbox, precision=precision, order_by="grids_grid.code")


@dataclass(frozen=True)
class HotGrid:
    """A grid with open cases, and its bounds (minLng, minLat, maxLng, maxLat) to frame it."""

    code: str
    open_cases: int
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True)
class OpenCasesSummary:
    """What the dashboard lists beside the open-cases tiles: totals and the busiest grids."""

    open_cases: int
    grids_with_open_cases: int
    hottest: list[HotGrid]


def open_cases_summary(*, scope: AreaScope, top: int = 5) -> OpenCasesSummary:
    """Open cases in the active grids of ``scope``: their number, their grids' number, the ``top`` busiest grids."""
    where, params = ["g.active", f"k.status NOT IN ({FINISHED_SQL})"], []
    for clause, clause_params in scope.sql(grid="g.code", community="c.code", street="s.code"):
        where.append(clause)
        params.extend(clause_params)
    query = f"""
        SELECT g.code, count(*)::int AS n, ST_XMin(g.polygon), ST_YMin(g.polygon), ST_XMax(g.polygon),
               ST_YMax(g.polygon)
        FROM cases_case k
        JOIN grids_grid g ON g.code = k.grid_code
        JOIN areas_community c ON c.id = g.community_id
        JOIN areas_street s ON s.id = c.street_id
        WHERE {" AND ".join(where)}
        GROUP BY g.code, g.polygon
        ORDER BY n DESC, g.code"""
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    return OpenCasesSummary(open_cases=sum(row[1] for row in rows), grids_with_open_cases=len(rows),
                            hottest=[HotGrid(code=code, open_cases=n, bbox=tuple(box)) for code, n, *box in rows[:top]])


def report_hexbins(*, scope: AreaScope, resolution: int, since: datetime, bbox=None, precision: int) -> dict:
    """Reports (events) received since ``since``, counted per H3 cell, as a FeatureCollection."""
    events = reports_binned(scope=scope, since=since, bbox=bbox)
    points = ((p.x, p.y) for p in events.values_list("location", flat=True).iterator(chunk_size=5000))
    return hexbins_feature_collection(hexbin_counts(points, resolution=resolution), precision=precision)


def reports_binned(*, scope: AreaScope, since: datetime, bbox=None):
    """The reports of the hexagon layer: in ``scope``, received since ``since``, in ``bbox`` (WGS84) if given."""
    events = Event.objects.filter(scope.q(), received_at__gte=since)
    return events if bbox is None else events.filter(location__intersects=_envelope(bbox))


def _envelope(bbox) -> Polygon:
    polygon = Polygon.from_bbox(bbox)
    polygon.srid = STORAGE_SRID
    return polygon


@dataclass(frozen=True)
class GridSummary:
    """What the dashboard shows when a grid is clicked."""

    code: str
    community: str
    street: str
    households: int
    residents: int
    workers: list[str]
    open_cases: int
    by_status: dict[str, int]
    latest: list[Case]
    bbox: tuple[float, float, float, float]  # minLng, minLat, maxLng, maxLat: to frame the grid


def grid_summary(*, scope: AreaScope, code: str) -> GridSummary | None:
    """The active grid ``code`` with its workers and open cases; None if absent or outside the scope."""
    grid = Grid.objects.active().select_related("community__street").filter(code=code).first()
    if grid is None or not scope.covers(grid_code=grid.code, community_code=grid.community.code,
                                        street_code=grid.community.street.code):
        return None
    open_cases = Case.objects.filter(grid_code=code).exclude(status__in=FINISHED_STATUSES)
    by_status = dict(open_cases.order_by().values_list("status").annotate(n=Count("id")))
    workers = [u.get_full_name() or u.username for u in users_with_role(Role.GRID_WORKER, grid_code=code)]
    return GridSummary(code=grid.code, community=grid.community.name, street=grid.community.street.name,
                       households=grid.households, residents=grid.residents, workers=workers,
                       open_cases=sum(by_status.values()), by_status=by_status,
                       latest=list(open_cases.select_related("small_class").order_by("deadline", "-received_at")[:10]),
                       bbox=grid.polygon.extent)


def health_facility_layer(*, bbox=None, precision: int) -> str:
    """Hospitals, clinics, doctors and pharmacies (OSM) as points."""
    return feature_collection(
        table="areas_healthfacility", geometry="areas_healthfacility.location",
        properties={"name": "areas_healthfacility.name", "kind": "areas_healthfacility.kind"},
        bbox=bbox, precision=precision)


def road_layer(*, bbox=None, precision: int) -> str:
    """Road segments (OSM) with their name and highway class."""
    return feature_collection(
        table="areas_road", geometry="areas_road.geometry",
        properties={"name": "areas_road.name", "highway": "areas_road.highway"},
        bbox=bbox, precision=precision)


def traffic_case_layer(*, scope: AreaScope, bbox=None, precision: int) -> str:
    """Open cases of the traffic classes as points, with ``overdue`` when the deadline has passed."""
    return feature_collection(
        table="cases_case", geometry="cases_case.location",
        properties={"case": "cases_case.id", "number": "cases_case.number", "status": "cases_case.status",
                    "class_code": "sc.code", "class_name": "sc.name", "deadline": "cases_case.deadline",
                    "overdue": "coalesce(cases_case.deadline < now(), false)"},
        joins="JOIN events_smallclass sc ON sc.id = cases_case.small_class_id "
              "JOIN events_bigclass bc ON bc.id = sc.big_class_id",
        where=[(f"cases_case.status NOT IN ({FINISHED_SQL})", []), ("bc.code = ANY(%s)", [list(TRAFFIC_BIG_CLASSES)]),
               *scope.sql(grid="cases_case.grid_code", community="cases_case.community_code",
                          street="cases_case.street_code")],
        bbox=bbox, precision=precision, order_by="cases_case.id")

