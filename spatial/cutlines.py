"""Road blocks: a community part cut into faces by its roads.

Roads (or rivers, walls: any preferred cut line) split a community part into
blocks; grid boundaries should follow them, so the partitioner first tries
to form grids as groups of whole blocks. Everything here is in metres.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from spatial.precision import GRID_SIZE_M

# Faces smaller than this are floating-point debris of the noding, not blocks.
_DEBRIS_AREA_M2 = 1e-6


def road_blocks(
    part_m: Polygon, cut_lines_m: Sequence[LineString], min_width_m: float
) -> list[Polygon]:
    """Cut one community part into blocks along roads.

    Parameters
    ----------
    part_m
        One connected community part (a Polygon, holes allowed), metres.
    cut_lines_m
        Roads as lines, metres; parts outside the community and dead ends
        are ignored (a dead end bounds no block).
    min_width_m
        A block with no inscribed disc of this diameter (the strip between
        two close parallel roads) is merged into the neighbour it shares the
        longest edge with, so no grid is ever forced to be that thin.

    Returns
    -------
    list of Polygon
        Blocks whose union is ``part_m``, in a deterministic order
        (north-west first by representative point).
    """
    if not cut_lines_m:
        return [part_m]
    roads = shapely.intersection(np.asarray(cut_lines_m, dtype=object), part_m, grid_size=GRID_SIZE_M)
    roads = roads[~shapely.is_empty(roads)]
    if roads.size == 0:
        return [part_m]
    noded = shapely.union_all(np.concatenate([[part_m.boundary], roads]), grid_size=GRID_SIZE_M)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    inside = shapely.covers(part_m, shapely.point_on_surface(faces))
    faces = faces[inside & (shapely.area(faces) > _DEBRIS_AREA_M2)]
    if faces.size <= 1:
        return [part_m]
    blocks = _merge_thin_blocks(list(faces), min_width_m)
    return _north_west_first(blocks)


def _merge_thin_blocks(blocks: list[Polygon], min_width_m: float) -> list[Polygon]:
    while len(blocks) > 1:
        eroded = shapely.buffer(np.asarray(blocks, dtype=object), -min_width_m / 2.0)
        thin = np.flatnonzero(shapely.is_empty(eroded))
        if thin.size == 0:
            break
        # Smallest thin block first: merging it may already widen another.
        index = int(thin[np.argmin(shapely.area(np.asarray(blocks, dtype=object)[thin]))])
        others = [i for i in range(len(blocks)) if i != index]
        shared_m = shapely.length(
            shapely.intersection(
                blocks[index].boundary,
                shapely.boundary(np.asarray([blocks[i] for i in others], dtype=object)),
            )
        )
        if shared_m.max() <= 0:
            break
        neighbour = others[int(np.argmax(shared_m))]
        merged = shapely.union(blocks[index], blocks[neighbour], grid_size=GRID_SIZE_M)
        blocks = [b for i, b in enumerate(blocks) if i not in (index, neighbour)]
        blocks.append(merged)
    return blocks


def _north_west_first(blocks: list[Polygon]) -> list[Polygon]:
    points = shapely.get_coordinates(shapely.point_on_surface(np.asarray(blocks, dtype=object)))
    order = np.lexsort((points[:, 0], -points[:, 1]))
    return [blocks[i] for i in order]
