"""Where a case is, for the people going there: coordinates in WGS84 and GCJ-02, a geo: URI, the address, its grid."""

import json

from django.conf import settings
from shapely.geometry import Point as ShapelyPoint

from gridmgmt.web import selectors
from spatial.crs import wgs84_to_gcj02


def case_place(case, reports=()) -> dict:
    """``case.location`` (WGS84) as the department's case page shows it.

    ``gcj02`` is what Chinese map apps (Amap, Baidu's GCJ mode, Tencent) take;
    ``geo_uri`` (RFC 5870, WGS84) opens the phone's own navigation app. The
    address is the first report's that has one ("" otherwise). ``grid`` is a
    GeoJSON FeatureCollection of the case's grid (empty when it has none).
    """
    lng, lat = case.location.x, case.location.y
    gcj = wgs84_to_gcj02(ShapelyPoint(lng, lat))
    address = next((event.address for event in reports if event.address), "")
    grid = json.loads(selectors.grids_layer(codes=[case.grid_code], precision=settings.GEOJSON_PRECISION)) \
        if case.grid_code else {"type": "FeatureCollection", "features": []}
    return {
        "lng": round(lng, 6), "lat": round(lat, 6), "gcj_lng": round(gcj.x, 6), "gcj_lat": round(gcj.y, 6),
        "geo_uri": f"geo:{lat:.6f},{lng:.6f}", "address": address, "grid": grid,
    }
