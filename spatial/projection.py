"""A local metric projection for working on one community in metres.

The partitioner measures households, widths and areas in metres, so a
community outline in WGS84 (EPSG:4326, shapely order (lng, lat), degrees) is
first projected to a transverse Mercator centred on the outline's bounding-box
centre, on the WGS84 ellipsoid, scale factor 1 on the central meridian.

Why transverse Mercator: it is conformal (grid shapes and cut angles are kept)
and its scale error grows as ``k - 1 ≈ d² / (2 R²)`` with the distance ``d``
from the central meridian: 3e-7 at 5 km, 5e-6 at 20 km. A community is at most
a few kilometres across, so lengths and widths are exact to well under a
millimetre per kilometre and areas to about 1e-6 relative, far below what
matters for a grid of ~200 households. A simple equirectangular would err by
~1e-4 in area over the same extent because of the cos(lat) change.

Both directions are pure functions of each coordinate pair, so a vertex
shared by two geometries maps to the same output in both, and topology
(shared grid edges) is preserved up to the floating-point round trip
(~1e-9 m).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

GeometryT = TypeVar("GeometryT", bound=BaseGeometry)


def local_metric(
    geom_wgs84: BaseGeometry,
) -> tuple[Callable[[GeometryT], GeometryT], Callable[[GeometryT], GeometryT]]:
    """Make a pair of projections between WGS84 and metres around a geometry.

    Parameters
    ----------
    geom_wgs84
        Any non-empty geometry in WGS84 degrees, (lng, lat) order; its
        bounding-box centre becomes the projection origin (0, 0).

    Returns
    -------
    to_metric, to_wgs84
        Two functions geometry -> geometry: WGS84 (lng, lat) degrees to local
        transverse Mercator metres (x east, y north) and back. Z is dropped.

    Raises
    ------
    ValueError
        If the geometry is empty.
    """
    if geom_wgs84.is_empty:
        raise ValueError("local_metric needs a non-empty geometry to centre on")
    min_lng, min_lat, max_lng, max_lat = geom_wgs84.bounds
    lng_0, lat_0 = (min_lng + max_lng) / 2.0, (min_lat + max_lat) / 2.0
    tmerc = (
        f"+proj=tmerc +lat_0={lat_0!r} +lon_0={lng_0!r} +k=1 +x_0=0 +y_0=0 "
        "+ellps=WGS84 +units=m +no_defs"
    )
    forward = Transformer.from_crs("EPSG:4326", tmerc, always_xy=True)
    inverse = Transformer.from_crs(tmerc, "EPSG:4326", always_xy=True)

    def _apply(transformer: Transformer) -> Callable[[GeometryT], GeometryT]:
        def project(geom: GeometryT) -> GeometryT:
            def on_coords(coords: np.ndarray) -> np.ndarray:
                x, y = transformer.transform(coords[:, 0], coords[:, 1])
                return np.column_stack([x, y])

            return shapely.transform(geom, on_coords)

        return project

    return _apply(forward), _apply(inverse)
