"""The fixed precision grid every overlay of the partitioner snaps to.

Two grids that share an edge must share its vertices exactly. Floating-point
overlays do not guarantee that: ``intersection(P, H)`` and ``P - piece`` can
put the same cut vertex 1e-14 m apart, and GEOS predicates on such
near-coincident edges can then misjudge a whole polygon as overlapping its
neighbour. With a fixed grid, OverlayNG snap-rounds every result: all
vertices lie on the grid and an edge passing within half a cell of a vertex
is noded through it, so neighbours share vertices exactly.

1e-9 m is far above the floating-point error of coordinates of a few
kilometres (~1e-13 m) and far below anything a map shows; rounding a
community outline to it changes its area by ~1e-12 of itself.

Snap-rounding can also collapse a sliver of a result into a line or a
point beside its polygons; :func:`polygonal` drops those, as GEOS refuses a
mixed-dimension collection as the input of the next overlay.
"""

import numpy as np
import shapely

GRID_SIZE_M = 1e-9


def polygonal(geom):
    """``geom`` without the lines and points an overlay may leave beside its polygons."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = shapely.get_parts(geom)
    return shapely.union_all(parts[shapely.get_type_id(parts) == 3], grid_size=GRID_SIZE_M)


# Vertices of neighbouring grids closer than this (metres) are one vertex: far above the grid, far below any
# real feature.
_NODING_TOLERANCE_M = 1e-6


def noded_coverage(polygons):
    """The polygons as a clean coverage: shared edges identical vertex for vertex, no overlaps.

    Overlays leave T-junctions (a vertex of one grid in the middle of its neighbour's edge, never exactly
    on it in floating point) and needles a nanometre wide (an edge out and back, 161 m long on one Yuexiu
    grid), so a point there could lie in two grids or in none. GEOS's coverage cleaner (``coverage_clean``)
    snaps vertices closer than ``_NODING_TOLERANCE_M``, nodes the shared edges and gives an overlap to one
    neighbour: of the Yuexiu demo's 222 communities, 30 were no valid coverage (``coverage_is_valid``)
    before, none after. Should cleaning leave a grid anything but one valid Polygon, the polygons are
    returned as they are, for the invariant check to judge.

    Where the only flaws are T-junctions (exact straight cuts, :mod:`spatial.line_split`, leave one at
    each end of a cut), snapping every grid to all the grids' vertices inserts the missing vertex into
    the neighbour's edge, at half the cleaner's cost; that result is taken only when it is a valid
    coverage of valid polygons (222 of the Yuexiu demo's 223 community parts), else the cleaner runs.

    Parameters
    ----------
    polygons : sequence of Polygon, metres

    Returns
    -------
    list of Polygon, in the input order.
    """
    geoms = np.asarray(list(polygons), dtype=object)
    if len(geoms) < 2:
        return list(geoms)
    snapped = shapely.snap(geoms, shapely.multipoints(shapely.get_coordinates(geoms)), _NODING_TOLERANCE_M)
    if shapely.is_valid(snapped).all() and (shapely.get_type_id(snapped) == 3).all() and \
            shapely.coverage_is_valid(snapped):
        return list(snapped)
    try:
        cleaned = shapely.coverage_clean(geoms, snapping_distance=_NODING_TOLERANCE_M)
    except shapely.errors.GEOSException:  # input GEOS cannot node: judged by the check as it is
        return list(geoms)
    if not ((shapely.get_type_id(cleaned) == 3) & shapely.is_valid(cleaned)).all():
        return list(geoms)
    return list(cleaned)
