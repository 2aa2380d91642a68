"""The areas API (gridmgmt.areas.api): GeoJSON layers built in SQL, /api/locate, and the OpenAPI schema."""

import json

import pytest
from django.contrib.gis.geos import Point
from shapely import from_wkb

from gridmgmt.areas.models import Community
from spatial.crs import wgs84_to_gcj02

pytestmark = pytest.mark.django_db


def test_streets_layer_is_a_feature_collection_of_all_18(client, yuexiu):
    response = client.get("/api/streets/")
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 18
    assert body["features"][0]["properties"]["code"] == "440104001"
    assert body["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_bbox_keeps_only_intersecting_communities(client, yuexiu):
    everything = json.loads(client.get("/api/communities/").content)["features"]
    some = json.loads(client.get("/api/communities/", {"in_bbox": "113.26,23.12,113.27,23.13"}).content)["features"]
    assert 0 < len(some) < len(everything) == 222


def test_precision_rounds_coordinates(client, yuexiu):
    body = json.loads(client.get("/api/streets/", {"precision": 2}).content)
    lng, lat = body["features"][0]["geometry"]["coordinates"][0][0][0]
    assert round(lng, 2) == lng and round(lat, 2) == lat


def test_buildings_filter_by_community(client, yuexiu):
    body = json.loads(client.get("/api/buildings/", {"community": "440104001007"}).content)
    assert body["features"] and {f["properties"]["community_code"] for f in body["features"]} == {"440104001007"}


@pytest.mark.parametrize("params, bad", [({"in_bbox": "1,2,3"}, "in_bbox"), ({"precision": "20"}, "precision")])
def test_bad_layer_parameters_are_named(client, params, bad):
    response = client.get("/api/streets/", params)
    assert response.status_code == 400 and bad in response.json()


def test_openapi_schema_and_docs_page_are_served_without_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/locate" in schema["paths"] and "/api/grids/" in schema["paths"]
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn.jsdelivr" not in docs


def inside_point(community: Community) -> tuple[float, float]:
    point = community.boundary.point_on_surface
    return point.x, point.y


def test_point_inside_returns_its_street_and_community(client, yuexiu):
    for community in Community.objects.select_related("street").order_by("code")[::37]:
        lng, lat = inside_point(community)
        body = client.get("/api/locate", {"lat": lat, "lng": lng}).json()
        assert body["community"]["code"] == community.code
        assert body["street"]["code"] == community.street.code
        assert body["district"] == {"code": "440104", "name": "越秀区", "name_en": ""}


def test_gcj02_point_is_converted_before_lookup(client, yuexiu):
    community = Community.objects.get(code="440104001007")
    lng, lat = inside_point(community)
    shifted = wgs84_to_gcj02(from_wkb(bytes(Point(lng, lat).wkb)))
    body = client.get("/api/locate", {"lat": shifted.y, "lng": shifted.x, "crs": "gcj02"}).json()
    assert body["community"]["code"] == "440104001007"
    assert abs(body["lng"] - lng) < 1e-6 and abs(body["lat"] - lat) < 1e-6


def test_point_outside_the_district_is_404_with_a_message(client, yuexiu):
    response = client.get("/api/locate", {"lat": 39.9, "lng": 116.4})  # Beijing
    assert response.status_code == 404
    assert "not inside any community" in response.json()["detail"]


@pytest.mark.parametrize("params, bad", [
    ({"lat": "abc", "lng": "113.27"}, "lat"),
    ({"lat": "23.13", "lng": "x"}, "lng"),
    ({"lat": "95", "lng": "113.27"}, "lat"),
    ({"lat": "23.13", "lng": "-181"}, "lng"),
    ({"lng": "113.27"}, "lat"),
    ({"lat": "nan", "lng": "113.27"}, "lat"),
    ({"lat": "23.13", "lng": "113.27", "crs": "EPSG:999999"}, "crs"),
])
def test_bad_parameters_are_400_naming_the_parameter(client, params, bad):
    response = client.get("/api/locate", params)
    assert response.status_code == 400
    assert bad in response.json()


def test_seam_point_resolves_to_one_community_deterministically(client, yuexiu):
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("""SELECT ST_X(p), ST_Y(p) FROM (
            SELECT ST_PointOnSurface(ST_Intersection(a.boundary, b.boundary)) p
            FROM areas_community a JOIN areas_community b ON a.code < b.code AND ST_Touches(a.boundary, b.boundary)
            LIMIT 1) t""")
        lng, lat = cursor.fetchone()
    codes = {client.get("/api/locate", {"lat": lat, "lng": lng}).json()["community"]["code"] for _ in range(3)}
    assert len(codes) == 1
