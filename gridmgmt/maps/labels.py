"""Map labels by zoom: street names when zoomed out, community names in between, grid codes zoomed in.

One level per zoom (:func:`label_level`), so labels of two levels never
pile up. Each label sits at a representative point of its area *clipped to
the view* (``ST_PointOnSurface``: inside the polygon even when it is
concave, and on screen even when the area is larger than the view), and
carries the clipped area's bounds so the map can drop a label wider than
its area on screen. Areas come largest first: when labels would overlap,
the map keeps the first. Coordinates are WGS84 (lng, lat).
"""

from dataclasses import dataclass

from django.db import connection

from gridmgmt.geo import STORAGE_SRID

COMMUNITY_MIN_ZOOM = 14
GRID_MIN_ZOOM = 16
MAX_LABELS = 300  # a view at a label's zoom holds far fewer; the cap bounds a request with a huge bbox
SHORT_CODE_DIGITS = 5  # a grid's last digits: community part and sequence, unique within a street's view


@dataclass(frozen=True)
class Label:
    """One label: ``kind`` street | community | grid, the area's code and names, where it goes."""

    kind: str
    code: str
    name: str
    name_en: str
    lng: float
    lat: float
    box: tuple[float, float, float, float]  # the area within the view: minLng, minLat, maxLng, maxLat


# kind -> (table, geometry, name, English name, extra condition): SQL written here, never from a request.
_SOURCES = {
    "street": ("areas_street", "boundary", "name", "name_en", "TRUE"),
    "community": ("areas_community", "boundary", "name", "name_en", "TRUE"),
    "grid": ("grids_grid", "polygon", "''", "''", "active"),
}


def label_level(zoom: int) -> str:
    """Which areas are labelled at ``zoom`` (0–22)."""
    return "grid" if zoom >= GRID_MIN_ZOOM else "community" if zoom >= COMMUNITY_MIN_ZOOM else "street"


def short_grid_code(code: str) -> str:
    """What a grid's label shows: its last :data:`SHORT_CODE_DIGITS` digits (the full code is on hover)."""
    return code[-SHORT_CODE_DIGITS:]


def labels_in_view(*, zoom: int, bbox: tuple[float, float, float, float]) -> list[Label]:
    """The labels of the level of ``zoom`` for the areas meeting ``bbox``, largest area (in view) first."""
    kind = label_level(zoom)
    table, geometry, name, name_en, condition = _SOURCES[kind]
    query = f"""
        SELECT code, name, name_en, ST_X(p), ST_Y(p), ST_XMin(clip), ST_YMin(clip), ST_XMax(clip), ST_YMax(clip)
        FROM (
            SELECT code, {name} AS name, {name_en} AS name_en,
                   CASE WHEN ST_Within({geometry}, v.env) THEN {geometry}
                        ELSE ST_CollectionExtract(ST_Intersection({geometry}, v.env), 3) END AS clip
            FROM {table}, (SELECT ST_MakeEnvelope(%s, %s, %s, %s, {STORAGE_SRID}) AS env) v
            WHERE {condition} AND {geometry} && v.env
        ) q, LATERAL ST_PointOnSurface(clip) p
        WHERE NOT ST_IsEmpty(clip)
        ORDER BY ST_Area(clip) DESC, code
        LIMIT {MAX_LABELS}"""
    with connection.cursor() as cursor:
        cursor.execute(query, list(bbox))
        rows = cursor.fetchall()
    return [Label(kind=kind, code=code, name=name, name_en=name_en, lng=lng, lat=lat, box=tuple(box))
            for code, name, name_en, lng, lat, *box in rows]
