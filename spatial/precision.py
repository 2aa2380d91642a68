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


# A vertex of a neighbour closer than this to an edge is inserted into it
# (metres): far above the grid, far below any real feature.
_NODING_TOLERANCE_M = 1e-6


def node_shared_vertices(polygons):
    """The polygons with every neighbour's vertex that lies on their edges inserted.

    Grids built by overlays can meet at a T-junction: a vertex of one grid
    in the middle of its neighbour's edge. In floating point that vertex is
    never exactly on the edge, so a point there could lie in both grids or
    in neither. With the vertex in both, shared edges are identical vertex
    for vertex (a noded coverage). Polygons are snapped only to the
    vertices of polygons touching them; a snap that would make a polygon
    invalid is not applied.

    Parameters
    ----------
    polygons : sequence of Polygon, metres

    Returns
    -------
    list of Polygon, in the input order.
    """
    geoms = list(polygons)
    if len(geoms) < 2:
        return geoms
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    vertex_tree = shapely.STRtree(shapely.points(coords))
    # Every polygon's nearby vertices in one query: (polygon, vertex) pairs, by polygon.
    polygon_index, vertex_index = vertex_tree.query(np.asarray(geoms, dtype=object), predicate="dwithin",
                                                    distance=_NODING_TOLERANCE_M)
    foreign = owner[vertex_index] != polygon_index
    polygon_index, vertex_index = polygon_index[foreign], vertex_index[foreign]
    noded = list(geoms)
    for index in np.unique(polygon_index):
        near = vertex_index[polygon_index == index]
        snapped = shapely.snap(geoms[index], shapely.multipoints(coords[near]), _NODING_TOLERANCE_M)
        if snapped.is_valid and snapped.geom_type == "Polygon":
            noded[index] = snapped
    return noded
