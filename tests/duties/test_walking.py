"""Walking distances on a hand-checkable network (no database).

One street along lat 23.125 from lng 113.2600 to 113.2700, a vertex every
0.002°: each step is 204.5 m (haversine: 0.002° × 111,195 m × cos 23.125°).
"""

import math

import pytest

from gridmgmt.duties.walking import WALK_LIMIT_M, network_from_segments, walking_distances_m
from gridmgmt.water.tracks import haversine_m

LAT = 23.125
STREET = [(113.260 + 0.002 * i, LAT) for i in range(6)]
STEP_M = haversine_m(113.260, LAT, 113.262, LAT)


def test_step_length_is_as_computed_by_hand():
    assert STEP_M == pytest.approx(0.002 * 111_195 * math.cos(math.radians(LAT)), rel=1e-3)


def test_limit_is_15_minutes_at_1_2_m_s():
    assert WALK_LIMIT_M == 1080


def test_distances_along_the_street_plus_the_walk_to_it():
    network = network_from_segments([STREET])
    points = [(113.264, LAT),  # 2 steps
              (113.268, LAT + 0.0025),  # 4 steps + 278 m off the street: 1,096 m, beyond
              (113.2695, LAT),  # nearest vertex 113.270 (5 steps) + 51 m back
              (113.270, LAT + 0.0001)]  # 5 steps + 11 m
    got = walking_distances_m(network, [(113.260, LAT)], points)
    assert got[0] == pytest.approx(2 * STEP_M, abs=0.01)
    assert math.isinf(got[1])
    assert got[2] == pytest.approx(5 * STEP_M + haversine_m(113.2695, LAT, 113.270, LAT), abs=0.01)
    assert got[3] == pytest.approx(5 * STEP_M + haversine_m(113.270, LAT, 113.270, LAT + 0.0001), abs=0.01)


def test_nearest_of_two_facilities_wins():
    network = network_from_segments([STREET])
    got = walking_distances_m(network, [(113.260, LAT), (113.270, LAT)], [(113.266, LAT)])
    assert got[0] == pytest.approx(2 * STEP_M, abs=0.01)


def test_unconnected_street_is_unreachable_however_close():
    island = [(113.260, LAT + 0.001), (113.262, LAT + 0.001)]  # 111 m north, no junction
    network = network_from_segments([STREET[:2], island])
    got = walking_distances_m(network, [(113.262, LAT)], [(113.261, LAT + 0.0012)], limit_m=5000)
    # The point joins the island (22 m away), which reaches nothing: the street 133 m away does not count.
    assert math.isinf(got[0])


def test_no_facilities_everything_unreachable():
    assert math.isinf(walking_distances_m(network_from_segments([STREET]), [], [(113.264, LAT)])[0])
