"""The dashboard's list beside the tiles: open-case totals, the busiest grids with bounds, the layer version."""

import pytest

from gridmgmt.cases.models import Case

pytestmark = pytest.mark.django_db
URL = "/api/maps/open-cases-summary/"


def test_busiest_grids_first_with_their_bounds_and_totals(make_event, case_of, client_as, world):
    for _ in range(3):
        make_event("B")
    closed = case_of(make_event("A"))
    make_event("A")
    Case.objects.filter(pk=closed.pk).update(status="closed")
    body = client_as("leader").get(URL).json()
    b, a = world["B"]["grid"], world["A"]["grid"]
    assert [(g["code"], g["open_cases"]) for g in body["hottest"]] == [(b.code, 3), (a.code, 1)]
    assert body["hottest"][0]["bbox"] == pytest.approx([113.27, 23.12, 113.28, 23.13])
    assert (body["open_cases"], body["grids_with_open_cases"]) == (4, 2)


def test_summary_follows_the_scope(make_event, client_as, world):
    make_event("A")
    make_event("B")
    body = client_as("street_supA").get(URL).json()
    assert [g["code"] for g in body["hottest"]] == [world["A"]["grid"].code] and body["open_cases"] == 1
    assert client_as("handler1").get(URL).status_code == 403


def test_version_and_etag_change_with_an_open_case_and_not_otherwise(make_event, case_of, client_as, world):
    client = client_as("dispatcher")
    first = client.get(URL)
    assert client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    case = case_of(make_event("A"))
    second = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second.json()["version"] != first.json()["version"]
    Case.objects.filter(pk=case.pk).update(status="cancelled")  # leaves the open count: the version goes back
    assert client.get(URL).json()["version"] == first.json()["version"]
    world["A"]["community"].__class__.objects.filter(pk=world["A"]["community"].pk).update(name="新名社区")
    assert client.get(URL).json()["version"] != first.json()["version"]  # the GeoJSON layer shows the name


def test_the_geojson_layer_answers_304_before_building_it(client_as, monkeypatch):
    client = client_as("dispatcher")
    etag = client.get("/api/maps/open-cases-by-grid/")["ETag"]

    def build_refused(**kwargs):
        raise AssertionError("an unchanged layer was built again")

    monkeypatch.setattr("gridmgmt.maps.selectors.open_cases_by_grid_layer", build_refused)
    assert client.get("/api/maps/open-cases-by-grid/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_moved_report_changes_the_hexagons_version(make_event, client_as):
    from django.contrib.gis.geos import Point

    event = make_event("A", lng=113.261, lat=23.121)
    client = client_as("dispatcher")
    url = "/api/maps/report-hexbins/?zoom=15"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    event.location = Point(113.269, 23.129, srid=4326)
    event.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_grid_summary_gives_the_grids_bounds(client_as, world):
    body = client_as("dispatcher").get(f"/api/maps/grids/{world['A']['grid'].code}/").json()
    assert body["bbox"] == pytest.approx([113.26, 23.12, 113.27, 23.13])
