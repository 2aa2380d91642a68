"""Medical coverage (医疗管理): share of each grid's households within a 15-minute walk of a health facility.

Network: the imported roads (:class:`gridmgmt.areas.models.Road`, WGS84
lines, every OSM highway class treated as walkable). Facilities: the health
facilities whose kind is in :data:`CARE_KINDS` (hospitals, clinics — in
Guangzhou's OSM data community health service centres are ``clinic`` —,
doctors' practices and ``healthcare=centre``; pharmacies are not care).
Households: the buildings' households, each building at its representative
point, in the active grid covering it. Walk limit and speed:
:mod:`gridmgmt.duties.walking`.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from gridmgmt.areas.models import HealthFacility, Road
from gridmgmt.duties.models import GridCoverage
from gridmgmt.geojson_sql import feature_collection
from gridmgmt.duties.walking import WALK_LIMIT_M, network_from_segments, walking_distances_m

CARE_KINDS = ("hospital", "clinic", "doctors", "centre")

_BUILDINGS_SQL = """
SELECT ST_X(b.location), ST_Y(b.location), b.households, g.code
FROM areas_building b
JOIN grids_grid g ON g.active AND ST_Covers(g.polygon, b.location)
WHERE b.households > 0
"""


@dataclass(frozen=True)
class CoverageSummary:
    grids: int
    households: int
    households_within: int
    roads: int
    facilities: int

    @property
    def share(self) -> float:
        return self.households_within / self.households if self.households else 0.0


@transaction.atomic
def coverage_compute(*, walk_limit_m: float = WALK_LIMIT_M) -> CoverageSummary:
    """Recompute every active grid's coverage (replacing the stored figures); returns the district's totals."""
    segments = [list(geometry.coords) for geometry in Road.objects.values_list("geometry", flat=True)]
    facilities = [(p.x, p.y) for p in HealthFacility.objects.filter(kind__in=CARE_KINDS)
                  .values_list("location", flat=True)]
    with connection.cursor() as cursor:
        cursor.execute(_BUILDINGS_SQL)
        buildings = cursor.fetchall()
    network = network_from_segments(segments)
    distances = walking_distances_m(network, facilities, [(lng, lat) for lng, lat, _, _ in buildings],
                                    limit_m=walk_limit_m)
    per_grid: dict[str, list[int]] = {}
    for (_, _, households, grid_code), distance in zip(buildings, distances, strict=True):
        totals = per_grid.setdefault(grid_code, [0, 0])
        totals[0] += households
        totals[1] += households if distance <= walk_limit_m else 0
    with connection.cursor() as cursor:  # grids without any household building count too (share null)
        cursor.execute("SELECT code FROM grids_grid WHERE active")
        for (code,) in cursor.fetchall():
            per_grid.setdefault(code, [0, 0])
    now = timezone.now()
    GridCoverage.objects.all().delete()
    GridCoverage.objects.bulk_create(
        GridCoverage(grid_code=code, households=total, households_within=within,
                     share=within / total if total else None, walk_limit_m=walk_limit_m, computed_at=now)
        for code, (total, within) in per_grid.items())
    return CoverageSummary(grids=len(per_grid), households=sum(t for t, _ in per_grid.values()),
                           households_within=sum(w for _, w in per_grid.values()), roads=len(segments),
                           facilities=len(facilities))


def worst_served(limit: int = 10) -> list[GridCoverage]:
    """The grids with households whose share within the walk is lowest."""
    return list(GridCoverage.objects.exclude(share=None).order_by("share", "-households")[:limit])


def coverage_layer(*, precision: int) -> str:
    """Active grids with their coverage (``share`` 0–1 or null, households) as GeoJSON: the choropleth."""
    return feature_collection(
        table="grids_grid", geometry="grids_grid.polygon",
        properties={"code": "grids_grid.code", "households": "gc.households",
                    "households_within": "gc.households_within", "share": "gc.share"},
        joins="JOIN duties_gridcoverage gc ON gc.grid_code = grids_grid.code",
        where=[("grids_grid.active", [])], precision=precision, order_by="grids_grid.code")
