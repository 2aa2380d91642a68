"""GPS track cleaning (no database). 0.001° of latitude ≈ 111.2 m (haversine, R = 6,371,008.8 m)."""

import pytest

from gridmgmt.water.tracks import clean_track, haversine_m

LNG, LAT = 113.265, 23.125


def test_haversine_one_millidegree_of_latitude():
    assert haversine_m(LNG, LAT, LNG, LAT + 0.001) == pytest.approx(111.195, abs=0.01)


def test_walk_kept_length_and_duration():
    fixes = [(LNG, LAT + 0.001 * i, 100 * i) for i in range(11)]  # 111 m per 100 s: 1.1 m/s
    track = clean_track(fixes)
    assert track.dropped == 0 and track.duration_s == 1000
    assert track.length_m == pytest.approx(1111.95, abs=0.1)


def test_gps_jump_dropped_and_counted():
    fixes = [(LNG, LAT, 0), (LNG, LAT + 0.001, 100), (LNG + 0.01, LAT + 0.001, 101),  # ~1 km in 1 s
             (LNG, LAT + 0.002, 200)]
    track = clean_track(fixes)
    assert track.dropped == 1 and len(track.fixes) == 3
    assert track.length_m == pytest.approx(2 * 111.195, abs=0.1)


def test_speed_exactly_at_the_limit_kept():
    step_m = haversine_m(LNG, LAT, LNG, LAT + 0.001)
    track = clean_track([(LNG, LAT, 0), (LNG, LAT + 0.001, step_m / 10.0)])
    assert track.dropped == 0


def test_fix_out_of_time_order_dropped():
    track = clean_track([(LNG, LAT, 100), (LNG, LAT + 0.0001, 50), (LNG, LAT + 0.0002, 150)])
    assert track.dropped == 1


def test_bad_fix_named():
    with pytest.raises(ValueError, match="fix 1"):
        clean_track([(LNG, LAT, 0), ("x", LAT, 1)])
    with pytest.raises(ValueError, match="not a WGS84 position"):
        clean_track([(LNG, 95.0, 0)])
