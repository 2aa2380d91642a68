"""One community's partition as plain data: the same run in this process or on a Celery worker.

A payload holds everything the partitioner needs (WKB hex, WGS84), so a
worker needs no database; the outcome holds the grids in WGS84 with their
buildings. Serial and fanned-out generation both go through
:func:`partition_payload`, so they give the same grids bit for bit.
"""

import numpy as np
import shapely

from gridmgmt.grids.inputs import CommunityInput
from spatial.equirectangular import equirectangular
from spatial.partition import BuildingInput, partition_community

# Grid vertices this close to a community outline vertex (degrees, ~0.1 mm)
# become that vertex bit for bit: the round trip through the metric plane
# moves them by ~1e-15°, and a point on a vertex two communities share must
# be covered by exactly the grids of the community it belongs to.
OUTLINE_SNAP_DEG = 1e-9


def community_payload(item: CommunityInput, target_households: int) -> dict:
    """The partitioner's input for one community as JSON-able data (geometries as WKB hex, WGS84)."""
    return {
        "community": item.community.code,
        "boundary": shapely.to_wkb(item.boundary_wgs84, hex=True),
        "building_ids": list(item.building_ids),
        "buildings": shapely.to_wkb(np.asarray(item.building_geoms, dtype=object), hex=True).tolist(),
        "households": list(item.households),
        "cut_lines": shapely.to_wkb(np.asarray(item.cut_lines, dtype=object), hex=True).tolist(),
        "target_households": target_households,
    }


def partition_payload(payload: dict) -> dict:
    """Grids of one community: ``{"grids": [{"polygon": WKB hex WGS84, "building_ids", "households"}],
    "oversize_building_ids": [...]}``, or ``{"error": why}`` when the partitioner refuses the input."""
    boundary = shapely.from_wkb(payload["boundary"])
    # An affine plane, not a projection: a cut vertex placed on the community's
    # edge must stay on that edge in WGS84 (see spatial.equirectangular).
    to_metric, to_wgs84 = equirectangular(boundary)
    geoms = to_metric(shapely.from_wkb(np.asarray(payload["buildings"] or [], dtype=object)))
    buildings = [BuildingInput(id=i, geometry=g, households=h)
                 for i, g, h in zip(payload["building_ids"], geoms, payload["households"])]
    cut_lines = to_metric(shapely.from_wkb(np.asarray(payload["cut_lines"] or [], dtype=object)))
    try:
        result = partition_community(to_metric(boundary), buildings, target_households=payload["target_households"],
                                     cut_lines_m=list(cut_lines))
    except ValueError as exc:
        return {"error": str(exc)}
    polygons = shapely.snap(to_wgs84(np.asarray(result.polygons, dtype=object)), boundary, OUTLINE_SNAP_DEG)
    return {
        "grids": [{"polygon": wkb, "building_ids": list(piece.building_ids), "households": piece.households}
                  for piece, wkb in zip(result.grids, shapely.to_wkb(polygons, hex=True))],
        "oversize_building_ids": list(result.oversize_building_ids),
    }
