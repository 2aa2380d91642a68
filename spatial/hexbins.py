"""Hexagon binning of points with H3: the report-density layer of the dashboard.

Axis order is the trap here: h3 takes and returns (lat, lng); shapely and
GeoJSON use (lng, lat). Everything entering or leaving this module is
(lng, lat) in WGS84 (EPSG:4326); the swap happens only at the two h3 calls.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import h3

# Each finer H3 resolution shrinks the hexagon edge by about sqrt(7); each
# web-map zoom level halves the metres per pixel. One resolution step thus
# spans log2(sqrt 7) ≈ 1.40 zoom levels. The offset 1.5 puts resolution 8
# (edge ≈ 530 m) at zoom 13, where a hexagon is ~50 px across: big enough to
# read, small enough to show where reports cluster.
ZOOM_PER_RESOLUTION = math.log2(math.sqrt(7))
ZOOM_OFFSET = 1.5
MIN_RESOLUTION, MAX_RESOLUTION = 0, 15


def resolution_for_zoom(zoom: float) -> int:
    """The H3 resolution to bin at for a web-map zoom level (Leaflet/OSM zoom)."""
    resolution = round((zoom - ZOOM_OFFSET) / ZOOM_PER_RESOLUTION)
    return max(MIN_RESOLUTION, min(MAX_RESOLUTION, resolution))


@dataclass(frozen=True)
class HexBin:
    """One H3 cell with the number of points in it.

    ``ring`` is the cell's outline as a closed (lng, lat) ring in WGS84,
    counter-clockwise (the RFC 7946 exterior-ring winding).
    """

    cell: str
    count: int
    ring: tuple[tuple[float, float], ...]


def _ring_lng_lat(cell: str) -> tuple[tuple[float, float], ...]:
    ring = [(lng, lat) for lat, lng in h3.cell_to_boundary(cell)]  # h3 gives (lat, lng)
    ring.append(ring[0])
    # Shoelace sum: positive = counter-clockwise in (x=lng, y=lat).
    signed = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
    return tuple(ring if signed > 0 else reversed(ring))


def hexbin_counts(points_lng_lat: Iterable[tuple[float, float]], *, resolution: int) -> list[HexBin]:
    """Count (lng, lat) WGS84 points per H3 cell at ``resolution``; busiest cell first, then by cell id."""
    if not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
        raise ValueError(f"H3 resolution must be {MIN_RESOLUTION}–{MAX_RESOLUTION}, got {resolution}")
    counts = Counter(h3.latlng_to_cell(lat, lng, resolution) for lng, lat in points_lng_lat)
    return [HexBin(cell=cell, count=n, ring=_ring_lng_lat(cell))
            for cell, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def hexbins_feature_collection(bins: Iterable[HexBin], *, precision: int = 6) -> dict:
    """The bins as a GeoJSON FeatureCollection (coordinates rounded to ``precision`` decimals)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": b.cell,
         "geometry": {"type": "Polygon",
                      "coordinates": [[[round(x, precision), round(y, precision)] for x, y in b.ring]]},
         "properties": {"cell": b.cell, "count": b.count}}
        for b in bins]}
