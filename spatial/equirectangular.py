"""A local equirectangular plane: an affine map between WGS84 degrees and metres.

Use it where straightness matters more than exact distances: an affine map
keeps a straight edge straight, so a vertex lying on a neighbour's edge in
WGS84 still lies on it in metres (and back). A true projection (UTM,
transverse Mercator) bends long edges by centimetres, which turns shared
boundaries with T-junctions into slivers of tens of m². Scale error grows as
the cosine of latitude drifts from the origin's: about 1e-4 across 10 km.
"""

import math
from collections.abc import Callable

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LNG_AT_EQUATOR = 111_320.0


def equirectangular(
    geom_wgs84: BaseGeometry,
) -> tuple[Callable[[BaseGeometry], BaseGeometry], Callable[[BaseGeometry], BaseGeometry]]:
    """Affine maps WGS84 (lng, lat) degrees ↔ metres, centred on the geometry's bounding box.

    Returns
    -------
    to_metric, to_wgs84 : callables geometry -> geometry
    """
    min_lng, min_lat, max_lng, max_lat = geom_wgs84.bounds
    origin = np.array([(min_lng + max_lng) / 2, (min_lat + max_lat) / 2])
    scale = np.array([METRES_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(origin[1])),
                      METRES_PER_DEGREE_LAT])

    def to_metric(geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: (xy - origin) * scale)

    def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: xy / scale + origin)

    return to_metric, to_wgs84
