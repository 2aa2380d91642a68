"""The half-plane of a straight cut as a polygon, for checking compiled cuts against shapely's overlays."""

from shapely.geometry import Polygon


def half_plane(on_cut, axis, reach: float = 1e4) -> Polygon:
    """Side a of the cut, ``(p - on_cut) · axis <= 0``, as a square ``reach`` metres across each way."""
    ax, ay = axis
    nx, ny = -ay * reach, ax * reach
    cx, cy = on_cut
    fx, fy = cx - ax * reach, cy - ay * reach
    return Polygon([(cx + nx, cy + ny), (fx + nx, fy + ny), (fx - nx, fy - ny), (cx - nx, cy - ny)])
