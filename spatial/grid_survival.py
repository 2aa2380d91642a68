"""Which grids survive a regeneration: same buildings, nearly the same shape.

A surviving grid keeps its code (a grid worker's patch, the key departments
share); every other grid is new and gets a new code. All geometries in one
metric CRS (metres).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import Polygon

MIN_SAME_SHAPE = 0.9
"""Intersection over union above which two grids are nearly the same shape."""


def grid_of_each(polygons: Sequence[Polygon], geoms: Sequence) -> np.ndarray:
    """Index of the grid each building's representative point lies in (-1: none; first grid on an edge).

    Parameters
    ----------
    polygons
        Grids, metres.
    geoms
        Building points or footprints, metres.
    """
    owner = np.full(len(geoms), -1)
    if not len(polygons) or not len(geoms):
        return owner
    points = shapely.point_on_surface(np.asarray(geoms, dtype=object))
    building, grid = shapely.STRtree(np.asarray(polygons, dtype=object)).query(points, predicate="intersects")
    for b, g in zip(building[::-1], grid[::-1]):
        owner[b] = g
    return owner


def surviving(old: Sequence[tuple[Polygon, frozenset]], new: Sequence[tuple[Polygon, frozenset]],
              min_same_shape: float = MIN_SAME_SHAPE) -> dict[int, int]:
    """Pairs new grid → old grid holding the same buildings with nearly the same shape.

    Parameters
    ----------
    old, new
        (polygon, building ids) of each grid, metres.
    min_same_shape
        Least intersection over union of the two polygons.

    Returns
    -------
    dict
        ``{new index: old index}``; each old grid matches at most one new one.
    """
    matches: dict[int, int] = {}
    if not old or not new:
        return matches
    old_polygons = np.asarray([p for p, _ in old], dtype=object)
    new_polygons = np.asarray([p for p, _ in new], dtype=object)
    # Candidates grouped by new grid in its order, each group in the tree's order.
    new_index, old_index = shapely.STRtree(old_polygons).query(new_polygons, predicate="intersects")
    # Only grids holding the same buildings can match: their shapes are compared all at once.
    same = np.fromiter((old[o][1] == new[n][1] for n, o in zip(new_index.tolist(), old_index.tolist())),
                       dtype=bool, count=len(new_index))
    new_index, old_index = new_index[same], old_index[same]
    similar = _same_shape(new_polygons[new_index], old_polygons[old_index], min_same_shape)
    taken: set[int] = set()
    for index, candidate in zip(new_index[similar].tolist(), old_index[similar].tolist()):
        if index not in matches and candidate not in taken:
            matches[index] = candidate
            taken.add(candidate)
    return matches


def _same_shape(a: np.ndarray, b: np.ndarray, min_same_shape: float) -> np.ndarray:
    """Whether each pair of polygons overlaps by at least ``min_same_shape`` of their union (not empty)."""
    # A grid cut again exactly as before (a regeneration's usual case) needs no overlay: its ratio is 1.
    similar = shapely.equals_exact(a, b, tolerance=0.0) & (shapely.area(a) > 0)
    changed = np.flatnonzero(~similar)
    union_m2 = shapely.area(shapely.union(a[changed], b[changed]))
    common_m2 = shapely.area(shapely.intersection(a[changed], b[changed]))
    overlap = np.divide(common_m2, union_m2, out=np.zeros_like(common_m2), where=union_m2 > 0)
    similar[changed] = (union_m2 > 0) & (overlap >= min_same_shape)
    return similar
