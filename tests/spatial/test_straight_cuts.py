"""The compiled arithmetic of straight cuts (spatial.straight_cuts), against shapely's overlays."""

import math

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box

from tests.spatial.half_planes import half_plane

from spatial.straight_cuts import balance, cut_measures, cut_offsets, ring_arrays


def _overlay_measures(polygon, on_cut, axis):
    """Area and perimeter of both sides of one cut, by shapely's overlay."""
    half = half_plane(on_cut, axis)
    side_a, side_b = polygon.intersection(half), polygon.difference(half)
    return side_a.area, side_a.length, side_b.area, side_b.length


@settings(max_examples=60, deadline=None)
@given(st.floats(0, math.pi), st.floats(-60, 60), st.booleans(), st.integers(0, 2**32 - 1))
def test_the_sides_of_a_cut_measure_as_the_overlay_gives_them(angle, offset, with_hole, seed):
    """A star-shaped ring (not convex: a cut can leave several pieces), with a hole or not, either orientation."""
    rng = np.random.default_rng(seed)
    angles = np.sort(rng.uniform(0, 2 * math.pi, 12))
    radii = rng.uniform(40, 100, 12)
    shell = np.column_stack([radii * np.cos(angles), radii * np.sin(angles)])
    if rng.random() < 0.5:
        shell = shell[::-1]
    holes = [Point(0, 0).buffer(20, 3).exterior.coords] if with_hole else []
    polygon = Polygon(shell, holes)
    assert polygon.is_valid
    axis = np.array([[math.cos(angle), math.sin(angle)]])
    on_cut = axis * offset
    measured = cut_measures(*ring_arrays(polygon), on_cut, axis)[0]
    np.testing.assert_allclose(measured, _overlay_measures(polygon, on_cut[0], axis[0]), rtol=1e-9, atol=1e-6)


def test_a_cut_outside_the_polygon_leaves_it_whole_on_one_side():
    polygon = box(0, 0, 10, 20)
    measured = cut_measures(*ring_arrays(polygon), np.array([[50.0, 0.0]]), np.array([[1.0, 0.0]]))[0]
    assert measured.tolist() == [200.0, 60.0, 0.0, 0.0]


def test_a_cut_goes_in_the_gap_between_footprints_where_the_extent_is_shared_as_households_are():
    # Two 10 m footprints at x 0-10 and 60-70 in a region from x -100 to 100; the first holds a quarter of the
    # households: the region's extent shared a quarter/three quarters puts the cut at x -50, clipped to the gap.
    claims = [box(0, 0, 10, 10), box(60, 0, 70, 10)]
    claim_xy, owner = shapely.get_coordinates(claims, return_index=True)
    starts = np.searchsorted(owner, np.arange(3))
    ref_xy = np.array([[5.0, 5.0], [65.0, 5.0]])
    outline = shapely.get_coordinates(box(-100, -50, 100, 50).exterior)
    offsets = cut_offsets(ref_xy, np.array([50.0, 150.0]), claim_xy, starts, np.array([0, 1]), outline,
                          np.zeros(2), np.array([[1.0, 0.0]]), np.array([[0, 1]]))
    assert offsets.tolist() == [[10.0]]  # the gap's near edge: the cut crosses no footprint
    # Overlapping footprints have no gap: the cut stays between the two points.
    claims = [box(0, 0, 40, 10), box(30, 0, 70, 10)]
    claim_xy, owner = shapely.get_coordinates(claims, return_index=True)
    offsets = cut_offsets(np.array([[20.0, 5.0], [50.0, 5.0]]), np.array([150.0, 50.0]), claim_xy, starts,
                          np.array([0, 1]), outline, np.zeros(2), np.array([[1.0, 0.0]]), np.array([[0, 1]]))
    assert offsets.tolist() == [[50.0]]  # three quarters of the extent (x 50), within 20..50


def test_balance_prefers_a_feasible_plan_and_measures_the_worse_side():
    # 500 households in 3 grids (mean 166.7); side a with 200 households.
    infeasible, imbalance = balance(np.array([200.0, 450.0]), np.array([1, 2]), 3, 500.0, 200.0)
    # 200 in one grid fills it to the cap; in two grids (100 each) the other side has 300 in one: over.
    # The one-grid plan is feasible, its worse side at 200 or 150 per grid: 0.2 from the mean.
    assert infeasible.tolist() == [False, True]
    assert math.isclose(imbalance[0], 0.2)
    # 450 on side a cannot fit in 2 grids of 200 that are split again: every plan is over.
    assert math.isclose(imbalance[1], max(abs(450 / 2 - 500 / 3), abs(50 - 500 / 3)) / (500 / 3))


def test_ring_arrays_sign_a_shell_by_its_orientation_with_or_without_holes():
    for shell in (box(0, 0, 10, 20), box(0, 0, 10, 20).reverse()):
        ccw = 1.0 if shell.exterior.is_ccw else -1.0
        coords, starts, signs = ring_arrays(shell)
        assert coords.tolist() == shapely.get_coordinates(shell).tolist() and starts.tolist() == [0, 5]
        assert signs.tolist() == [ccw]
        holed = Polygon(shell.exterior.coords, [box(2, 2, 4, 4).exterior.coords])
        assert ring_arrays(holed)[2][0] == ccw
