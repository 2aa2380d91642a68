"""Map layers: open cases per grid, report hexagons, grid summary, traffic, medical; scoped by area."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone

from gridmgmt.areas.models import HealthFacility, Road
from gridmgmt.cases.models import Case
from gridmgmt.events.models import BigClass, SmallClass
from spatial.hexbins import resolution_for_zoom

pytestmark = pytest.mark.django_db


def by_code(collection: dict) -> dict:
    return {f["properties"]["code"]: f["properties"] for f in collection["features"]}


def test_choropleth_counts_open_cases_per_grid_and_leaves_finished_ones_out(make_event, case_of, client_as, world):
    a_open, a_closed, _ = (case_of(make_event("A")) for _ in range(3))
    make_event("B")
    Case.objects.filter(pk=a_closed.pk).update(status="closed")
    Case.objects.filter(pk=a_open.pk).update(status="dispatched")
    response = client_as("dispatcher").get("/api/maps/open-cases-by-grid/")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    grids = by_code(response.json())
    assert grids[world["A"]["grid"].code]["open_cases"] == 2  # reported + dispatched; closed left out
    assert grids[world["B"]["grid"].code]["open_cases"] == 1


def test_a_street_supervisor_sees_only_the_grids_of_their_street(make_event, client_as, world):
    make_event("B")
    grids = by_code(client_as("street_supA").get("/api/maps/open-cases-by-grid/").json())
    assert list(grids) == [world["A"]["grid"].code]


@pytest.mark.parametrize("name", ["handler1", "head1"])
def test_department_staff_get_403_from_area_layers_not_an_empty_map(client_as, name):
    for url in ("/api/maps/open-cases-by-grid/", "/api/maps/report-hexbins/", "/api/maps/traffic-cases/"):
        assert client_as(name).get(url).status_code == 403


def test_anonymous_readers_are_refused(client):
    assert client.get("/api/maps/report-hexbins/").status_code in (401, 403)


def test_hexbins_count_recent_reports_at_the_zooms_resolution(make_event, client_as, world):
    for _ in range(3):
        make_event("A", lng=113.265, lat=23.125)
    make_event("B", lng=113.275, lat=23.125)
    make_event("A", lng=113.261, lat=23.121, received_at=timezone.now() - timedelta(days=40))
    body = client_as("leader").get("/api/maps/report-hexbins/?zoom=15&days=30").json()
    assert body["resolution"] == resolution_for_zoom(15)
    assert sorted(f["properties"]["count"] for f in body["features"]) == [1, 3]  # the 40-day-old one left out
    assert sum(f["properties"]["count"] for f in client_as("leader").get(
        "/api/maps/report-hexbins/?zoom=15&days=60").json()["features"]) == 5


def test_hexbins_follow_the_scope_and_the_bbox(make_event, client_as):
    make_event("A", lng=113.265, lat=23.125)
    make_event("B", lng=113.275, lat=23.125)
    only_b = client_as("community_supB").get("/api/maps/report-hexbins/?zoom=14").json()["features"]
    assert [f["properties"]["count"] for f in only_b] == [1]
    ring = only_b[0]["geometry"]["coordinates"][0]
    assert all(113.27 < lng < 113.28 for lng, _ in ring)  # B's report, in (lng, lat) order
    west = client_as("leader").get("/api/maps/report-hexbins/?zoom=14&in_bbox=113.26,23.12,113.27,23.13").json()
    assert sum(f["properties"]["count"] for f in west["features"]) == 1


def test_grid_summary_names_households_workers_and_open_cases(make_event, case_of, client_as, world):
    case = case_of(make_event("A"))
    code = world["A"]["grid"].code
    body = client_as("street_supA").get(f"/api/maps/grids/{code}/").json()
    assert body["households"] == 200 and body["workers"] == ["workerA"]
    assert body["open_cases"] == 1 and body["by_status"] == {"reported": 1}
    assert (body["latest"][0]["id"], body["latest"][0]["number"]) == (case.pk, case.number)
    assert client_as("street_supA").get(f"/api/maps/grids/{world['B']['grid'].code}/").status_code == 404


def test_traffic_layer_shows_open_traffic_cases_only(make_event, case_of, client_as, world):
    traffic = BigClass.objects.create(code="22", kind="event", name="交通管理")
    signal = SmallClass.objects.create(big_class=traffic, code="2202", name="交通信号灯故障",
                                       default_department=world["d1"], time_limit_value=4,
                                       time_limit_unit="working_hours")
    make_event("A")  # rubbish: not traffic
    case = case_of(make_event("B"))
    Case.objects.filter(pk=case.pk).update(small_class=signal, deadline=timezone.now() - timedelta(hours=1),
                                           status="dispatched")
    features = client_as("dispatcher").get("/api/maps/traffic-cases/").json()["features"]
    assert [(f["properties"]["case"], f["properties"]["overdue"]) for f in features] == [(case.pk, True)]
    assert features[0]["properties"]["number"] == case.number  # what the tooltip says, as every page does


def test_medical_and_road_layers_filter_by_bbox(client):
    HealthFacility.objects.create(osm_id=1, name="中山医院", kind="hospital", location=Point(113.265, 23.125))
    HealthFacility.objects.create(osm_id=2, name="far", kind="pharmacy", location=Point(113.5, 23.5))
    Road.objects.create(osm_id=3, name="中山路", highway="primary",
                        geometry=LineString((113.26, 23.125), (113.27, 23.125)))
    near = client.get("/api/maps/health-facilities/?in_bbox=113.2,23.1,113.3,23.2").json()["features"]
    assert [f["properties"]["name"] for f in near] == ["中山医院"]
    roads = client.get("/api/maps/roads/").json()["features"]
    assert roads[0]["properties"] == {"name": "中山路", "highway": "primary"}
