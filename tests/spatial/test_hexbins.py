"""spatial.hexbins: counts per H3 cell, (lng, lat) axis order, rings and zoom → resolution."""

import h3
import pytest
from shapely.geometry import Point, Polygon, shape

from spatial.hexbins import hexbin_counts, hexbins_feature_collection, resolution_for_zoom

# Yuexiu (越秀区): lng ≈ 113.27, lat ≈ 23.13. Swapping the axes would give a
# latitude of 113°, which does not exist, or a cell on the other side of the world.
YUEXIU = (113.2665, 23.1291)


def test_a_point_lies_in_its_cells_polygon_in_lng_lat_order():
    [only] = hexbin_counts([YUEXIU], resolution=9)
    polygon = Polygon(only.ring)
    assert polygon.contains(Point(YUEXIU))
    assert only.cell == h3.latlng_to_cell(YUEXIU[1], YUEXIU[0], 9)  # h3's own (lat, lng)
    lngs = [x for x, _ in only.ring]
    assert 113 < min(lngs) and max(lngs) < 114  # x is longitude


def test_points_in_one_cell_are_counted_together_and_busiest_cell_comes_first():
    near = [(113.2665, 23.1291), (113.26651, 23.12911), (113.26652, 23.12909)]
    far = [(113.30, 23.10)]
    bins = hexbin_counts(far + near, resolution=9)
    assert [b.count for b in bins] == [3, 1]
    assert Polygon(bins[1].ring).contains(Point(far[0]))


def test_no_points_give_no_bins():
    assert hexbin_counts([], resolution=8) == []


@pytest.mark.parametrize("resolution", [-1, 16])
def test_a_resolution_outside_h3s_range_is_refused_with_the_value(resolution):
    with pytest.raises(ValueError, match=str(resolution)):
        hexbin_counts([YUEXIU], resolution=resolution)


def test_rings_are_closed_and_counter_clockwise_as_rfc7946_asks():
    [only] = hexbin_counts([YUEXIU], resolution=8)
    assert only.ring[0] == only.ring[-1] and len(only.ring) == 7  # a hexagon: 6 vertices + closing
    assert Polygon(only.ring).exterior.is_ccw


def test_feature_collection_is_valid_geojson_with_count_and_rounded_coordinates():
    collection = hexbins_feature_collection(hexbin_counts([YUEXIU, YUEXIU], resolution=10), precision=5)
    [feature] = collection["features"]
    assert collection["type"] == "FeatureCollection"
    assert feature["properties"]["count"] == 2 and feature["id"] == feature["properties"]["cell"]
    ring = feature["geometry"]["coordinates"][0]
    assert all(len(str(v).split(".")[1]) <= 5 for xy in ring for v in xy)
    assert shape(feature["geometry"]).contains(Point(YUEXIU))


def test_zoom_13_bins_at_resolution_8_and_each_zoom_maps_to_a_finer_or_equal_resolution():
    # Resolution 8 (edge ≈ 531 m, h3.average_hexagon_edge_length) is ~50 px across at zoom 13.
    assert resolution_for_zoom(13) == 8
    resolutions = [resolution_for_zoom(z) for z in range(0, 23)]
    assert resolutions == sorted(resolutions)
    assert resolutions[0] == 0 and resolutions[-1] == 15  # clamped to h3's range
