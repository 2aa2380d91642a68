"""Measures of a grid partition: compactness, balance, road alignment, tiling.

All geometries are in one metric CRS (metres, areas in square metres).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon

from spatial.precision import GRID_SIZE_M
from spatial.stacking import stack_labels

DEFAULT_MIN_WIDTH_M = 10.0
"""Narrowest a grid may be, in metres: a grid with no disc of this diameter
inside it is a sliver (a strip along a wall or a road, not a grid)."""

# Shapes that are the same up to floating-point noise of the overlay
# operations (~1e-12 relative) pass; a missed or doubled block never does.
_TILING_RELATIVE_TOLERANCE = 1e-9

# How far, in metres, a vertex may move when grids are snapped to a precision
# grid (see spatial.precision): far below a map's resolution.
_COORDINATE_TOLERANCE_M = 1e-6


def polsby_popper(polygon: Polygon | MultiPolygon) -> float:
    """Polsby–Popper compactness 4πA/P²: 1 for a disc, ~0.785 for a square.

    Parameters
    ----------
    polygon
        A polygon in a metric CRS.

    Returns
    -------
    float
        The ratio in [0, 1]; 0 for an empty or degenerate polygon.
    """
    perimeter_m = polygon.length
    if perimeter_m == 0:
        return 0.0
    return 4.0 * math.pi * polygon.area / perimeter_m**2


def is_sliver(polygon: Polygon, min_width_m: float = DEFAULT_MIN_WIDTH_M) -> bool:
    """Whether a polygon has no inscribed disc of diameter ``min_width_m`` (metres)."""
    return bool(slivers(np.asarray([polygon], dtype=object), min_width_m)[0])


def slivers(polygons: np.ndarray, min_width_m: float = DEFAULT_MIN_WIDTH_M) -> np.ndarray:
    """:func:`is_sliver` of each polygon, (n,) bool."""
    # Fast answer for the usual wide polygon: a disc fits around its inner point.
    inner = shapely.point_on_surface(polygons)
    narrow = shapely.distance(inner, shapely.boundary(polygons)) < min_width_m / 2.0
    result = np.zeros(len(polygons), dtype=bool)
    result[narrow] = shapely.is_empty(shapely.buffer(polygons[narrow], -min_width_m / 2.0))
    return result


def holds_whole(polygon: Polygon | np.ndarray, geoms: np.ndarray) -> np.ndarray:
    """Whether the polygon covers each geometry, up to the precision grid.

    Parameters
    ----------
    polygon
        A grid, metres; or an array of grids, one per geometry.
    geoms
        Points or polygons, metres.

    Returns
    -------
    numpy.ndarray of bool
        True where the geometry is covered, or sticks out by no more than a
        band ``_COORDINATE_TOLERANCE_M`` wide along its outline (vertices
        snapped to the precision grid may land a hair outside a neighbour's
        edge).
    """
    one_grid = np.ndim(polygon) == 0
    if one_grid:
        # Tested against many geometries: worth indexing (a grid per geometry is tested once).
        shapely.prepare(polygon)
    inside = shapely.covers(polygon, geoms)
    doubtful = np.flatnonzero(~inside)
    if doubtful.size:
        around = polygon if one_grid else polygon[doubtful]
        sticking_out = shapely.difference(geoms[doubtful], around)
        tolerance = _COORDINATE_TOLERANCE_M * np.maximum(shapely.length(geoms[doubtful]), 1.0)
        inside[doubtful] = (shapely.area(sticking_out) <= tolerance) & (
            shapely.distance(geoms[doubtful], around) <= _COORDINATE_TOLERANCE_M
        )
    return inside


def building_owners(polygons: np.ndarray, geoms: np.ndarray) -> np.ndarray:
    """Index of the grid each building belongs to as it lies now (-1: in no grid).

    A footprint belongs to the grid holding most of its area (among equal
    areas, the first the tree finds); a point to the lowest-numbered grid it
    lies in or on (:func:`check_partition` then reports a point on a seam,
    covered by two grids).

    Parameters
    ----------
    polygons
        Grids (an array), metres.
    geoms
        Building points or footprints, metres.

    Returns
    -------
    numpy.ndarray of int
        One index into ``polygons`` per building.
    """
    owners = np.full(len(geoms), -1)
    if not len(polygons) or not len(geoms):
        return owners
    building, grid = shapely.STRtree(polygons).query(geoms, predicate="intersects")
    lowest = np.full(len(geoms), len(polygons))
    np.minimum.at(lowest, building, grid)
    found = lowest < len(polygons)
    owners[found] = lowest[found]
    hits = np.bincount(building, minlength=len(geoms))
    shared = (hits[building] > 1) & (shapely.get_type_id(geoms[building]) != 0)
    if shared.any():
        building, grid = building[shared], grid[shared]
        area_m2 = shapely.area(shapely.intersection(polygons[grid], geoms[building]))
        # Largest area first within each building; a stable sort keeps the tree's order among equals.
        order = np.lexsort((-area_m2, building))
        first = order[np.r_[True, building[order][1:] != building[order][:-1]]]
        owners[building[first]] = grid[first]
    return owners


def household_stats(values: Iterable[int | float]) -> dict[str, float]:
    """Summarise households per grid.

    Parameters
    ----------
    values
        Households of each grid.

    Returns
    -------
    dict
        ``min``, ``median``, ``max`` and ``cv`` (population standard deviation
        over the mean; 0 when the mean is 0).

    Raises
    ------
    ValueError
        If there are no values.
    """
    array = np.asarray(list(values), dtype=float)
    if array.size == 0:
        raise ValueError("household_stats needs at least one grid")
    mean = array.mean()
    return {
        "min": float(array.min()),
        "median": float(np.median(array)),
        "max": float(array.max()),
        "cv": float(array.std() / mean) if mean > 0 else 0.0,
    }


def internal_boundaries(grids: Sequence[Polygon]) -> shapely.Geometry:
    """The edges grids share with each other (not the community's outline).

    Parameters
    ----------
    grids
        Polygons that tile a community, metres.

    Returns
    -------
    shapely geometry
        Lines, possibly empty.
    """
    geoms = np.asarray(grids, dtype=object)
    all_edges = shapely.union_all(shapely.boundary(geoms))
    outline = shapely.boundary(shapely.union_all(geoms))
    # A hair's width absorbs the last bits of floating-point noise where
    # grid edges and the outline were computed by different operations.
    return shapely.difference(all_edges, shapely.buffer(outline, 1e-6))


def road_alignment_share(
    grids: Sequence[Polygon],
    cut_lines_m: Sequence[LineString],
    tolerance_m: float = 5.0,
) -> float:
    """Share of the internal grid boundary length that runs along a road.

    Parameters
    ----------
    grids
        Polygons that tile a community, metres.
    cut_lines_m
        Roads (or other preferred cut lines), metres.
    tolerance_m
        A boundary point within this distance of a road counts as on it.

    Returns
    -------
    float
        In [0, 1]; NaN when there is no internal boundary (a single grid),
        since the share is then undefined.
    """
    internal = internal_boundaries(grids)
    total_m = internal.length
    if total_m == 0:
        return math.nan
    if not cut_lines_m:
        return 0.0
    near_roads = shapely.buffer(shapely.union_all(np.asarray(cut_lines_m, dtype=object)), tolerance_m)
    return shapely.intersection(internal, near_roads).length / total_m


def check_tiling(
    boundary: Polygon | MultiPolygon,
    polygons: Sequence[Polygon],
    min_width_m: float = DEFAULT_MIN_WIDTH_M,
    narrowness_forced: Callable[[int], bool] | None = None,
    labels: Sequence[int] | None = None,
) -> list[str]:
    """List every way the polygons fail to tile the boundary as grids.

    Parameters
    ----------
    boundary
        The community, metres.
    polygons
        The grids, metres.
    min_width_m
        A grid with no inscribed disc of this diameter is a sliver, unless it
        is a whole part of the community (a community part cannot be wider
        than it is).
    narrowness_forced
        Asked, for a sliver's index only, whether its narrowness is forced
        (see :func:`check_partition`); a forced sliver is no violation.
    labels
        How the violations name each polygon (default: its index); :func:`check_partition` passes the
        grids' sequences, as its own violations name them, so a grid is named the same in one report.

    Returns
    -------
    list of str
        Human-readable violations; empty when the tiling is exact: union ==
        boundary (symmetric difference below 1e-9 of the area), no overlaps,
        each grid one valid Polygon, no slivers.
    """
    violations: list[str] = []
    if not polygons:
        return ["no grids"]
    name = list(labels) if labels is not None else list(range(len(polygons)))
    area_m2 = boundary.area
    geoms = np.asarray(polygons, dtype=object)
    is_polygon = shapely.get_type_id(geoms) == shapely.GeometryType.POLYGON
    valid, areas_m2 = shapely.is_valid(geoms), shapely.area(geoms)
    for index in np.flatnonzero(~is_polygon | ~valid | (areas_m2 == 0)):
        geom = geoms[index]
        if not is_polygon[index]:
            violations.append(f"grid {name[index]} is a {geom.geom_type}, not one Polygon")
        elif not valid[index]:
            violations.append(f"grid {name[index]} is invalid: {shapely.is_valid_reason(geom)}")
        else:
            violations.append(f"grid {name[index]} is empty")
    if violations:
        return violations

    # Snap-rounded overlays: the floating-point ones misjudge near-coincident
    # edges of a valid tiling by whole square centimetres. A valid coverage
    # (edges matched vertex for vertex, as generation leaves grids) is united
    # by its edges instead, exactly: 0.05 s against 0.18 s for the Yuexiu demo.
    is_coverage = bool(shapely.coverage_is_valid(geoms))
    union = _coverage_union(geoms, is_coverage)
    mismatch_m2 = shapely.symmetric_difference(union, boundary, grid_size=GRID_SIZE_M).area
    if mismatch_m2 > _TILING_RELATIVE_TOLERANCE * area_m2:
        violations.append(
            f"union differs from the community by {mismatch_m2:.6g} m² "
            f"({mismatch_m2 / area_m2:.3g} of its area)"
        )
    if not is_coverage:  # a valid coverage has no overlaps by definition (GEOS's CoverageValidator)
        violations.extend(_overlaps(geoms, name, _TILING_RELATIVE_TOLERANCE * area_m2))

    part_areas_m2 = shapely.area(shapely.get_parts(boundary))
    for index in np.flatnonzero(slivers(geoms, min_width_m)):
        # A grid that is a whole community part is as wide as it can be.
        is_whole_part = np.any(np.abs(part_areas_m2 - areas_m2[index]) <= _TILING_RELATIVE_TOLERANCE * part_areas_m2)
        if not is_whole_part and not (narrowness_forced and narrowness_forced(index)):
            violations.append(f"grid {name[index]} is a sliver thinner than {min_width_m} m")
    return violations


def _coverage_union(geoms: np.ndarray, is_coverage: bool):
    if is_coverage:
        try:
            return shapely.coverage_union_all(geoms)
        except shapely.errors.GEOSException:
            pass
    return shapely.union_all(geoms, grid_size=GRID_SIZE_M)


def _overlaps(geoms: np.ndarray, name: list, tolerance_m2: float) -> list[str]:
    """A violation for each pair of polygons overlapping by more than ``tolerance_m2``."""
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    # Neighbours that only touch share no area: only the others need an overlay.
    inner = ~shapely.touches(geoms[left], geoms[right])
    left, right = left[inner], right[inner]
    overlaps_m2 = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    return [f"grids {name[i]} and {name[j]} overlap by {overlap_m2:.6g} m²"
            for i, j, overlap_m2 in zip(left, right, overlaps_m2) if overlap_m2 > tolerance_m2]


def check_partition(
    boundary: Polygon | MultiPolygon,
    buildings: Sequence,
    grids: Sequence,
    target_households: int,
    min_width_m: float = DEFAULT_MIN_WIDTH_M,
) -> list[str]:
    """List every broken invariant of a partition, for checking before activation.

    Parameters
    ----------
    boundary
        The community, metres.
    buildings
        Objects with ``id``, ``geometry`` (Point or Polygon, metres) and
        ``households`` (e.g. ``spatial.partition.BuildingInput``).
    grids
        Objects with ``polygon``, ``building_ids``, ``households`` and
        ``sequence`` (e.g. ``spatial.partition.GridPiece``).
    target_households
        The cap on households per grid.
    min_width_m
        As in :func:`check_tiling`.

    Returns
    -------
    list of str
        Empty when the grids tile the community, every building is in
        exactly one grid that holds all of it within the community (a point:
        covered by that grid and no other), households add up and stay within
        the cap (except a grid holding one oversize building, or one stack of
        buildings lying on one another (:mod:`spatial.stacking`), and no other
        building), and sequences are distinct and from 1 (after regenerations
        they have gaps: a retired code is never reused).
    """
    by_id = {b.id: b for b in buildings}
    stack_of, stack_households = _stacks(by_id)
    violations = check_tiling(boundary, [g.polygon for g in grids], min_width_m,
                              lambda index: _narrowness_forced(index, grids, by_id, stack_households, target_households,
                                                               min_width_m), labels=[g.sequence for g in grids])
    owner: dict = {}
    for grid in grids:
        for building_id in grid.building_ids:
            if building_id in owner:
                violations.append(f"building {building_id} is in grids {owner[building_id]} and {grid.sequence}")
            owner[building_id] = grid.sequence
    violations.extend(f"building {i} is in no grid" for i in by_id if i not in owner)

    violations.extend(_placement_violations(boundary, by_id, owner, grids))

    for grid in grids:
        households = [by_id[i].households for i in grid.building_ids]
        if sum(households) != grid.households:
            violations.append(f"grid {grid.sequence} says {grid.households} households, its buildings hold {sum(households)}")
        # Only an oversize building (or stack) alone may exceed the cap: nothing else, not even a shop, shares its grid.
        stacks = [stack_of[i] for i in grid.building_ids if i in stack_of]
        if grid.households > target_households and len(set(stacks)) > 1:
            violations.append(f"grid {grid.sequence} has {grid.households} households, above {target_households}"
                              + _stacked_text([by_id[i] for i in grid.building_ids if i in stack_of], stacks))
    sequences = [g.sequence for g in grids]
    if len(set(sequences)) != len(sequences) or min(sequences, default=1) < 1:
        violations.append("sequences repeat or start below 1")
    return violations


def _stacks(by_id: dict) -> tuple[dict, dict]:
    """Each building's stack (:func:`spatial.stacking.stack_labels`), and each building's stack's households."""
    geoms = np.asarray([b.geometry for b in by_id.values()], dtype=object)
    labels = stack_labels(geoms).tolist()
    totals: dict[int, int] = {}
    for label, building in zip(labels, by_id.values()):
        totals[label] = totals.get(label, 0) + building.households
    return dict(zip(by_id, labels)), {i: totals[label] for i, label in zip(by_id, labels)}


def _stacked_text(buildings: Sequence, stacks: list) -> str:
    """Why a grid above the cap may be forced: its buildings lying on one another (of one of ``stacks``, each
    building's), named; else "".

    A stack beside other buildings should have had a grid of its own; naming it lets the person running
    the generation find the data (an outline or point mapped more than once).
    """
    stacked = [stacks.count(s) > 1 for s in stacks]
    ids = sorted((b.id for b, s in zip(buildings, stacked) if s), key=str)
    if not ids:
        return ""
    households = sum(b.households for b, s in zip(buildings, stacked) if s)
    shown = ", ".join(map(str, ids[:10])) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
    return (f" (buildings {shown} lie on one another, {households} households: no grid edge can part them; "
            "an outline or point mapped more than once?)")


def _narrowness_forced(index: int, grids: Sequence, by_id: dict, stack_households: dict, target_households: int,
                       min_width_m: float) -> bool:
    """Whether grid ``index`` must be thin: one of its buildings lies within ``min_width_m`` of a building of
    another grid, and the two (their stacks: ``stack_households``) hold more than ``target_households``
    together, so no grid may hold both and the edge between them has less than ``min_width_m`` of room (the
    cap wins; see :mod:`spatial.partition`)."""
    others = [i for k, grid in enumerate(grids) if k != index for i in grid.building_ids if i in by_id]
    if not others:
        return False
    other_geoms = np.asarray([by_id[i].geometry for i in others], dtype=object)
    other_households = np.asarray([stack_households[i] for i in others])
    for building_id in grids[index].building_ids:
        building = by_id.get(building_id)
        if building is None:
            continue
        near = shapely.dwithin(other_geoms, building.geometry, min_width_m)
        if (stack_households[building_id] + other_households[near] > target_households).any():
            return True
    return False


def _placement_violations(boundary, by_id: dict, owner: dict, grids: Sequence) -> list[str]:
    """Buildings not wholly inside their grid (within the community), and points another grid covers too."""
    if not owner:
        return []
    ids = list(owner)
    sequences = np.asarray([owner[i] for i in ids])
    geoms = np.asarray([by_id[i].geometry for i in ids], dtype=object)
    shapely.prepare(boundary)
    # Only what reaches outside the community needs clipping.
    outside = ~shapely.covers(boundary, geoms)
    geoms[outside] = shapely.intersection(geoms[outside], boundary)
    polygons = np.asarray([g.polygon for g in grids], dtype=object)
    grid_sequences = np.asarray([g.sequence for g in grids])
    # Each building against its grid (every grid of its sequence, should sequences repeat),
    # grid by grid: all pairs in one vectorised test.
    positions: dict[int, list[int]] = {}
    for position, sequence in enumerate(grid_sequences.tolist()):
        positions.setdefault(sequence, []).append(position)
    grid, building = np.asarray(sorted((p, k) for k, s in enumerate(sequences.tolist()) for p in positions[s])).T
    held = holds_whole(polygons[grid], geoms[building])
    violations = [f"building {ids[k]} is not wholly inside grid {grid_sequences[p]}"
                  for p, k in zip(grid[~held], building[~held])]
    is_point = shapely.get_type_id(geoms) == 0
    points = np.flatnonzero(is_point)
    point_index, grid_index = shapely.STRtree(polygons).query(geoms[points], predicate="covered_by")
    others: dict[int, list] = {}
    for k, g in zip(points[point_index], grid_index):
        if grid_sequences[g] != sequences[k]:
            others.setdefault(int(k), []).append(int(grid_sequences[g]))
    violations.extend(f"point building {ids[k]} is also covered by grids {sorted(s)}" for k, s in sorted(others.items()))
    return violations
