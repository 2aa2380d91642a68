"""Grids grown from the city's own blocks: road blocks, then building plots.

One community part is tiled into *units*, then units are grouped into grids:

1. Units are the part's enclosures (faces bounded by roads, waterways,
   railways and the outline, :func:`spatial.cutlines.road_blocks`); blocks a
   footprint straddles are joined, so a building is never cut.
2. A unit holding more households than the cap ``T`` (or an oversize
   building beside others) is tiled into building plots
   (:func:`spatial.plots.block_plots`); if that fails the unit is split by the
   recursive bisection of :mod:`spatial.bisection` instead.
3. Units are grouped into grids on their edge-adjacency graph (networkx)
   by :func:`spatial.unit_groups.group_units`: region growing to the mean
   of a few grid counts, merging and dissolving light grids, the fewest and
   most even grids kept. A plot of one building (or one stack of buildings
   lying on one another, :mod:`spatial.stacking`) above ``T`` is a grid
   alone (only empty land may join it).

Our own polygonize and Voronoi are kept over ``momepy.enclosures`` and
``momepy.enclosed_tessellation`` (measured by ``bench/grids.py
--compare-momepy``). Enclosures: the same 38 faces on the suburb extract
(83 % of the area alike on Aguascalientes), a few milliseconds either way,
while importing momepy and geopandas costs ~1.4 s of CPU per process.
Tessellation of the suburb's blocks above the cap: ours 1.5 s of CPU
(~0.95 s since its steps run vectorised: 0.62 of the former's time side by
side on one machine, the same plots), momepy 2.4–2.9 s, and 9 of momepy's
cells are in several parts; with ``shrink=0`` its cells overlap by 876 m²,
with the default 0.4 13 footprints are cut, where the generator needs an exact tiling with every
footprint whole. On point buildings (Yuexiu, 1 m squares) the two tie.

The cap holds by construction: a group never grows past ``T`` unless it is
one oversize building or stack. Grid edges between whole blocks lie on roads.
"""

from __future__ import annotations


import networkx as nx
import numpy as np
import shapely
from shapely.geometry import Polygon

from spatial.bisection import BuildingArrays, Leaf, bisect_part
from spatial.plots import block_plots
from spatial.precision import GRID_SIZE_M
from spatial.unit_groups import group_units

# Shared edges shorter than this (metres) are corner touches, not adjacency.
_MIN_SHARED_M = 1e-3
# Footprints overlapping by more than this (m²) are one plot; less is noise.
_MIN_OVERLAP_M2 = 1e-4


def block_part(
    part: Polygon,
    members: np.ndarray,
    blocks: list[Polygon],
    buildings: BuildingArrays,
    households: np.ndarray,
    target_households: int,
    min_width_m: float,
    plots_only: bool = False,
) -> list[Leaf]:
    """Grids of one connected community part, grown from its blocks.

    Parameters are as for :func:`spatial.bisection.bisect_part`, plus
    ``households``, the real households of every building (``buildings.weight``
    is capped at ``T``), and ``plots_only``: a block that cannot be tiled
    into plots stays whole rather than being cut straight. Returns grids tiling ``part``, each ≤ ``T``
    households unless it holds one oversize building, or one oversize stack (:mod:`spatial.stacking`), and
    nothing else.
    """
    units = _units(part, members, blocks, buildings, households, target_households, min_width_m, plots_only)
    polygons = np.asarray([u.polygon for u in units], dtype=object)
    unit_households = np.array([households[u.members].sum() for u in units], dtype=np.int64)
    graph = _adjacency(polygons)
    buildings_in = np.array([len(u.members) for u in units])
    stacks_in = np.array([len(np.unique(buildings.stack[u.members])) for u in units])
    groups = group_units(graph, shapely.get_coordinates(shapely.point_on_surface(polygons)), shapely.length(polygons),
                         unit_households, (stacks_in == 1) & (unit_households > target_households),
                         target_households, buildings_in)
    leaves = []
    for group in groups:
        polygon = shapely.union_all(polygons[sorted(group)], grid_size=GRID_SIZE_M)
        member_ids = np.sort(np.concatenate([units[i].members for i in group]).astype(int))
        leaves.append(Leaf(polygon, member_ids))
    return leaves


def _units(part, members, blocks, buildings, households, target, min_width_m, plots_only) -> list[Leaf]:
    """Blocks (joined where a footprint straddles them), each tiled into plots when too heavy for one grid."""
    blocks = _join_straddled(np.asarray(blocks, dtype=object), buildings.claims[members])
    ref_points = shapely.points(buildings.ref_xy[members])
    tree = shapely.STRtree(blocks)
    block_of = np.full(len(members), -1)
    hit_point, hit_block = tree.query(ref_points, predicate="intersects")
    # A reference point on a shared edge belongs to the first block that has it.
    for point_index, block_index in zip(hit_point[::-1], hit_block[::-1]):
        block_of[point_index] = block_index
    if (block_of < 0).any():
        nearest = tree.query_nearest(ref_points[block_of < 0], all_matches=False)[1]
        block_of[block_of < 0] = nearest
    units: list[Leaf] = []
    for index, block in enumerate(blocks):
        inside = members[block_of == index]
        stacks, stack_of = np.unique(buildings.stack[inside], return_inverse=True)
        stack_households = np.bincount(stack_of, weights=households[inside])
        oversize_beside_others = len(stacks) > 1 and (stack_households > target).any()
        if (households[inside].sum() <= target and not oversize_beside_others) or len(stacks) <= 1:
            units.append(Leaf(block, inside))
            continue
        clusters = overlapping_clusters(buildings.claims[inside], buildings.stack[inside])
        claims = np.asarray([shapely.union_all(buildings.claims[inside[c]], grid_size=GRID_SIZE_M)
                             for c in clusters], dtype=object)
        try:
            plots = block_plots(block, claims)
        except shapely.errors.GEOSException:
            plots = None  # an overlay GEOS cannot node: straight cuts instead
        if plots is None and plots_only:
            units.append(Leaf(block, inside))  # the caller's check names it
        elif plots is None:
            units.extend(bisect_part(block, inside, [block], buildings, target, min_width_m))
        else:
            units.extend(Leaf(plot, np.sort(inside[c])) for c, plot in zip(clusters, plots))
    return units


def over_cap(leaf: Leaf, households: np.ndarray, target: int, stack: np.ndarray) -> bool:
    """Whether a grid breaks the cap: above ``target`` and not one oversize building or stack alone."""
    return households[leaf.members].sum() > target and len(np.unique(stack[leaf.members])) > 1


def within_cap(leaves: list[Leaf], buildings: BuildingArrays, households: np.ndarray, target: int,
               min_width_m: float) -> list[Leaf]:
    """Leaves with every one above the cap regrown from its building plots.

    Straight cuts (bisection) can leave a grid above the cap when no cut
    packs; plots of single buildings always fit, so the cap then holds.
    """
    result = []
    for leaf in leaves:
        if over_cap(leaf, households, target, buildings.stack):
            result.extend(block_part(leaf.polygon, leaf.members, [leaf.polygon], buildings, households, target,
                                     min_width_m, plots_only=True))
        else:
            result.append(leaf)
    return result


def overlapping_clusters(claims: np.ndarray, stack: np.ndarray) -> list[np.ndarray]:
    """Groups of claims that overlap one another (real footprints do) or are of one stack: each group stays
    in one plot."""
    graph = nx.Graph()
    graph.add_nodes_from(range(len(claims)))
    first_of_stack: dict[int, int] = {}
    for index, label in enumerate(stack.tolist()):
        if first_of_stack.setdefault(label, index) != index:
            graph.add_edge(first_of_stack[label], index)
    left, right = shapely.STRtree(claims).query(claims, predicate="overlaps")
    # Wall-sharing footprints overlap by rounding noise only; they stay apart.
    shared_m2 = shapely.area(shapely.intersection(claims[left], claims[right]))
    real = shared_m2 > _MIN_OVERLAP_M2
    graph.add_edges_from(zip(left[real].tolist(), right[real].tolist()))
    return [np.asarray(sorted(c)) for c in sorted(nx.connected_components(graph), key=min)]


def _join_straddled(blocks: np.ndarray, claims: np.ndarray) -> np.ndarray:
    """Blocks with every pair a footprint overlaps (beyond noise) joined into one."""
    if len(blocks) == 1 or len(claims) == 0:
        return blocks
    graph = nx.Graph()
    graph.add_nodes_from(range(len(blocks)))
    claim_index, block_index = shapely.STRtree(blocks).query(claims, predicate="intersects")
    # A claim meeting one block alone joins nothing: no overlay for it.
    several = np.bincount(claim_index, minlength=len(claims))[claim_index] > 1
    claim_index, block_index = claim_index[several], block_index[several]
    overlap = shapely.area(shapely.intersection(claims[claim_index], blocks[block_index], grid_size=GRID_SIZE_M))
    hits: dict[int, list[int]] = {}
    for c, b, area in zip(claim_index, block_index, overlap):
        if area > 1e-6:
            hits.setdefault(int(c), []).append(int(b))
    for touched in hits.values():
        graph.add_edges_from(zip(touched, touched[1:]))
    joined = []
    for component in sorted(nx.connected_components(graph), key=min):
        parts = blocks[sorted(component)]
        joined.append(parts[0] if len(parts) == 1 else shapely.union_all(parts, grid_size=GRID_SIZE_M))
    return np.asarray(joined, dtype=object)


def _adjacency(polygons: np.ndarray) -> nx.Graph:
    """Units as nodes; an edge (weight = shared length, metres) where two share a boundary."""
    graph = nx.Graph()
    graph.add_nodes_from(range(len(polygons)))
    # Not "touches": neighbouring plots may overlap by rounding noise (1e-7 m²), which touches refuses.
    left, right = shapely.STRtree(polygons).query(polygons, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    # Half the outline the pair loses when joined: robust where the two
    # overlap or part by rounding noise along their edge (the length of the
    # boundaries' intersection is then ~0).
    lengths = shapely.length(polygons)
    shared = (lengths[left] + lengths[right] - shapely.length(shapely.union(polygons[left], polygons[right]))) / 2.0
    for i, j, length in zip(left, right, shared):
        if length > _MIN_SHARED_M:
            graph.add_edge(int(i), int(j), length=float(length))
    return graph
