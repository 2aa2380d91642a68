"""A polygon cut in two by a straight line, without an overlay, where that is exact.

Most cuts of the bisection (:mod:`spatial.bisection`) cross a region's shell
twice, between buildings and away from every vertex. Such a cut needs no
noding: side a is the shell from the first crossing to the second, side b
the rest, and each hole lies wholly on one side. GEOS's snap-rounded
overlay (two per cut, intersection and difference) gives the same two
polygons, at many times the cost.

The two crossing points are rounded to the precision grid as GEOS rounds
them (:data:`spatial.precision.GRID_SIZE_M`, halves up on ``x / grid``),
once, and both sides take the same rounded points, so they
share the cut edge vertex for vertex. Every other vertex is the region's
own, bit for bit.

Where the cut is not that simple (it passes within :data:`CLEARANCE_M` of a
vertex, crosses the shell more than twice or crosses a hole), the function
returns ``None`` and the caller overlays as before: snap-rounding is what
nodes a cut through a vertex, and a non-convex region's several pieces need
regrouping. Everything is in metres on one plane; side a is
``(p - on_cut) · axis <= 0``, as in :mod:`spatial.straight_cuts`.
"""

from __future__ import annotations

import numba
import numpy as np
import shapely

from spatial.precision import GRID_SIZE_M

# A vertex this close to the cut line (metres) leaves the cut to the overlay:
# a thousand grid cells, so the rounded crossing points stay far from any
# other vertex or edge and both sides are valid without noding.
CLEARANCE_M = 1e-6

# Grid cells per metre, a whole number as GEOS makes it (1 / 1e-9 is 999999999.9999999 in floating point).
_SCALE = float(round(1.0 / GRID_SIZE_M))


def split_by_line(coords: np.ndarray, starts: np.ndarray, on_cut: np.ndarray, axis: np.ndarray):
    """The two sides of a polygon cut by a line, or ``None`` when the cut needs an overlay.

    Parameters
    ----------
    coords, starts
        The polygon's closed rings, shell first (:func:`spatial.straight_cuts.ring_arrays`), metres.
    on_cut, axis
        (2,) a point on the cut line and its unit normal.

    Returns
    -------
    (Polygon, Polygon) or None
        Side a (``(p - on_cut) · axis <= 0``) and side b, each one valid
        polygon keeping the rings' orientation; ``None`` as the module says.
    """
    status, shell_a, shell_b, hole_side = _split_rings(coords, starts, on_cut, axis, CLEARANCE_M, _SCALE)
    if not status:
        return None
    holes = [shapely.linearrings(coords[starts[h + 1]: starts[h + 2]]) for h in range(hole_side.size)]
    side_a = shapely.polygons(shell_a, holes=[h for h, s in zip(holes, hole_side) if s == 0] or None)
    side_b = shapely.polygons(shell_b, holes=[h for h, s in zip(holes, hole_side) if s == 1] or None)
    return side_a, side_b


@numba.njit(cache=True)
def _round_to_grid(value, scale):
    # GEOS's PrecisionModel::makePrecise: round(value * scale) / scale, halves up as Java rounds.
    scaled = value * scale
    whole = np.floor(scaled)
    return (whole + 1.0 if scaled - whole >= 0.5 else whole) / scale


@numba.njit(cache=True)
def _split_rings(coords, starts, on_cut, axis, clearance, scale):
    """(ok, shell a (k, 2) closed, shell b closed, side of each hole: 0 a, 1 b); ok False when the cut needs an overlay."""
    empty = np.empty((0, 2))
    no_holes = np.empty(0, dtype=np.int64)
    side = np.empty(coords.shape[0])
    for v in range(coords.shape[0]):
        side[v] = (coords[v, 0] - on_cut[0]) * axis[0] + (coords[v, 1] - on_cut[1]) * axis[1]
        if abs(side[v]) < clearance:
            return False, empty, empty, no_holes
    hole_side = np.empty(starts.size - 2, dtype=np.int64)
    for h in range(hole_side.size):
        first, last = starts[h + 1], starts[h + 2]
        in_a = side[first] <= 0.0
        for v in range(first, last):
            if (side[v] <= 0.0) != in_a:
                return False, empty, empty, no_holes
        hole_side[h] = 0 if in_a else 1
    # The shell's vertices 0..m-1 (the last coordinate closes the ring); edge e runs from vertex e to e + 1.
    m = starts[1] - 1
    into_a, out_of_a, crossings = -1, -1, 0
    for e in range(m):
        p_in_a, q_in_a = side[e] <= 0.0, side[(e + 1) % m] <= 0.0
        if p_in_a != q_in_a:
            crossings += 1
            if q_in_a:
                into_a = e
            else:
                out_of_a = e
    if crossings != 2:
        return False, empty, empty, no_holes
    crossing = np.empty((2, 2))
    for c, e in enumerate((into_a, out_of_a)):
        p, q = coords[e], coords[(e + 1) % m]
        t = side[e] / (side[e] - side[(e + 1) % m])
        crossing[c, 0] = _round_to_grid(p[0] + t * (q[0] - p[0]), scale)
        crossing[c, 1] = _round_to_grid(p[1] + t * (q[1] - p[1]), scale)
    if np.hypot(crossing[1, 0] - crossing[0, 0], crossing[1, 1] - crossing[0, 1]) < clearance:
        return False, empty, empty, no_holes
    # Side a: the crossing into a, the shell's vertices on side a in order, the crossing out, closed; side b the rest.
    count_a = (out_of_a - into_a) % m
    shell_a = _side_shell(coords, m, into_a + 1, count_a, crossing[0], crossing[1])
    shell_b = _side_shell(coords, m, out_of_a + 1, m - count_a, crossing[1], crossing[0])
    return True, shell_a, shell_b, hole_side


@numba.njit(cache=True)
def _side_shell(coords, m, first, count, enter, leave):
    """Closed ring: ``enter``, the shell's ``count`` vertices from ``first`` on (wrapping at ``m``), ``leave``."""
    shell = np.empty((count + 3, 2))
    shell[0] = enter
    for k in range(count):
        shell[k + 1] = coords[(first + k) % m]
    shell[count + 1] = leave
    shell[count + 2] = enter
    return shell


@numba.njit(cache=True)
def claims_on_their_side(claim_xy, claim_starts, members, in_a, on_cut, axis) -> bool:
    """Whether a cut leaves every building's claim on its building's side.

    ``claim_xy``/``claim_starts``: every building's claim vertices, building
    i's at ``claim_starts[i]:claim_starts[i + 1]``; ``members`` (m,) the
    region's buildings and ``in_a`` (m,) which go to side a. A claim whose
    vertices all lie on one side of the line lies wholly there (a polygon
    is within the hull of its vertices). A vertex within one cell of the
    precision grid counts as on the line: a cut at the edge of a gap touches
    a footprint, and the line's arithmetic puts that vertex 1e-13 m either
    side of it. Such a claim stays whole up to a nanometre, far within the
    invariant check's tolerance (:func:`spatial.grid_quality.holds_whole`).
    """
    for j in range(members.size):
        i = members[j]
        for v in range(claim_starts[i], claim_starts[i + 1]):
            side = (claim_xy[v, 0] - on_cut[0]) * axis[0] + (claim_xy[v, 1] - on_cut[1]) * axis[1]
            if (side > GRID_SIZE_M) if in_a[j] else (side < -GRID_SIZE_M):
                return False
    return True
