"""Tests for spatial.crs on the real Yuexiu GCJ-02/WGS84 outline pair."""

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import CRS
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, shape

from spatial.crs import (
    lnglat_range_problem,
    GCJ02,
    UnknownCRSError,
    from_wgs84,
    gcj02_to_wgs84,
    parse_crs,
    to_wgs84,
    wgs84_to_gcj02,
)

# The real outlines the demo is built from (provenance in fixtures/yuexiu/README.md).
YUEXIU_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "yuexiu" / "source"

# Guangzhou city centre (Haizhu Square), WGS84 (lng, lat).
GUANGZHOU_WGS84 = (113.2644, 23.1291)


def _read_outline(name: str) -> Polygon | MultiPolygon:
    features = json.loads((YUEXIU_DIR / name).read_text(encoding="utf-8"))["features"]
    return shapely.union_all([shape(feature["geometry"]) for feature in features])


def _iou(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon) -> float:
    return a.intersection(b).area / a.union(b).area


@pytest.fixture(scope="module")
def yuexiu_gcj02() -> Polygon | MultiPolygon:
    return _read_outline("yuexiu_outline_gcj02.json")


@pytest.fixture(scope="module")
def yuexiu_wgs84() -> Polygon | MultiPolygon:
    return _read_outline("yuexiu_outline_wgs84.geojson")


def test_yuexiu_gcj02_outline_is_offset_as_is(yuexiu_gcj02, yuexiu_wgs84):
    # Data README: IoU 0.716 before conversion (the ~620 m GCJ-02 shift).
    assert _iou(yuexiu_gcj02, yuexiu_wgs84) < 0.8


def test_yuexiu_gcj02_outline_matches_wgs84_after_conversion(yuexiu_gcj02, yuexiu_wgs84):
    # Data README: IoU 0.993 after a standard GCJ-02 -> WGS84 conversion; the
    # remainder is the two publishers' different simplification of the line.
    assert _iou(to_wgs84(yuexiu_gcj02, "gcj02"), yuexiu_wgs84) >= 0.99


def test_gcj02_round_trip_is_within_1e_7_degrees(yuexiu_wgs84):
    back = gcj02_to_wgs84(wgs84_to_gcj02(yuexiu_wgs84))
    assert back.geom_type == yuexiu_wgs84.geom_type
    np.testing.assert_allclose(
        shapely.get_coordinates(back), shapely.get_coordinates(yuexiu_wgs84), rtol=0, atol=1e-7
    )


def test_gcj02_offset_in_guangzhou_is_hundreds_of_metres():
    wgs = Point(GUANGZHOU_WGS84)
    shift_m = from_wgs84(wgs, 32649).distance(from_wgs84(wgs84_to_gcj02(wgs), 32649))
    # domain.md: about 620 m in Yuexiu.
    assert 500 < shift_m < 700


def test_point_outside_china_is_unchanged():
    oakland = Point(-122.3, 37.8)
    assert wgs84_to_gcj02(oakland).equals_exact(oakland, 0)
    assert gcj02_to_wgs84(oakland).equals_exact(oakland, 0)


def test_geometry_type_is_kept_for_lines_and_empty_geometries():
    line = LineString([GUANGZHOU_WGS84, (113.27, 23.13)])
    assert to_wgs84(line, GCJ02).geom_type == "LineString"
    assert to_wgs84(Polygon(), "GCJ02").is_empty


def test_utm_49n_round_trip_keeps_coordinates(yuexiu_wgs84):
    projected = from_wgs84(yuexiu_wgs84, "EPSG:32649")
    # Official area 33.8 km2; the data README measured this outline at 33.64 km2.
    assert projected.area / 1e6 == pytest.approx(33.64, abs=0.05)
    np.testing.assert_allclose(
        shapely.get_coordinates(to_wgs84(projected, 32649)),
        shapely.get_coordinates(yuexiu_wgs84),
        rtol=0,
        atol=1e-9,
    )


def test_wgs84_to_wgs84_is_identity():
    point = Point(GUANGZHOU_WGS84)
    assert to_wgs84(point, 4326).equals_exact(point, 1e-12)


@pytest.mark.parametrize("value", [4326, "4326", "EPSG:4326", "epsg:4326", CRS.from_epsg(4326)])
def test_parse_crs_accepts_epsg_forms(value):
    assert parse_crs(value) == CRS.from_epsg(4326)


@pytest.mark.parametrize("value", ["gcj02", "GCJ02", " Gcj02 "])
def test_parse_crs_accepts_gcj02_in_any_case(value):
    assert parse_crs(value) == GCJ02


def test_parse_crs_accepts_proj_string():
    assert parse_crs("+proj=utm +zone=49 +datum=WGS84 +units=m").is_projected


@pytest.mark.parametrize("value", ["EPSG:999999", "bd09-ish", 123456789, True, 4326.0])
def test_unknown_crs_error_names_the_value(value):
    with pytest.raises(UnknownCRSError, match=repr(value).replace(".", r"\.")):
        to_wgs84(Point(0, 0), value)


def test_unknown_crs_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_crs("not a crs")


def test_lnglat_range_problem_names_projected_metres():
    assert lnglat_range_problem(box(113.26, 23.12, 113.28, 23.14)) is None
    assert lnglat_range_problem(box(500000, 2558000, 502000, 2560000)) == (
        "coordinates x 500000…502000, y 2.558e+06…2.56e+06 are outside the longitude/latitude range "
        "(x -180…180, y -90…90)")
    assert lnglat_range_problem(box(179, 89, 181, 90)) is not None


def test_superscript_digit_crs_is_an_unknown_crs_not_a_crash():
    """R1's kind: '²'.isdigit() is true but int('²') raises ValueError."""
    import pytest

    from spatial.crs import UnknownCRSError, parse_crs
    with pytest.raises(UnknownCRSError):
        parse_crs("²")
