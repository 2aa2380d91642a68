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

import shapely

GRID_SIZE_M = 1e-9


def polygonal(geom):
    """``geom`` without the lines and points an overlay may leave beside its polygons."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = shapely.get_parts(geom)
    return shapely.union_all(parts[shapely.get_type_id(parts) == 3], grid_size=GRID_SIZE_M)
