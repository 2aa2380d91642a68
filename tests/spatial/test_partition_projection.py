"""The local metric projection the partitioner works in."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import Polygon, box

from spatial.projection import local_metric

# Roughly 三眼井社区 in Yuexiu, WGS84 (lng, lat).
COMMUNITY_WGS84 = box(113.262, 23.128, 113.270, 23.134)


def test_round_trip_is_exact_to_a_micrometre():
    to_metric, to_wgs84 = local_metric(COMMUNITY_WGS84)
    back = to_wgs84(to_metric(COMMUNITY_WGS84))
    assert shapely.get_coordinates(back) == pytest.approx(shapely.get_coordinates(COMMUNITY_WGS84), abs=1e-11)


def test_metres_match_the_geodesic_size():
    to_metric, _ = local_metric(COMMUNITY_WGS84)
    min_x, min_y, max_x, max_y = to_metric(COMMUNITY_WGS84).bounds
    # 0.008° of longitude along 23.131° N is 819.39 m and 0.006° of latitude
    # is 664.48 m on the WGS84 ellipsoid (pyproj.Geod(ellps="WGS84").inv,
    # computed once); the envelope spans the 23.128° edge, hence 0.5 m slack.
    assert max_x - min_x == pytest.approx(819.39, abs=0.5)
    assert max_y - min_y == pytest.approx(664.48, abs=0.5)
    assert abs(min_x + max_x) < 1.0 and abs(min_y + max_y) < 1.0  # centred


def test_shared_vertices_map_identically():
    west = Polygon([(113.262, 23.128), (113.266, 23.128), (113.266, 23.134), (113.262, 23.134)])
    east = Polygon([(113.266, 23.128), (113.270, 23.128), (113.270, 23.134), (113.266, 23.134)])
    to_metric, _ = local_metric(COMMUNITY_WGS84)
    west_m, east_m = to_metric(west), to_metric(east)
    assert west_m.intersection(east_m).area == 0.0
    assert west_m.union(east_m).area == pytest.approx(west_m.area + east_m.area)
    assert west_m.touches(east_m)


def test_empty_geometry_is_refused():
    with pytest.raises(ValueError, match="non-empty"):
        local_metric(Polygon())
