"""Black-odorous classes at the 2015 guide's thresholds (no database)."""

import pytest

from gridmgmt.water.quality import (
    BlackOdorClass,
    WaterSample,
    classify,
    classify_series,
)

NONE, LIGHT, SEVERE = BlackOdorClass.NONE, BlackOdorClass.LIGHT, BlackOdorClass.SEVERE


@pytest.mark.parametrize("value, expected", [
    (30, NONE), (25.01, NONE), (25, LIGHT), (10, LIGHT), (9.99, SEVERE), (0, SEVERE)])
def test_transparency_bounds_25_and_10_cm(value, expected):
    assert classify(WaterSample(transparency_cm=value)) == expected


@pytest.mark.parametrize("value, expected", [
    (5.0, NONE), (2.01, NONE), (2.0, LIGHT), (0.2, LIGHT), (0.19, SEVERE)])
def test_dissolved_oxygen_bounds_2_and_0_2_mg_l(value, expected):
    assert classify(WaterSample(dissolved_oxygen_mg_l=value)) == expected


@pytest.mark.parametrize("value, expected", [
    (120, NONE), (50.1, NONE), (50, LIGHT), (-200, LIGHT), (-200.1, SEVERE)])
def test_orp_bounds_50_and_minus_200_mv(value, expected):
    assert classify(WaterSample(orp_mv=value)) == expected


@pytest.mark.parametrize("value, expected", [
    (1.0, NONE), (7.99, NONE), (8.0, LIGHT), (15, LIGHT), (15.01, SEVERE)])
def test_ammonia_nitrogen_bounds_8_and_15_mg_l(value, expected):
    assert classify(WaterSample(ammonia_nitrogen_mg_l=value)) == expected


def test_worst_indicator_decides_one_sample():
    sample = WaterSample(transparency_cm=40, dissolved_oxygen_mg_l=1.0, orp_mv=100, ammonia_nitrogen_mg_l=20)
    assert classify(sample) == SEVERE


def test_shallow_water_transparency_bound_is_40_percent_of_depth():
    # 20 cm deep: light bound 8 cm (guide's note), severe bound capped at 8 cm too.
    assert classify(WaterSample(transparency_cm=9, water_depth_cm=20)) == NONE
    assert classify(WaterSample(transparency_cm=8, water_depth_cm=20)) == LIGHT
    assert classify(WaterSample(transparency_cm=7.9, water_depth_cm=20)) == SEVERE


def test_out_of_physical_range_refused_by_name():
    with pytest.raises(ValueError, match="dissolved_oxygen_mg_l=-1"):
        classify(WaterSample(dissolved_oxygen_mg_l=-1))


def test_sample_without_indicators_refused():
    with pytest.raises(ValueError, match="no indicator"):
        classify(WaterSample(water_depth_cm=50))


def test_series_one_indicator_60_percent_severe_is_severe():
    samples = [WaterSample(ammonia_nitrogen_mg_l=v) for v in (16, 17, 18, 5, 5)]  # 3/5 = 60 % severe
    assert classify_series(samples) == SEVERE


def test_series_two_indicators_30_percent_severe_is_severe():
    samples = [WaterSample(ammonia_nitrogen_mg_l=n, dissolved_oxygen_mg_l=d)
               for n, d in [(16, 0.1), (5, 5), (5, 5)]]  # each 1/3 ≈ 33 % severe
    assert classify_series(samples) == SEVERE


def test_series_one_indicator_below_60_percent_severe_is_light():
    samples = [WaterSample(ammonia_nitrogen_mg_l=v) for v in (16, 17, 5, 5, 5)]  # 40 %: light only
    assert classify_series(samples) == LIGHT
