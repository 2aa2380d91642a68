"""GeoJSON layers built in SQL, and the OpenAPI schema."""

import json

import pytest

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
