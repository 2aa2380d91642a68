from shapely.geometry import LineString, Point, box

from spatial.equirectangular import equirectangular


def test_round_trip_is_exact_to_floating_point():
    area = box(113.25, 23.11, 113.31, 23.17)
    to_metric, to_wgs84 = equirectangular(area)
    back = to_wgs84(to_metric(area))
    assert back.symmetric_difference(area).area < 1e-18


def test_scale_is_metres_near_the_origin():
    # 0.01° of latitude is 1105.74 m; 0.01° of longitude at 23.14° N is 1023.64 m (111320 · cos 23.14° · 0.01).
    to_metric, _ = equirectangular(box(113.27, 23.13, 113.29, 23.15))
    assert abs(to_metric(LineString([(113.28, 23.14), (113.28, 23.15)])).length - 1105.74) < 0.01
    assert abs(to_metric(LineString([(113.28, 23.14), (113.29, 23.14)])).length - 1023.64) < 0.01


def test_a_vertex_on_an_edge_stays_on_it():
    edge = LineString([(113.25, 23.11), (113.31, 23.17)])
    vertex = edge.interpolate(0.37, normalized=True)
    to_metric, _ = equirectangular(edge)
    assert to_metric(edge).distance(to_metric(Point(vertex))) < 1e-9
