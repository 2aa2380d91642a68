"""Traffic cases snapped to road segments and ranked (real PostGIS).

Roads: "东西路" (primary) along lat 23.125 and "南北路" (residential) along lng
113.265, crossing at (113.265, 23.125). 0.0001° of latitude is 11.1 m.
"""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone

from gridmgmt.accounts.jurisdiction import DISTRICT, Scope
from gridmgmt.areas.models import Road
from gridmgmt.cases.models import Case
from gridmgmt.duties.traffic import traffic_segments
from gridmgmt.events.models import BigClass, SmallClass
from gridmgmt.events.services import event_create
from tests.water.conftest import areas  # noqa: F401

LAT, LNG = 23.125, 113.265


@pytest.fixture
def roads(areas):
    traffic = BigClass.objects.create(code="22", kind="event", name="交通管理")
    other = BigClass.objects.create(code="11", kind="event", name="市容环境")
    SmallClass.objects.create(big_class=traffic, code="2201", name="违法停车", time_limit_value=2,
                              time_limit_unit="working_hours")
    SmallClass.objects.create(big_class=traffic, code="2203", name="交通拥堵", time_limit_value=1,
                              time_limit_unit="working_hours")
    SmallClass.objects.create(big_class=other, code="1102", name="暴露垃圾", time_limit_value=4,
                              time_limit_unit="working_hours")
    east_west = Road.objects.create(osm_id=1, name="东西路", highway="primary",
                                    geometry=LineString((113.261, LAT), (113.269, LAT), srid=4326))
    north_south = Road.objects.create(osm_id=2, name="南北路", highway="residential",
                                      geometry=LineString((LNG, 23.121), (LNG, 23.129), srid=4326))
    return east_west, north_south


def report(code, lng, lat):
    return event_create(small_class_code=code, point=Point(lng, lat, srid=4326), channel="hotline").event


def window():
    now = timezone.now()
    return now - timedelta(days=1), now + timedelta(minutes=1)


def test_segments_ranked_by_traffic_cases_with_road_class(roads):
    report("2201", 113.262, LAT + 0.0001)  # 11 m north of 东西路
    report("2201", 113.263, LAT - 0.0002)  # 22 m south
    report("2203", 113.268, LAT)
    report("2201", LNG + 0.0001, 23.128)  # 10 m east of 南北路
    report("2201", 113.262, LAT + 0.0004)  # 44 m from every road: not snapped
    report("1102", 113.262, LAT)  # not a traffic class
    start, end = window()
    features = traffic_segments(scope=DISTRICT, start=start, end=end)["features"]
    assert [(f["properties"]["name"], f["properties"]["highway"], f["properties"]["cases"]) for f in features] == [
        ("东西路", "primary", 3), ("南北路", "residential", 1)]
    assert features[0]["properties"]["by_class"] == {"2201": 2, "2203": 1}
    assert features[0]["geometry"]["type"] == "LineString"


def test_case_near_the_crossing_goes_to_the_nearer_segment(roads):
    report("2201", LNG + 0.00005, LAT + 0.0001)  # 5 m from 南北路, 11 m from 东西路
    start, end = window()
    assert [f["properties"]["name"] for f in traffic_segments(scope=DISTRICT, start=start, end=end)["features"]] \
        == ["南北路"]


def test_period_and_scope_limit_the_count(roads):
    report("2201", 113.262, LAT)
    old = report("2201", 113.263, LAT)
    Case.objects.filter(location=old.location).update(received_at=timezone.now() - timedelta(days=40))
    start, end = window()
    assert traffic_segments(scope=DISTRICT, start=start, end=end)["features"][0]["properties"]["cases"] == 1
    other_street = Scope(street_codes=frozenset({"440104999"}))
    assert traffic_segments(scope=other_street, start=start, end=end)["features"] == []


def test_api_segments_for_a_leader_bad_dates_named_department_403(client, roads):
    from django.contrib.auth import get_user_model

    from gridmgmt.accounts.models import Role, RoleAssignment
    from gridmgmt.areas.models import Department
    report("2201", 113.262, LAT)
    leader = get_user_model().objects.create_user("leader")
    RoleAssignment.objects.create(user=leader, role=Role.DISTRICT_LEADER)
    client.force_login(leader)
    body = client.get("/api/duties/traffic/segments/").json()
    assert body["features"][0]["properties"]["cases"] == 1
    bad = client.get("/api/duties/traffic/segments/?start=2026-02-30")
    assert bad.status_code == 400 and "start" in bad.content.decode()
    backwards = client.get("/api/duties/traffic/segments/?start=2026-03-02&end=2026-03-01")
    assert backwards.status_code == 400 and "before start" in backwards.content.decode()
    handler = get_user_model().objects.create_user("handler")
    RoleAssignment.objects.create(user=handler, role=Role.DEPARTMENT_HANDLER,
                                  department=Department.objects.create(code="JJ", name="交警"))
    client.force_login(handler)
    assert client.get("/api/duties/traffic/segments/").status_code == 403
