"""Versions of the polled map layers, computed before the layer is built: the ETag of an unchanged refresh.

A layer's version is a digest of the rows it is made of, read without
touching a geometry, so answering "not modified" costs one small aggregate
query instead of building (and hashing) the layer. A version changes
whenever the layer's content can change:

* open cases per grid: the active grids in scope (by id: a grid edit or a
  regeneration makes new rows and switches ``active``, it never rewrites a
  polygon in place; see :func:`gridmgmt.grids.services.grid_generation_activate`),
  their households, the community names, and the open-case count per grid;
* report hexagons: the count, id sum and latest ``updated_at`` of the reports
  the layer bins (a report added, ageing out of the window, moved or deleted).
"""

from datetime import datetime

from django.db import connection
from django.db.models import Count, Max, Sum

from gridmgmt.geo import STORAGE_SRID
from gridmgmt.maps.scope import AreaScope

from gridmgmt.maps.selectors import FINISHED_SQL, reports_binned


def open_cases_version(*, scope: AreaScope, bbox=None) -> str:
    """Digest of the open-cases-per-grid layer's inputs in ``scope`` (and ``bbox``, WGS84), without geometry.

    Aggregates over the grid rows (count, id sum, households sum: no sort, no
    text), the open-case count per grid of those grids, and the community
    names (the GeoJSON layer shows them).
    """
    where, params = ["g.active"], []
    for clause, clause_params in scope.sql(grid="g.code", community="c.code", street="s.code"):
        where.append(clause)
        params.extend(clause_params)
    if bbox is not None:
        where.append(f"g.polygon && ST_MakeEnvelope(%s, %s, %s, %s, {STORAGE_SRID})")
        params.extend(bbox)
    # The area joins only when the scope names areas (a district-wide reader's version reads the grids alone).
    joins = ("JOIN areas_community c ON c.id = g.community_id JOIN areas_street s ON s.id = c.street_id"
             if len(where) > 1 else "")
    grids = f"FROM grids_grid g {joins} WHERE {' AND '.join(where)}"
    query = f"""
        SELECT concat_ws('-', count(*), sum(g.id), sum(g.households),
            (SELECT coalesce(md5(string_agg(k.grid_code || ':' || k.n, ',' ORDER BY k.grid_code)), '')
             FROM (SELECT grid_code, count(*) AS n FROM cases_case WHERE status NOT IN ({FINISHED_SQL})
                   GROUP BY grid_code) k
             WHERE EXISTS (SELECT 1 {grids} AND g.code = k.grid_code)),
            (SELECT sum(hashtext(code || name)) FROM areas_community))
        {grids}"""
    with connection.cursor() as cursor:
        cursor.execute(query, params + params)
        return cursor.fetchone()[0]


def report_hexbins_version(*, scope: AreaScope, since: datetime, bbox=None) -> str:
    """Digest of the reports :func:`gridmgmt.maps.selectors.report_hexbins` bins for the same arguments."""
    totals = reports_binned(scope=scope, since=since, bbox=bbox).aggregate(
        n=Count("id"), ids=Sum("id"), changed=Max("updated_at"))
    changed = totals["changed"].timestamp() if totals["changed"] else 0
    return f"{totals['n']}-{totals['ids'] or 0}-{changed:.6f}"
