"""Topology rules between administrative areas, in a metric CRS (metres).

A child (community) must lie within its parent (street) and siblings must not
overlap, each within a tolerance: hand-drawn or converted boundaries never
match to the millimetre, so exact predicates would refuse real data.
"""

from collections.abc import Sequence

from shapely import STRtree
from shapely.geometry.base import BaseGeometry


def area_outside_m2(child_m: BaseGeometry, parent_m: BaseGeometry, tolerance_m: float) -> float:
    """Area of ``child_m`` lying farther than ``tolerance_m`` outside ``parent_m``, in m²."""
    return child_m.difference(parent_m.buffer(tolerance_m)).area


def lies_outside(outside_m2: float, area_m2: float, tolerance_m2: float) -> bool:
    """Whether a child with ``outside_m2`` of its ``area_m2`` outside its parent breaks containment.

    More than ``tolerance_m2`` outside breaks it, and so does half of the child or more, however small:
    lon/lat degrees read as metres (a file imported with ``--crs EPSG:4547``) shrink a community to a
    square centimetre at 109.5°E 0°N, wholly outside its street yet far below any area tolerance.
    """
    return outside_m2 > tolerance_m2 or (outside_m2 > 0 and outside_m2 >= 0.5 * area_m2)


def overlapping_pairs(
    named_m: Sequence[tuple[str, BaseGeometry]], tolerance_m2: float
) -> list[tuple[str, str, float]]:
    """Pairs of geometries whose shared area exceeds ``tolerance_m2``.

    Parameters
    ----------
    named_m : sequence of (name, geometry)
        Geometries in a metric CRS.
    tolerance_m2 : float
        Overlap area tolerated between two siblings, in m².

    Returns
    -------
    list of (name_a, name_b, overlap_m2), in input order.
    """
    geometries = [geom for _, geom in named_m]
    tree = STRtree(geometries)
    pairs = []
    left, right = tree.query(geometries, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist()):
        if i < j:
            shared = geometries[i].intersection(geometries[j]).area
            if shared > tolerance_m2:
                pairs.append((named_m[i][0], named_m[j][0], shared))
    return sorted(pairs, key=lambda p: (p[0], p[1]))
