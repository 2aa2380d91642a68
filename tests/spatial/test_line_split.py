"""A polygon cut by a line without an overlay (spatial.line_split), against GEOS's snap-rounded overlay."""

import math

import numpy as np
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box

from tests.spatial.half_planes import half_plane

from spatial.line_split import CLEARANCE_M, claims_on_their_side, split_by_line
from spatial.precision import GRID_SIZE_M
from spatial.straight_cuts import ring_arrays


def _split(polygon, on_cut, axis):
    coords, starts, _ = ring_arrays(polygon)
    return split_by_line(coords, starts, np.asarray(on_cut, dtype=float), np.asarray(axis, dtype=float))


def _overlay_sides(polygon, on_cut, axis):
    """Side a and side b by GEOS's overlays on the precision grid, as the bisection made them before."""
    half = half_plane(on_cut, axis)
    side_a = shapely.intersection(polygon, half, grid_size=GRID_SIZE_M)
    return side_a, shapely.difference(polygon, side_a, grid_size=GRID_SIZE_M)


@settings(max_examples=150, deadline=None)
@given(st.floats(0, math.pi), st.floats(-90, 90), st.booleans(), st.integers(0, 2**32 - 1))
def test_a_cut_gives_the_overlay_s_two_sides_sharing_the_cut_vertex_for_vertex(angle, offset, with_hole, seed):
    """Star-shaped rings (a cut can leave several pieces), with a hole or not, in either orientation.

    Where the overlay gives one polygon a side and no vertex lies near the line, the cut must be made
    without it, and give the same sides: valid, tiling the polygon, the region's own vertices bit for
    bit and two new ones on the precision grid, shared by both sides.
    """
    rng = np.random.default_rng(seed)
    angles = np.sort(rng.uniform(0, 2 * math.pi, 12))
    radii = rng.uniform(40, 100, 12)
    shell = np.column_stack([radii * np.cos(angles), radii * np.sin(angles)]) + [1000.0, 2000.0]
    if rng.random() < 0.5:
        shell = shell[::-1]
    holes = [shapely.get_coordinates(Point(1000, 2000).buffer(20, 3).exterior)] if with_hole else []
    polygon = Polygon(shell, holes)
    assume(polygon.is_valid)  # a wide gap between the star's points can reach the hole
    polygon = shapely.set_precision(polygon, GRID_SIZE_M)  # the bisection's regions lie on the grid
    axis = np.array([math.cos(angle), math.sin(angle)])
    on_cut = np.array([1000.0, 2000.0]) + axis * offset
    sides = _split(polygon, on_cut, axis)
    expected = _overlay_sides(polygon, on_cut, axis)
    coords = shapely.get_coordinates(polygon)
    clear = np.abs((coords - on_cut) @ axis).min() >= CLEARANCE_M
    simple = all(side.geom_type == "Polygon" and not side.is_empty for side in expected)
    crosses_hole = with_hole and len({bool(v) for v in (shapely.get_coordinates(polygon.interiors[0]) - on_cut) @ axis <= 0}) == 2
    if not (clear and simple and not crosses_hole):
        assert sides is None
        return
    assert sides is not None
    for side, overlay in zip(sides, expected):
        assert side.is_valid
        assert shapely.symmetric_difference(side, overlay).area < 1e-6
        assert len(side.interiors) == len(overlay.interiors)
        # On the grid as GEOS rounds: snapping again moves nothing.
        assert np.array_equal(shapely.get_coordinates(shapely.set_precision(side, GRID_SIZE_M, mode="pointwise")),
                              shapely.get_coordinates(side))
    side_a, side_b = sides
    assert math.isclose(side_a.area + side_b.area, polygon.area, rel_tol=1e-10)  # floating-point sums of shoelace terms
    assert shapely.intersection(side_a, side_b).area < 1e-9
    own = {tuple(c) for c in coords}
    new_a = {tuple(c) for c in shapely.get_coordinates(side_a)} - own
    new_b = {tuple(c) for c in shapely.get_coordinates(side_b)} - own
    assert len(new_a) == 2 and new_a == new_b


def test_a_square_cut_across_gives_its_two_rectangles():
    side_a, side_b = _split(box(0, 0, 10, 4), (3.0, 0.0), (1.0, 0.0))
    assert side_a.normalize().equals_exact(box(0, 0, 3, 4).normalize(), 0.0)
    assert side_b.normalize().equals_exact(box(3, 0, 10, 4).normalize(), 0.0)


def test_a_hole_goes_whole_to_the_side_it_lies_on():
    polygon = Polygon(box(0, 0, 10, 4).exterior.coords, [box(6, 1, 8, 3).exterior.coords])
    side_a, side_b = _split(polygon, (3.0, 0.0), (1.0, 0.0))
    assert len(side_a.interiors) == 0 and len(side_b.interiors) == 1
    assert side_b.area == 7 * 4 - 4


def test_cuts_that_need_noding_or_regrouping_are_left_to_the_overlay():
    square = box(0, 0, 10, 4)
    # Through a vertex, or within the clearance of one: snap-rounding decides how it is noded.
    assert _split(square, (10.0, 4.0), (math.sqrt(0.5), -math.sqrt(0.5))) is None
    assert _split(square, (CLEARANCE_M / 2, 0.0), (1.0, 0.0)) is None
    # Across both arms of a U: four crossings, several pieces to regroup.
    u_shape = Polygon([(0, 0), (10, 0), (10, 10), (7, 10), (7, 3), (3, 3), (3, 10), (0, 10)])
    assert _split(u_shape, (0.0, 5.0), (0.0, 1.0)) is None
    # Across a hole.
    holed = Polygon(square.exterior.coords, [box(2, 1, 4, 3).exterior.coords])
    assert _split(holed, (3.0, 0.0), (1.0, 0.0)) is None
    # Missing the polygon: no crossing at all.
    assert _split(square, (20.0, 0.0), (1.0, 0.0)) is None


def test_a_cut_in_the_gaps_leaves_every_claim_on_its_building_s_side():
    # Claims of four buildings along x: 0-2, 2-4 and 4-5 (touching the cut at x = 4 from either side), 6-8.
    claims = [box(0, 0, 2, 1), box(2, 0, 4, 1), box(4, 0, 5, 1), box(6, 0, 8, 1)]
    claim_xy, owner = shapely.get_coordinates(claims, return_index=True)
    starts = np.searchsorted(owner, np.arange(len(claims) + 1))
    members = np.arange(len(claims))
    on_cut, axis = np.array([4.0, 0.0]), np.array([1.0, 0.0])
    assert claims_on_their_side(claim_xy, starts, members, np.array([True, True, False, False]), on_cut, axis)
    # The building at 2-4 sent to side b, or the one at 4-5 to side a: its claim lies across the line.
    assert not claims_on_their_side(claim_xy, starts, members, np.array([True, False, False, False]), on_cut, axis)
    assert not claims_on_their_side(claim_xy, starts, members, np.array([True, True, True, False]), on_cut, axis)
    # A cut at the edge of a gap, its arithmetic a hair off the footprint's edge: still on its side; a micrometre is not.
    for noise, on_its_side in ((1e-13, True), (-1e-13, True), (1e-6, False)):
        assert claims_on_their_side(claim_xy, starts, members, np.array([True, True, False, False]),
                                    np.array([4.0 - noise, 0.0]), axis) is on_its_side
    # A cut through a footprint (x = 7) leaves it to the overlay whichever side it goes to.
    for in_a in ([True, True, True, True], [True, True, True, False]):
        assert not claims_on_their_side(claim_xy, starts, members, np.array(in_a), np.array([7.0, 0.0]), axis)
