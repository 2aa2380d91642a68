"""Partition a community (社区) into grids (网格) of at most ~200 households.

Grids are built on buildings and households, not on area: each grid gets
one grid worker, so households per grid are capped at ``target_households``
(``T``) and balanced, while grid edges follow roads where they can and grids
stay compact. Pure geometry: shapely in, shapely out, all in the caller's
metric CRS (metres; see :mod:`spatial.projection` to get there from WGS84).

The method, in order:

1. Each building gets a reference point (the point itself, or a point on the
   surface of its footprint within the community) and a *claim*, the area it
   must keep whole: its footprint clipped to the community, or a square of
   up to 0.2 m around a point (so a point lying on a cut ends up inside
   exactly one grid rather than on the edge of two).
2. A MultiPolygon community is handled part by part; each building belongs
   to the part its reference point lies in.
3. Each part is cut into road blocks by ``cut_lines_m``
   (:mod:`spatial.cutlines`); blocks thinner than ``min_width_m`` are merged
   into a neighbour.
4. Each part needing ``n = ceil(H / T)`` grids is split by recursive weighted
   bisection (:mod:`spatial.bisection`): road-block groupings and cuts along
   road segments first, then cuts that a packing search
   (:mod:`spatial.packing`) proves leave every side packable into its
   grids, other straight cuts last; light neighbours are merged at the end.
5. Grids are numbered west→east, north→south (:mod:`spatial.grid_codes`).

Households: a building above ``T`` counts as exactly ``T`` while splitting,
so it fills a grid of its own; it is reported in ``oversize_building_ids``.
Buildings lying on one another (an outline mapped twice, one point per flat:
a *stack*, :mod:`spatial.stacking`) are kept in one grid and count as one
building: a stack above ``T`` fills a grid of its own too.

Known limits: grids are contiguous groups of whole buildings, so with large
buildings (tens of households each) the count can exceed ``ceil(H / T)``
(by 1% on the Yuexiu demo, 6–100 households per building); two
buildings closer than ``min_width_m`` that must go to different grids force
a grid thinner than ``min_width_m`` (the cap wins); footprints overlapping
by less than half the smaller one (not a stack) are not supported by the
bisection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from spatial.bisection import POINT_CLAIM_HALF_M, BuildingArrays, bisect_part
from spatial.block_partition import block_part, within_cap
from spatial.cutlines import road_blocks
from spatial.grid_codes import sequence_numbers
from spatial.grid_quality import DEFAULT_MIN_WIDTH_M
from spatial.precision import GRID_SIZE_M, noded_coverage, polygonal
from spatial.stacking import stack_labels


@dataclass(frozen=True)
class BuildingInput:
    """A building to place in a grid.

    Attributes
    ----------
    id
        The caller's identifier, returned in ``GridPiece.building_ids``.
    geometry
        A Point or a footprint Polygon, in the same metric CRS as the
        community (metres).
    households
        Households (户) living in it; 0 for non-residential buildings.
    """

    id: int | str
    geometry: Point | Polygon
    households: int


@dataclass
class GridPiece:
    """One grid of the partition.

    Attributes
    ----------
    polygon
        The grid, metres.
    building_ids
        Ids of the buildings in it, in input order.
    households
        Their total households.
    sequence
        1-based number within the community, west→east, north→south.
    """

    polygon: Polygon
    building_ids: tuple
    households: int
    sequence: int


@dataclass
class PartitionResult:
    """The grids of one community.

    Attributes
    ----------
    grids
        Grids in sequence order.
    oversize_building_ids
        Buildings with more households than the target, or in a stack that
        has more; each such building or stack fills a grid of its own (that
        grid is then above the target, unavoidably).
    target_households
        The cap the partition was built for.
    """

    grids: list[GridPiece]
    oversize_building_ids: tuple
    target_households: int

    @property
    def polygons(self) -> list[Polygon]:
        """The grid polygons in sequence order, metres."""
        return [grid.polygon for grid in self.grids]


def partition_community(
    boundary_m: Polygon | MultiPolygon,
    buildings: Sequence[BuildingInput],
    *,
    target_households: int = 200,
    cut_lines_m: Sequence[LineString] = (),
    min_width_m: float = DEFAULT_MIN_WIDTH_M,
    method: str = "auto",
) -> PartitionResult:
    """Divide a community into grids of at most ``target_households`` households.

    Parameters
    ----------
    boundary_m
        The community outline, metres (a metric CRS with y north); holes and
        several parts allowed. Each part gets its own grids.
    buildings
        The buildings, same CRS. Each must at least touch the community.
    target_households
        Cap ``T`` on households per grid (200 in Guangzhou's standard).
    cut_lines_m
        Roads, rivers or walls grid edges should follow, same CRS.
    min_width_m
        No grid narrower than this (metres), unless the community part it
        lies in is.
    method
        ``"blocks"``: grids grown from road blocks and building plots
        (:mod:`spatial.block_partition`); ``"bisection"``: recursive straight
        cuts (:mod:`spatial.bisection`); ``"auto"``: blocks for a part with
        roads, bisection for a part without, where bisection wins
        (``bench/grids.py --compare-roadless``: on the Yuexiu demo 2,119
        grids, CV 0.05, Polsby-Popper 0.66 against 2,328, CV 0.15, 0.59 and
        ~3x the CPU; on the suburb extract without its roads 20 grids, CV
        0.007, 0.58 against 21, CV 0.17, 0.50 and ~20x the CPU).

    Returns
    -------
    PartitionResult
        Grids tiling the community exactly, in sequence order.

    Raises
    ------
    ValueError
        If the boundary is empty or invalid, ``target_households`` is below
        1, a building id repeats, households are negative, or a building lies
        wholly outside the community (the message names the ids).
    """
    _validate(boundary_m, buildings, target_households)
    boundary_on_grid = shapely.set_precision(boundary_m, GRID_SIZE_M)
    arrays = _building_arrays(boundary_on_grid, buildings, target_households)
    parts = list(shapely.get_parts(boundary_on_grid))
    part_of = _part_of(arrays.ref_xy, parts)
    if len(parts) > 1:
        # A footprint reaching into another part cannot be kept whole there.
        arrays.claims[:] = _polygonal(
            shapely.intersection(arrays.claims, np.asarray(parts, dtype=object)[part_of], grid_size=GRID_SIZE_M)
        )
    if method not in ("auto", "blocks", "bisection"):
        raise ValueError(f"method must be auto, blocks or bisection, got {method!r}")
    road_segments = _segments(cut_lines_m)
    households = np.asarray([b.households for b in buildings], dtype=np.int64)
    leaves = []
    for index, part in enumerate(parts):
        members = np.flatnonzero(part_of == index)
        blocks = road_blocks(part, cut_lines_m, min_width_m)
        # Without roads, plots grouped by households lose to bisection on
        # balance, compactness and time (measured, see ``method`` above).
        use_blocks = method == "blocks" or (method == "auto" and len(blocks) > 1)
        if use_blocks:
            leaves.extend(block_part(part, members, blocks, arrays, households, target_households, min_width_m))
        else:
            leaves.extend(bisect_part(part, members, blocks, arrays, target_households, min_width_m,
                                      road_segments))

    leaves = within_cap(leaves, arrays, households, target_households, min_width_m)
    polygons = noded_coverage([leaf.polygon for leaf in leaves])
    sequences = sequence_numbers(polygons)
    grids = sorted(
        (
            GridPiece(
                polygon=polygon,
                building_ids=tuple(buildings[i].id for i in leaf.members),
                households=int(households[leaf.members].sum()),
                sequence=sequence,
            )
            for leaf, polygon, sequence in zip(leaves, polygons, sequences)
        ),
        key=lambda grid: grid.sequence,
    )
    stack_households = np.bincount(arrays.stack, weights=households, minlength=len(buildings))[arrays.stack]
    oversize = tuple(b.id for b, h in zip(buildings, stack_households) if h > target_households)
    return PartitionResult(grids, oversize, target_households)


def _validate(
    boundary_m: Polygon | MultiPolygon, buildings: Sequence[BuildingInput], target_households: int
) -> None:
    if boundary_m.is_empty or boundary_m.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"community boundary must be a non-empty (Multi)Polygon, got {boundary_m.geom_type}")
    if not boundary_m.is_valid:
        raise ValueError(f"community boundary is invalid: {shapely.is_valid_reason(boundary_m)}")
    if target_households < 1:
        raise ValueError(f"target_households must be at least 1, got {target_households}")
    ids = [b.id for b in buildings]
    if len(set(ids)) != len(ids):
        repeated = sorted({str(i) for i in ids if ids.count(i) > 1})
        raise ValueError(f"building ids repeat: {', '.join(repeated)}")
    negative = [str(b.id) for b in buildings if b.households < 0]
    if negative:
        raise ValueError(f"buildings with negative households: {', '.join(negative)}")


def _building_arrays(
    boundary_m: Polygon | MultiPolygon, buildings: Sequence[BuildingInput], target_households: int
) -> BuildingArrays:
    geoms = np.asarray([b.geometry for b in buildings] or [], dtype=object)
    is_point = shapely.get_type_id(geoms) == 0
    xy = shapely.get_coordinates(geoms[is_point])
    half_m = _point_claim_half_sizes(geoms[is_point])
    squares = shapely.box(xy[:, 0] - half_m, xy[:, 1] - half_m, xy[:, 0] + half_m, xy[:, 1] + half_m)
    claims = geoms.copy()
    claims[~is_point] = shapely.set_precision(geoms[~is_point], GRID_SIZE_M)
    # Rounding a square's corners keeps it a valid square (its side is far above the grid).
    claims[is_point] = shapely.set_precision(squares, GRID_SIZE_M, mode="pointwise")
    shapely.prepare(boundary_m)
    # Clip only what sticks out; most buildings lie well inside.
    outside = ~shapely.covers(boundary_m, claims)
    claims[outside] = _polygonal(shapely.intersection(claims[outside], boundary_m, grid_size=GRID_SIZE_M))
    empty = shapely.is_empty(claims) | (shapely.area(claims) == 0)
    if empty.any():
        ids = ", ".join(str(buildings[i].id) for i in np.flatnonzero(empty))
        raise ValueError(f"buildings outside the community: {ids}")

    ref_points = shapely.point_on_surface(claims)
    # A point building keeps its own position as long as it is in the community.
    inside_points = is_point & shapely.covers(boundary_m, geoms)
    ref_points[inside_points] = geoms[inside_points]
    stack = stack_labels(geoms)
    households = np.asarray([b.households for b in buildings], dtype=float)
    # A stack counts as one building: its first carries its households (at most T), the others nothing.
    weight = np.zeros(len(buildings))
    np.add.at(weight, stack, households)
    return BuildingArrays(
        ref_xy=shapely.get_coordinates(ref_points[stack]).reshape(-1, 2),
        weight=np.minimum(weight, target_households),
        claims=claims,
        stack=stack,
    )


def _segments(lines: Sequence[LineString]) -> np.ndarray:
    """The straight segments of the cut lines, as an (M, 2, 2) array of end points, metres."""
    pieces = []
    for line in shapely.get_parts(np.asarray(list(lines), dtype=object)):
        coords = shapely.get_coordinates(line)
        if len(coords) >= 2:
            pieces.append(np.stack([coords[:-1], coords[1:]], axis=1))
    return np.concatenate(pieces) if pieces else np.zeros((0, 2, 2))


def _point_claim_half_sizes(points: np.ndarray) -> np.ndarray:
    """Half sides of the squares point buildings claim, metres.

    ``POINT_CLAIM_HALF_M``, shrunk to a third of the distance to the nearest
    other building point, so the squares of close points never overlap and a
    cut can still pass between them. Points at the very same spot stay
    inseparable.
    """
    half_m = np.minimum(POINT_CLAIM_HALF_M, _nearest_other_spot(shapely.get_coordinates(points)) / 3.0)
    return np.maximum(half_m, GRID_SIZE_M * 100)


@numba.njit(cache=True)
def _nearest_other_spot(xy):
    """(n,) distance from each point of ``xy`` (n, 2) to the nearest point at another spot; inf if none.

    A sweep along x, each point scanning both ways until the x gap alone is
    beyond its nearest so far: the communities' hundreds of points cost
    microseconds, where a tree's set-up and GEOS's equality tests cost more.
    """
    n = xy.shape[0]
    order = np.argsort(xy[:, 0], kind="mergesort")
    xs, ys = xy[order, 0], xy[order, 1]
    nearest = np.full(n, np.inf)
    for a in range(n):
        best = np.inf
        for step in (1, -1):
            b = a + step
            while 0 <= b < n and abs(xs[b] - xs[a]) < best:
                d = np.hypot(xs[b] - xs[a], ys[b] - ys[a])
                if 0.0 < d < best:
                    best = d
                b += step
        nearest[order[a]] = best
    return nearest


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Drop the lines and points a clip leaves where a footprint touches the outline."""
    result = geoms.copy()
    for index in np.flatnonzero(shapely.get_type_id(geoms) == 7):  # GeometryCollection
        result[index] = polygonal(geoms[index])
    return result


def _part_of(ref_xy: np.ndarray, parts: list[Polygon]) -> np.ndarray:
    """Index of the community part each reference point lies in (first on a tie)."""
    points = shapely.points(ref_xy)
    distances = np.stack([shapely.distance(part, points) for part in parts]) if parts else np.zeros((1, 0))
    return np.argmin(distances, axis=0) if len(points) else np.zeros(0, dtype=int)



def load_kernels() -> None:
    """Compile the bisection's numba kernels (first run after an install) or load them from their cache.

    Set-up calls it once, so no process compiles on its first generation;
    loading still costs each process about a second of CPU, once. Cuts a
    200 × 100 m community with nine 70-household buildings, points and a
    footprint, into grids.
    """
    buildings = [BuildingInput(id=i, geometry=Point(10.0 + 20.0 * i, 50.0), households=70) for i in range(8)]
    buildings.append(BuildingInput(id=8, geometry=shapely.box(180.0, 40.0, 195.0, 60.0), households=70))
    partition_community(shapely.box(0.0, 0.0, 200.0, 100.0), buildings, method="bisection")
