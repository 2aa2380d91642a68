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
    tree = shapely.STRtree(old_polygons)
    taken: set[int] = set()
    for index, (polygon, buildings) in enumerate(new):
        for candidate in tree.query(polygon, predicate="intersects"):
            candidate = int(candidate)
            if candidate in taken or old[candidate][1] != buildings:
                continue
            union_m2 = shapely.union(polygon, old_polygons[candidate]).area
            if union_m2 > 0 and shapely.intersection(polygon, old_polygons[candidate]).area / union_m2 >= min_same_shape:
                matches[index] = candidate
                taken.add(candidate)
                break
    return matches
