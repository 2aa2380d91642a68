"""Traffic duty (交通管理): traffic cases snapped to the road segment they happened on.

A case of the traffic classes (big classes 02 road traffic and 22 traffic
management, :data:`gridmgmt.maps.selectors.TRAFFIC_BIG_CLASSES`) belongs to
the nearest road segment within :data:`SNAP_M` metres (geography distance;
a degree box first, so the spatial index answers). Cases farther from every
road (a courtyard, a car park) are left out of the ranking.
"""

import json

from django.db import connection

from gridmgmt.accounts.jurisdiction import Scope
from gridmgmt.maps.selectors import TRAFFIC_BIG_CLASSES

SNAP_M = 30
# 0.0005° ≥ 30 m in both axes at Guangzhou's latitude (51 m east-west, 55 m north-south): the index prefilter.
SNAP_BOX_DEG = 0.0005


def traffic_segments(*, scope: Scope, start, end, limit: int = 10, precision: int = 6) -> dict:
    """The ``limit`` road segments with most traffic cases received in [start, end), in ``scope``.

    A GeoJSON FeatureCollection (WGS84, lng/lat) of the segments with
    ``name``, ``highway`` (the OSM road class), ``cases`` and ``by_class``
    (small-class code → count), most cases first.
    """
    where_scope, scope_params = "", []
    for clause, params in scope.sql(grid="c.grid_code", community="c.community_code", street="c.street_code"):
        where_scope += f" AND {clause}"
        scope_params += params
    sql = f"""
    WITH snapped AS (
        SELECT road.id AS road_id, sc.code AS class_code
        FROM cases_case c
        JOIN events_smallclass sc ON sc.id = c.small_class_id
        JOIN events_bigclass bc ON bc.id = sc.big_class_id
        CROSS JOIN LATERAL (
            SELECT r.id FROM areas_road r
            WHERE ST_DWithin(r.geometry, c.location, %s)
              AND ST_DWithin(r.geometry::geography, c.location::geography, %s)
            ORDER BY r.geometry <-> c.location LIMIT 1
        ) road
        WHERE bc.code = ANY(%s) AND c.received_at >= %s AND c.received_at < %s {where_scope}
    ), counted AS (
        SELECT road_id, sum(n)::int AS cases, jsonb_object_agg(class_code, n) AS by_class
        FROM (SELECT road_id, class_code, count(*) AS n FROM snapped GROUP BY 1, 2) per_class
        GROUP BY road_id ORDER BY cases DESC, road_id LIMIT %s
    )
    SELECT coalesce(jsonb_agg(jsonb_build_object(
        'type', 'Feature', 'geometry', ST_AsGeoJSON(r.geometry, %s)::jsonb,
        'properties', jsonb_build_object('road', r.id, 'name', r.name, 'highway', r.highway,
                                         'cases', counted.cases, 'by_class', counted.by_class))
        ORDER BY counted.cases DESC, r.id), '[]'::jsonb)
    FROM counted JOIN areas_road r ON r.id = counted.road_id
    """
    params = [SNAP_BOX_DEG, SNAP_M, list(TRAFFIC_BIG_CLASSES), start, end, *scope_params, limit, precision]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        features = cursor.fetchone()[0]
    features = json.loads(features) if isinstance(features, str) else features
    return {"type": "FeatureCollection", "features": features}
