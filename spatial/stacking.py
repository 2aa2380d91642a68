"""Buildings lying on one another, which no grid edge can part.

An outline mapped twice, a ``building:part`` mapped as a building, one point
per flat, an address point inside its footprint: such buildings lie on one
another, and an edge could pass between them only by cutting one. They form
a *stack*: the partitioner keeps a stack in one grid and treats a stack above
the cap like one oversize building (a grid of its own), and the invariant
check accepts exactly that (:func:`spatial.grid_quality.check_partition`).
"""

from __future__ import annotations

import numpy as np
import shapely


def stack_labels(geoms: np.ndarray) -> np.ndarray:
    """The stack of each building, as the index of its stack's first building.

    Parameters
    ----------
    geoms
        Building points or footprints, one metric CRS (metres).

    Returns
    -------
    numpy.ndarray of int
        ``labels[i] == labels[j]`` when buildings ``i`` and ``j`` are linked by
        a chain of pairs lying on one another: two footprints sharing more
        than half the smaller one's area, or a point on or in the other
        building (two points: at the same place). A building alone is its own
        label.
    """
    geoms = np.asarray(geoms, dtype=object)
    labels = np.arange(len(geoms))
    if len(geoms) < 2:
        return labels
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    if left.size == 0:
        return labels
    smaller_m2 = np.minimum(shapely.area(geoms[left]), shapely.area(geoms[right]))
    polygons = smaller_m2 > 0
    on_one_another = ~polygons  # a point touching anything lies on it
    on_one_another[polygons] = (
        shapely.area(shapely.intersection(geoms[left[polygons]], geoms[right[polygons]])) > smaller_m2[polygons] / 2
    )
    for i, j in zip(left[on_one_another].tolist(), right[on_one_another].tolist()):
        a, b = _root(labels, i), _root(labels, j)
        labels[max(a, b)] = min(a, b)
    return np.array([_root(labels, i) for i in range(len(labels))])


def _root(labels: np.ndarray, index: int) -> int:
    while labels[index] != index:
        index = labels[index]
    return int(index)
