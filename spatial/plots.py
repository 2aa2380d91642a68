"""Building plots: a block tiled into one plot per building (enclosed tessellation).

The plot of a building is the part of its block nearer to it than to any
other building of the block (a Voronoi diagram of points along the
footprints, as momepy's enclosed tessellation), with every footprint kept
whole in its own plot. Plots tile the block exactly on the precision grid
(:mod:`spatial.precision`). Everything here is in metres.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Polygon

from spatial.precision import GRID_SIZE_M, polygonal

# Spacing of the generator points along a footprint's outline, metres: fine
# enough that a plot edge runs between neighbouring walls, coarse enough to
# keep the diagram small.
_SAMPLE_STEP_M = 2.0
_CELL_GRID_M = 1e-4
_JITTER_M = 1e-3
# Far above the precision grid (a snap-rounding pixel), far below anything real.
_NEAR_EDGE_M = 1e-6


def block_plots(block: Polygon, claims: np.ndarray) -> list[Polygon] | None:
    """One plot per claim (footprint or a point's small square), tiling ``block``.

    Parameters
    ----------
    block
        The block, metres.
    claims
        Polygons inside the block that do not overlap beyond rounding noise
        (building footprints clipped to the block, or the small squares of
        point buildings).

    Returns
    -------
    list of Polygon or None
        ``plots[i]`` covers ``claims[i]``; the plots' union is the block.
        None when some plot cannot be one polygon holding its claim (e.g.
        overlapping footprints); the caller then splits the block otherwise.
    """
    if len(claims) == 1:
        return [block]
    claims = _disjoint(claims)
    points, owner = _generators(claims)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=block,
                                                       ordered=True))
    if len(cells) != len(points) or not shapely.is_valid(cells).all():
        return None
    # Cells rounded to 0.1 mm first (vertex by vertex: neighbours share
    # their vertices, so they stay edge to edge): raw cells have
    # near-coincident vertices that snap-rounding cannot always node.
    cells = shapely.set_precision(cells, _CELL_GRID_M, mode="pointwise")
    # One vectorised call per step over all plots, not one per plot: on
    # the suburb extract's blocks (1,708 plots) the per-call overhead was
    # about a third of the time.
    plots, untouched = _cells_of_claims(cells, owner, len(claims))
    # Only cells reaching the block's outline are clipped: the rest lie on
    # the 0.1 mm grid already, which the clip would keep as it is.
    crossing = ~shapely.contains_properly(block, plots)
    plots[crossing] = _polygonals(shapely.intersection(plots[crossing], block, grid_size=GRID_SIZE_M))
    # Each plot gives up what other footprints take of it, and takes all of its own.
    claim_tree = shapely.STRtree(claims)
    plot_index, claim_index = claim_tree.query(plots, predicate="intersects")
    reached = np.unique(plot_index[plot_index != claim_index])
    for index in reached:
        others = claim_tree.query(plots[index], predicate="intersects")
        others = others[others != index]
        plots[index] = polygonal(shapely.difference(
            plots[index], shapely.union_all(claims[others], grid_size=GRID_SIZE_M), grid_size=GRID_SIZE_M))
    # A claim inside its own cells adds nothing to them, unless it comes
    # so near their edge that snap-rounding would bend the edge to it.
    inside = shapely.contains_properly(plots, claims) & ~shapely.dwithin(shapely.boundary(plots), claims, _NEAR_EDGE_M)
    plots[~inside] = _polygonals(shapely.union(plots[~inside], claims[~inside], grid_size=GRID_SIZE_M))
    # Untouched cells keep the 0.1 mm precision model set on them, to which
    # later overlays without a grid size (unit adjacency) would snap; an
    # overlay's result has none (floating), and so must these.
    plots[inside] = shapely.set_precision(plots[inside], 0.0, mode="pointwise")
    untouched &= ~crossing & inside
    untouched[reached] = False
    return _settle_fragments(block, plots, claims, untouched)


def _cells_of_claims(cells: np.ndarray, owner: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The union of each claim's Voronoi cells (``count`` geometries, claim by claim), and whether each
    was joined edge to edge (a coverage union: its edges are the cells' own, shared with its neighbours)."""
    order = np.argsort(owner, kind="stable")
    starts = np.searchsorted(owner[order], np.arange(count))
    table = np.full((count, np.bincount(owner, minlength=count).max()), None, dtype=object)
    table[owner[order], np.arange(len(order)) - starts[owner[order]]] = cells[order]
    try:
        return shapely.coverage_union_all(table, axis=1), np.ones(count, dtype=bool)
    except shapely.errors.GEOSException:
        # Cells that do not meet edge to edge: an overlay union of those claims' cells.
        joined = [_union_of_cells(row[row != None]) for row in table]  # noqa: E711
        return np.asarray([j for j, _ in joined], dtype=object), np.asarray([c for _, c in joined], dtype=bool)


def _union_of_cells(cells: np.ndarray) -> tuple:
    try:
        return shapely.coverage_union_all(cells), True
    except shapely.errors.GEOSException:
        return shapely.union_all(cells, grid_size=_CELL_GRID_M), False


def _polygonals(geoms: np.ndarray) -> np.ndarray:
    """:func:`polygonal` of each geometry (most are polygons already)."""
    geoms = np.asarray(geoms, dtype=object)
    mixed = ~np.isin(shapely.get_type_id(geoms), (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON))
    geoms[mixed] = [polygonal(g) for g in geoms[mixed]]
    return geoms


def _disjoint(claims: np.ndarray) -> np.ndarray:
    """Claims with the rounding-noise overlaps of wall-sharing neighbours given to the first of them."""
    claims = claims.copy()
    left, right = shapely.STRtree(claims).query(claims, predicate="overlaps")
    for j in np.unique(right[left < right]):
        earlier = left[(right == j) & (left < j)]
        trimmed = polygonal(shapely.difference(claims[j], shapely.union_all(claims[earlier], grid_size=GRID_SIZE_M),
                                               grid_size=GRID_SIZE_M))
        if not trimmed.is_empty:
            claims[j] = trimmed
    return claims


def _generators(claims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points along each claim's outline and the index of the claim each belongs to (duplicates dropped)."""
    rings = shapely.segmentize(shapely.boundary(claims), _SAMPLE_STEP_M)
    coords, owner = shapely.get_coordinates(rings, return_index=True)
    # Wall-sharing footprints share vertices; a duplicate point would merge two cells.
    _, first = np.unique(np.round(coords, 6), axis=0, return_index=True)
    first.sort()
    # GEOS builds self-intersecting cells from many cocircular points (the
    # evenly spaced points of a square); a fixed sub-millimetre jitter
    # breaks the ties, the same on every run.
    jitter = np.random.default_rng(0).uniform(-_JITTER_M, _JITTER_M, size=(len(first), 2))
    return coords[first] + jitter, owner[first]


def _settle_fragments(block: Polygon, plots: np.ndarray, claims: np.ndarray,
                      untouched: np.ndarray) -> list[Polygon] | None:
    """Give every piece of open space not attached to its plot's claim, and any gap, to a neighbour.

    A Voronoi cell cut by other footprints can fall apart; the pieces away
    from the claim join the plot they share the longest edge with.
    ``untouched`` marks the plots that are still their claim's cells joined
    edge to edge (no overlay since).
    """
    # The gap before loose pieces are taken off their plots: they would
    # otherwise lie in the gap too and be handed out twice (two plots
    # overlapping by 3,268 m² on a suburban extract).
    gap = polygonal(shapely.difference(block, _union_of_plots(plots, untouched), grid_size=GRID_SIZE_M))
    loose: list[Polygon] = []
    for index in np.flatnonzero(shapely.get_type_id(plots) != shapely.GeometryType.POLYGON):
        parts = shapely.get_parts(plots[index])
        keep = int(np.argmax(shapely.area(shapely.intersection(parts, claims[index])))) if len(parts) > 1 else 0
        plots[index] = parts[keep]
        loose.extend(p for k, p in enumerate(parts) if k != keep)
    loose.extend(shapely.get_parts(gap))
    # Largest first: a small piece may touch only a larger loose one.
    pending = sorted((p for p in loose if p.area > 0), key=lambda p: -p.area)
    # Only plots whose bounding box meets a piece's can share an edge with it.
    bounds = shapely.bounds(plots)
    for _ in range(len(pending) + 1):
        if not pending:
            break
        still = []
        for piece in pending:
            x0, y0, x1, y1 = piece.bounds
            near = np.flatnonzero((bounds[:, 0] <= x1) & (bounds[:, 2] >= x0) & (bounds[:, 1] <= y1) & (bounds[:, 3] >= y0))
            shared = shapely.length(shapely.intersection(piece.boundary, shapely.boundary(plots[near])))
            if not near.size or shared.max() <= 0:
                still.append(piece)
                continue
            best = near[np.argmax(shared)]
            merged = shapely.union(plots[best], piece, grid_size=GRID_SIZE_M)
            if merged.geom_type == "Polygon":
                plots[best] = merged
                bounds[best] = merged.bounds
            else:
                still.append(piece)
        if len(still) == len(pending):
            return None
        pending = still
    if pending or any(p.geom_type != "Polygon" for p in plots):
        return None
    return list(plots)


def _union_of_plots(plots: np.ndarray, untouched: np.ndarray):
    """The plots' union on the precision grid.

    Untouched plots meet edge to edge, so a coverage union joins them
    first; the overlay then takes that and the rest (the overlay of every
    plot took twice as long on the suburb extract's blocks, with the same
    gaps on every extract and 640 random communities). The vertices the
    coverage union drops lie inside the untouched plots, away from the
    others' edges: they would bend none of those in the overlay.
    """
    if untouched.sum() < 2:
        return shapely.union_all(plots, grid_size=GRID_SIZE_M)
    try:
        joined = shapely.coverage_union_all(plots[untouched])
    except shapely.errors.GEOSException:
        return shapely.union_all(plots, grid_size=GRID_SIZE_M)
    return shapely.union_all(np.append(plots[~untouched], np.asarray([joined], dtype=object)), grid_size=GRID_SIZE_M)
