"""Vector tiles (Mapbox Vector Tile, ``ST_AsMVT``) of the open-cases-per-grid layer, for city-scale maps.

A tile is ``(z, x, y)`` in the XYZ scheme (Web Mercator, see
:mod:`spatial.web_tiles`); it holds one layer ``grids`` whose features are
the active grids in the reader's :class:`~gridmgmt.maps.scope.AreaScope` with
properties ``code`` (the 14/15-digit grid code) and ``open_cases``, and the
grid's id as feature id. Coordinates are tile units (``EXTENT`` per tile
side). Below zoom :data:`ALL_GRIDS_MIN_ZOOM` a grid is a few pixels wide,
its outline only a mesh: those tiles hold the grids with open cases alone.
"""

from django.db import connection

from gridmgmt.geo import STORAGE_SRID
from gridmgmt.maps.scope import AreaScope
from gridmgmt.maps.selectors import FINISHED_SQL
from spatial.web_tiles import tile_bounds

EXTENT = 1024  # tile units per side: 1/4 px on a 256 px tile
BUFFER = 16  # tile units drawn beyond the edge, so outlines meet across tiles
ALL_GRIDS_MIN_ZOOM = 13  # Yuexiu (2,100 grids) fits a desktop view at 13; a grid is then ~7 px wide
LAYER = "grids"


def tile_query_bbox(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's WGS84 bounds widened by the buffer: what a tile reads (and its version covers)."""
    min_lng, min_lat, max_lng, max_lat = tile_bounds(z, x, y)
    pad_lng, pad_lat = (max_lng - min_lng) * BUFFER / EXTENT, (max_lat - min_lat) * BUFFER / EXTENT
    return min_lng - pad_lng, min_lat - pad_lat, max_lng + pad_lng, max_lat + pad_lat


def open_cases_tile(*, scope: AreaScope, z: int, x: int, y: int) -> bytes:
    """The MVT bytes of tile ``(z, x, y)`` (empty bytes when no grid of the scope touches it)."""
    where, params = ["g.active", f"g.polygon && ST_MakeEnvelope(%s, %s, %s, %s, {STORAGE_SRID})"], [
        *tile_query_bbox(z, x, y)]
    for clause, clause_params in scope.sql(grid="g.code", community="c.code", street="s.code"):
        where.append(clause)
        params.extend(clause_params)
    if z < ALL_GRIDS_MIN_ZOOM:
        where.append("o.open_cases > 0")
    query = f"""
        SELECT ST_AsMVT(t, '{LAYER}', {EXTENT}, 'geom', 'id') FROM (
            SELECT g.id, g.code, o.open_cases,
                   ST_AsMVTGeom(ST_Transform(g.polygon, 3857), ST_TileEnvelope(%s, %s, %s), {EXTENT}, {BUFFER}, true)
                       AS geom
            FROM grids_grid g
            JOIN areas_community c ON c.id = g.community_id
            JOIN areas_street s ON s.id = c.street_id
            CROSS JOIN LATERAL (SELECT count(*)::int AS open_cases FROM cases_case k
                                WHERE k.grid_code = g.code AND k.status NOT IN ({FINISHED_SQL})) o
            WHERE {" AND ".join(where)}
        ) t WHERE t.geom IS NOT NULL"""
    with connection.cursor() as cursor:
        cursor.execute(query, [z, x, y, *params])
        tile = cursor.fetchone()[0]
    return bytes(tile) if tile is not None else b""
