"""Split a polygon into parts of given area shares (recursive bisection).

Used to build approximate street and community boundaries for a demo district
whose real subdivisions are not public. Work in a metric CRS (metres); the
parts tile the input exactly because each cut yields ``intersection`` and
``difference`` of the same half-plane box.
"""

from collections.abc import Sequence

from shapely import box, get_parts, union_all
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

AREA_TOLERANCE = 1e-6  # relative: binary search stops when shares match this well
# Overlays snap-round to this grid (metres) so that the two sides of a cut get
# the very same noded vertices: floating overlays otherwise leave slivers of
# millimetres between neighbours.
GRID_SIZE_M = 1e-3


def _cut(geom: BaseGeometry, axis: int, position: float) -> tuple[BaseGeometry, BaseGeometry]:
    minx, miny, maxx, maxy = geom.bounds
    pad = max(maxx - minx, maxy - miny)
    if axis == 0:
        low = box(minx - pad, miny - pad, position, maxy + pad)
    else:
        low = box(minx - pad, miny - pad, maxx + pad, position)
    return geom.intersection(low, grid_size=GRID_SIZE_M), geom.difference(low, grid_size=GRID_SIZE_M)


def split_by_area_shares(geom: Polygon | MultiPolygon, shares: Sequence[float]) -> list[BaseGeometry]:
    """Cut ``geom`` into ``len(shares)`` parts whose areas are proportional to ``shares``.

    Each step splits the share list in two halves and cuts across the longer
    side of the bounding box at the position (found by bisection) that gives
    the first half its area. Parts come out in the order of ``shares``, their
    vertices on a 1 mm grid; a part may be a MultiPolygon when the input is
    strongly non-convex.

    Parameters
    ----------
    geom : Polygon or MultiPolygon
        In a metric CRS.
    shares : sequence of float
        Positive weights, one per part.
    """
    if len(shares) == 1:
        return [geom]
    half = len(shares) // 2
    fraction = sum(shares[:half]) / sum(shares)
    minx, miny, maxx, maxy = geom.bounds
    axis = 0 if (maxx - minx) >= (maxy - miny) else 1
    low, high = (minx, maxx) if axis == 0 else (miny, maxy)
    target = fraction * geom.area
    for _ in range(200):
        middle = (low + high) / 2
        first, _second = _cut(geom, axis, middle)
        if abs(first.area - target) <= AREA_TOLERANCE * geom.area:
            break
        if first.area < target:
            low = middle
        else:
            high = middle
    first, second = _reattach_fragments(*_cut(geom, axis, middle))
    return split_by_area_shares(first, shares[:half]) + split_by_area_shares(second, shares[half:])


def _reattach_fragments(first: BaseGeometry, second: BaseGeometry) -> tuple[BaseGeometry, BaseGeometry]:
    """Give each side's detached fragments to the other side when they share an edge with it.

    A straight cut across a concave outline can leave a side in several
    pieces; an area made of pieces is a poor street or community. Shares
    drift by the fragments' area, which a demo layout tolerates.
    """
    for _ in range(2):
        first, second = _move_fragments(first, second)
        second, first = _move_fragments(second, first)
    return first, second


def _move_fragments(source: BaseGeometry, target: BaseGeometry) -> tuple[BaseGeometry, BaseGeometry]:
    parts = sorted(get_parts(source), key=lambda part: part.area, reverse=True)
    if len(parts) < 2:
        return source, target
    kept, moved = [parts[0]], []
    for fragment in parts[1:]:
        shares_edge = fragment.intersection(target, grid_size=GRID_SIZE_M).length > 0
        (moved if shares_edge else kept).append(fragment)
    if not moved:
        return source, target
    return union_all(kept, grid_size=GRID_SIZE_M), union_all([target, *moved], grid_size=GRID_SIZE_M)
