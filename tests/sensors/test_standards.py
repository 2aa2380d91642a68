"""Sensor limits by kind (no database)."""

from datetime import UTC, datetime

import pytest

from gridmgmt.sensors.standards import limit_for, physical_range_error

# 2026-11-02 is a Monday; Asia/Shanghai is UTC+8.
DAY = datetime(2026, 11, 2, 4, 0, tzinfo=UTC)  # 12:00 local
NIGHT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # 23:00 local
JUST_DAY = datetime(2026, 11, 1, 22, 0, tzinfo=UTC)  # 06:00 local: day starts


def test_pm25_limit_75_class_ii_24h():
    limit = limit_for("pm25")
    assert not limit.exceeds(75, DAY) and limit.exceeds(75.1, DAY)


def test_pm10_limit_150():
    assert limit_for("pm10").exceeds(151, DAY) and not limit_for("pm10").exceeds(150, DAY)


@pytest.mark.parametrize("zone, day, night", [("0", 50, 40), ("1", 55, 45), ("2", 60, 50), ("3", 65, 55),
                                              ("4a", 70, 55), ("4b", 70, 60)])
def test_noise_limits_by_zone_class_day_and_night(zone, day, night):
    limit = limit_for("noise", noise_zone_class=zone)
    assert not limit.exceeds(day, DAY) and limit.exceeds(day + 0.1, DAY)
    assert not limit.exceeds(night, NIGHT) and limit.exceeds(night + 0.1, NIGHT)


def test_noise_day_begins_at_0600_local_time():
    limit = limit_for("noise", noise_zone_class="2")
    assert not limit.exceeds(55, JUST_DAY)  # 55 > night 50 but 06:00 is day


def test_noise_own_threshold_keeps_the_zone_gap_at_night():
    limit = limit_for("noise", noise_zone_class="2", threshold=58)
    assert (limit.threshold, limit.threshold_night) == (58, 48)


def test_noise_without_zone_class_refused():
    with pytest.raises(ValueError, match="acoustic zone class"):
        limit_for("noise")


def test_water_level_without_threshold_refused():
    with pytest.raises(ValueError, match="needs its own threshold"):
        limit_for("water_level")


def test_dissolved_oxygen_sensor_uses_the_black_odor_rule():
    limit = limit_for("dissolved_oxygen")
    assert limit.exceeds(2.0, DAY) and not limit.exceeds(2.1, DAY)


def test_unknown_kind_named():
    with pytest.raises(ValueError, match="unknown sensor kind 'radon'"):
        limit_for("radon")


def test_physical_range_named():
    assert "outside the physical range" in physical_range_error("noise", 300)
    assert physical_range_error("noise", 80) is None
