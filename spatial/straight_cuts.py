"""Arithmetic of straight cuts across one region, compiled.

The bisection of :mod:`spatial.bisection` weighs thousands of straight cuts,
each across a region of a dozen buildings or so. On arrays that small
numpy's cost is per call, not per element, and that cost was most of a
district's generation time; these loops are compiled by numba instead
(cached on disk beside this file, so a process compiles nothing the first
one did).

Everything is in metres, on the plane of :mod:`spatial.projection`; a cut
is a point ``on_cut`` and a unit normal ``axis``: side a is
``(p - on_cut) · axis <= 0``.
"""

from __future__ import annotations

import numba
import numpy as np
import shapely


def ring_arrays(polygon) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A polygon's rings as flat arrays for :func:`cut_measures`.

    Returns ``coords`` (V, 2) the closed rings one after another,
    ``starts`` (rings + 1,) where each ring begins (and the end), and
    ``signs`` (rings,) +1 or -1 so that the shell's shoelace sum counts
    positive and the holes' negative.
    """
    if shapely.get_num_interior_rings(polygon) == 0:
        # Most regions have no hole: their one ring without splitting the polygon into rings (a fifth of the cost).
        coords = shapely.get_coordinates(polygon)
        return coords, np.array([0, len(coords)]), np.array([_orientation(coords)])
    rings = shapely.get_rings(polygon)  # the shell first
    coords, owner = shapely.get_coordinates(rings, return_index=True)
    starts = np.searchsorted(owner, np.arange(len(rings) + 1))
    signs = np.where(shapely.is_ccw(rings), 1.0, -1.0)
    signs[1:] *= -1.0
    return coords, starts, signs


@numba.njit(cache=True)
def _orientation(ring):
    """+1 for a counter-clockwise closed ring, -1 for a clockwise one (the shoelace sum's sign)."""
    twice_area = 0.0
    for v in range(ring.shape[0] - 1):
        twice_area += ring[v, 0] * ring[v + 1, 1] - ring[v + 1, 0] * ring[v, 1]
    return 1.0 if twice_area > 0.0 else -1.0


@numba.njit(cache=True)
def cut_measures(coords, starts, signs, on_cut, axes):
    """Area and perimeter of both sides of straight cuts, without an overlay.

    ``coords``, ``starts``, ``signs``: the region's rings (:func:`ring_arrays`);
    ``on_cut`` (k, 2) a point on each cut line and ``axes`` (k, 2) its unit
    normal. With coordinates centred on the cut line, the shoelace terms of
    the cut edges vanish, so each side's area is the sum of the terms of the
    region's edges clipped to that side; each side's perimeter is the length
    of those edges plus the length of the cut line inside the region (pairs
    of edge crossings along it, even-odd). Returns (k, 4): area a,
    perimeter a, area b, perimeter b (m², m).
    """
    result = np.zeros((axes.shape[0], 4))
    crossings = np.empty(coords.shape[0])
    for c in range(axes.shape[0]):
        ox, oy, ax, ay = on_cut[c, 0], on_cut[c, 1], axes[c, 0], axes[c, 1]
        count = 0
        for ring in range(signs.size):
            twice_area_a, twice_area_b = 0.0, 0.0
            for e in range(starts[ring], starts[ring + 1] - 1):
                px, py = coords[e, 0] - ox, coords[e, 1] - oy
                qx, qy = coords[e + 1, 0] - ox, coords[e + 1, 1] - oy
                dp, dq = px * ax + py * ay, qx * ax + qy * ay
                p_in_a, q_in_a = dp <= 0.0, dq <= 0.0  # an end on the line counts as side a
                xx, xy = px, py
                if p_in_a != q_in_a:
                    t = dp / (dp - dq)
                    xx, xy = px + t * (qx - px), py + t * (qy - py)
                    crossings[count] = -xx * ay + xy * ax
                    count += 1
                # The edge's part on side a, then on side b (one is empty unless it crosses).
                sx, sy = (px, py) if p_in_a else (xx, xy)
                ex, ey = (qx, qy) if q_in_a else (xx, xy)
                twice_area_a += sx * ey - sy * ex
                result[c, 1] += np.hypot(ex - sx, ey - sy)
                sx, sy = (xx, xy) if p_in_a else (px, py)
                ex, ey = (xx, xy) if q_in_a else (qx, qy)
                twice_area_b += sx * ey - sy * ex
                result[c, 3] += np.hypot(ex - sx, ey - sy)
            result[c, 0] += signs[ring] * 0.5 * twice_area_a
            result[c, 2] += signs[ring] * 0.5 * twice_area_b
        positions = np.sort(crossings[:count])
        chord = 0.0
        for j in range(0, count - 1, 2):
            chord += positions[j + 1] - positions[j]
        result[c, 1] += chord
        result[c, 3] += chord
    return result


@numba.njit(cache=True)
def cut_offsets(ref_xy, weight, claim_xy, claim_starts, members, outline_xy, origin, axes, orders):
    """Where to cut between each pair of consecutive buildings, for several orderings.

    ``ref_xy`` (N, 2) and ``weight`` (N,): every building's reference point
    and households; ``claim_xy``/``claim_starts``: the vertices of every
    building's claim, building i's at ``claim_starts[i]:claim_starts[i + 1]``;
    ``members`` (m,) the region's buildings; ``outline_xy`` the region's
    shell; ``axes`` (k, 2) unit vectors and ``orders`` (k, m) orderings of
    positions in ``members`` along them. Returns (k, m - 1) positions along
    each axis, metres from ``origin``.

    A cut between the j-th and (j+1)-th building crosses no footprint when
    the first j all end before the rest begin; within that gap the cut goes
    where the region's extent is shared as the households are, so in sparse
    areas both sides get room. Where no gap exists the cut stays between the
    two buildings' points.
    """
    k, m = orders.shape
    result = np.empty((k, m - 1))
    along, low, high, right_low = np.empty(m), np.empty(m), np.empty(m), np.empty(m)
    for c in range(k):
        ax, ay = axes[c, 0], axes[c, 1]
        low_end, high_end = np.inf, -np.inf
        for v in range(outline_xy.shape[0]):
            d = (outline_xy[v, 0] - origin[0]) * ax + (outline_xy[v, 1] - origin[1]) * ay
            low_end, high_end = min(low_end, d), max(high_end, d)
        total = 0.0
        for j in range(m):
            i = members[orders[c, j]]
            total += weight[i]
            along[j] = (ref_xy[i, 0] - origin[0]) * ax + (ref_xy[i, 1] - origin[1]) * ay
            low[j], high[j] = np.inf, -np.inf
            for v in range(claim_starts[i], claim_starts[i + 1]):
                d = (claim_xy[v, 0] - origin[0]) * ax + (claim_xy[v, 1] - origin[1]) * ay
                low[j], high[j] = min(low[j], d), max(high[j], d)
        right_low[m - 1] = low[m - 1]
        for j in range(m - 2, -1, -1):
            right_low[j] = min(low[j], right_low[j + 1])
        before, left_high = 0.0, -np.inf
        for j in range(m - 1):
            before += weight[members[orders[c, j]]]
            left_high = max(left_high, high[j])
            gap_low, gap_high = along[j], along[j + 1]
            if left_high < right_low[j + 1]:
                gap_low, gap_high = left_high, right_low[j + 1]
            shared = low_end + before / max(total, 1e-9) * (high_end - low_end)
            result[c, j] = min(max(shared, gap_low), gap_high)
    return result


@numba.njit(cache=True)
def balance(weight_a, plans, grid_count, households, target):
    """Whether giving side a ``weight_a`` households is infeasible, and its imbalance.

    ``weight_a`` (c,) side a's households for each candidate; ``plans`` (p,)
    the grids side a may be planned for, side b getting the rest of
    ``grid_count``; ``households`` the region's total, ``target`` the cap.
    Imbalance is how far the households per grid of the worse side are from
    the region's mean, as a fraction of that mean; among plans, feasible
    ones count first, then the least imbalance. A side that will be split
    again must keep at least half its share of the slack (T - mean per
    grid): a side packed to the cap leaves its own splits no room and costs
    an extra grid further down. Returns (c,) infeasible and (c,) imbalance.
    """
    mean = max(households / grid_count, 1e-9)
    shared_cap = max((mean + target) / 2.0, mean)
    infeasible = np.ones(weight_a.size, dtype=np.bool_)
    imbalance = np.empty(weight_a.size)
    for c in range(weight_a.size):
        best_feasible, best_any = np.inf, np.inf
        for plan in plans:
            over, worst = False, 0.0
            for side_weight, side_grids in ((weight_a[c], plan), (households - weight_a[c], grid_count - plan)):
                per_grid = side_weight / side_grids
                over |= per_grid > (target if side_grids == 1 else shared_cap)
                worst = max(worst, abs(per_grid - mean) / mean)
            best_any = min(best_any, worst)
            if not over:
                infeasible[c] = False
                best_feasible = min(best_feasible, worst)
        imbalance[c] = best_any if infeasible[c] else best_feasible
    return infeasible, imbalance
