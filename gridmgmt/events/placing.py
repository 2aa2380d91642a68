"""Locating and routing reports in one SQL statement, for one report or a million.

Both the single-report service and the bulk import call :func:`place_sql`:
the same rules, one round trip per batch, and no per-row Python work.

Locating mirrors :func:`gridmgmt.areas.selectors.locate`: the community whose
boundary covers the point (on a seam the lower code wins), then the active
grid of that community that covers it (lower code wins).

Routing precedence, most specific first (FixMyStreet's bodies × categories,
made explicit): a rule for the **grid** code > the **community** code > the
**street** code > the **district** code > the small class' **default
department** (the catalogue-wide fallback, which counts as a district-wide
rule that any explicit district rule overrides). A report nothing covers is
``routing_status = "manual"`` with no department: a visible queue, never a
silent drop.
"""

from dataclasses import dataclass

from django.db import connection

from gridmgmt.areas.models import Department
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.prepared import execute_prepared

# ``{points}`` is a relation with at least (small_class_id, geom); its columns
# come through after the placement's (``p.*``), so a caller needs no join
# back to its rows: such a join's plan rests on the planner's guess of their
# number, and a bad guess made one quadratic. Only code-written SQL is
# formatted in; values are params.
PLACE_SQL = """
SELECT c.id AS community_id, c.code AS community_code, s.id AS street_id,
       s.code AS street_code, g.id AS grid_id, g.code AS grid_code,
       coalesce(r.department_id, sc.default_department_id) AS department_id,
       r.id AS rule_id, d.code AS department_code, d.name AS department_name, d.name_en AS department_name_en,
       p.*
FROM {points} p
JOIN events_smallclass sc ON sc.id = p.small_class_id
LEFT JOIN LATERAL (
    SELECT c.id, c.code, c.street_id FROM areas_community c
    WHERE ST_Covers(c.boundary, p.geom) ORDER BY c.code LIMIT 1
) c ON true
LEFT JOIN areas_street s ON s.id = c.street_id
LEFT JOIN LATERAL (
    SELECT g.id, g.code FROM grids_grid g
    WHERE g.active AND g.community_id = c.id AND ST_Covers(g.polygon, p.geom)
    ORDER BY g.code LIMIT 1
) g ON true
LEFT JOIN LATERAL (
    SELECT rr.id, rr.department_id FROM events_routingrule rr
    WHERE rr.small_class_id = p.small_class_id
      AND ((rr.level = 'grid' AND rr.area_code = g.code)
        OR (rr.level = 'community' AND rr.area_code = c.code)
        OR (rr.level = 'street' AND rr.area_code = s.code)
        OR (rr.level = 'district' AND rr.area_code = left(s.code, 6)))
    ORDER BY CASE rr.level WHEN 'grid' THEN 4 WHEN 'community' THEN 3
                           WHEN 'street' THEN 2 ELSE 1 END DESC
    LIMIT 1
) r ON true
LEFT JOIN areas_department d ON d.id = coalesce(r.department_id, sc.default_department_id)
"""


@dataclass(frozen=True)
class Placement:
    """Where a report lies (ids and codes at this moment) and where it goes."""

    community_id: int
    community_code: str
    street_id: int
    street_code: str
    grid_id: int | None
    grid_code: str
    department: Department | None  # read by the same statement, so callers need no query for it
    rule_id: int | None

    @property
    def routing_status(self) -> str:
        return "routed" if self.department else "manual"


# One report's point as the ``{points}`` relation, parameters $1 small class id, $2 lng, $3 lat.
_ONE_POINT = (f"(SELECT $1::bigint AS small_class_id, "
              f"ST_SetSRID(ST_MakePoint($2::float8, $3::float8), {STORAGE_SRID}) AS geom)")
PLACE_ONE_SQL = PLACE_SQL.format(points=_ONE_POINT)


def place_one(*, small_class_id: int, lng: float, lat: float) -> Placement | None:
    """Locate and route one WGS84 point (degrees); None when no community covers it."""
    with connection.cursor() as cursor:
        execute_prepared(cursor, "gridmgmt_place_one", PLACE_ONE_SQL, [small_class_id, lng, lat])
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    department = (Department.from_db(connection.alias, ["id", "code", "name", "name_en"], [row[6], *row[8:11]])
                  if row[6] else None)
    return Placement(row[0], row[1], row[2], row[3], row[4], row[5] or "", department, row[7])
