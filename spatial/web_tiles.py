"""Web-map tile arithmetic (the XYZ scheme of Leaflet and OSM, Web Mercator EPSG:3857).

A tile is ``(z, x, y)``: zoom 0–22, ``x`` counted east from longitude −180,
``y`` counted south from latitude +85.0511 (the Mercator limit); each zoom
has ``2**z`` columns and rows of 256 px. Pure arithmetic, no Django.
"""

import math

MAX_ZOOM = 22
TILE_PX = 256


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(min_lng, min_lat, max_lng, max_lat) in WGS84 degrees of tile ``(z, x, y)``.

    Raises ``ValueError`` when the tile does not exist at that zoom.
    """
    n = 2 ** z
    if not (0 <= z <= MAX_ZOOM and 0 <= x < n and 0 <= y < n):
        raise ValueError(f"no tile ({z}, {x}, {y}): zoom 0–{MAX_ZOOM}, x and y 0–{n - 1}")
    return _lng(x, n), _lat(y + 1, n), _lng(x + 1, n), _lat(y, n)


def _lng(x: float, n: int) -> float:
    return x / n * 360.0 - 180.0


def _lat(y: float, n: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))


def tile_of(lng: float, lat: float, z: int) -> tuple[float, float]:
    """Fractional tile coordinates ``(x, y)`` of a WGS84 point at zoom ``z``."""
    n = 2 ** z
    rad = math.radians(lat)
    return (lng + 180.0) / 360.0 * n, (1 - math.asinh(math.tan(rad)) / math.pi) / 2 * n


def fit_zoom(bbox: tuple[float, float, float, float], width_px: int, height_px: int, padding_px: int = 0) -> int:
    """The largest whole zoom at which ``bbox`` fits in a ``width_px`` × ``height_px`` view (Leaflet's fitBounds)."""
    min_lng, min_lat, max_lng, max_lat = bbox
    for z in range(MAX_ZOOM, -1, -1):
        x0, y1 = tile_of(min_lng, min_lat, z)
        x1, y0 = tile_of(max_lng, max_lat, z)
        if ((x1 - x0) * TILE_PX <= width_px - 2 * padding_px
                and (y1 - y0) * TILE_PX <= height_px - 2 * padding_px):
            return z
    return 0


def view_bounds(center: tuple[float, float], z: int, width_px: int, height_px: int) -> tuple[float, float, float, float]:
    """(min_lng, min_lat, max_lng, max_lat) of a ``width_px`` × ``height_px`` view centred on ``center`` (lng, lat)."""
    cx, cy = tile_of(*center, z)
    half_w, half_h = width_px / 2 / TILE_PX, height_px / 2 / TILE_PX
    n = 2 ** z
    return _lng(cx - half_w, n), _lat(cy + half_h, n), _lng(cx + half_w, n), _lat(cy - half_h, n)


def tiles_in_view(center: tuple[float, float], z: int, width_px: int, height_px: int) -> list[tuple[int, int, int]]:
    """The tiles a ``width_px`` × ``height_px`` view centred on ``center`` (lng, lat) at zoom ``z`` shows."""
    cx, cy = tile_of(*center, z)
    half_w, half_h = width_px / 2 / TILE_PX, height_px / 2 / TILE_PX
    n = 2 ** z
    xs = range(max(0, math.floor(cx - half_w)), min(n - 1, math.floor(cx + half_w)) + 1)
    ys = range(max(0, math.floor(cy - half_h)), min(n - 1, math.floor(cy + half_h)) + 1)
    return [(z, x, y) for x in xs for y in ys]
