"""The department's case page: where the case is (map, grid, own position, address, geo: URI, WGS84 and GCJ-02)."""

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from shapely.geometry import Point as ShapelyPoint

from gridmgmt.cases import services
from gridmgmt.events.services import event_create
from spatial.crs import wgs84_to_gcj02
from tests.web.conftest import DESKTOP


def dispatched_case(district, address="越秀区中山五路193号"):
    users = district.users
    event = event_create(small_class_code="1102", point=Point(113.2655, 23.1255, srid=4326), channel="hotline",
                         description="路边垃圾堆", address=address).event
    case = event.case_source.case
    services.case_open(case_id=case.pk, version=case.version, actor=users["call_taker"])
    services.case_dispatch(case_id=case.pk, version=2, actor=users["dispatcher"])
    return case


def test_case_page_gives_address_geo_uri_and_both_coordinate_systems(small_district):
    case = dispatched_case(small_district)
    client = Client()
    client.force_login(small_district.users["handler"])
    html = client.get(f"/department/cases/{case.pk}/").content.decode()
    gcj = wgs84_to_gcj02(ShapelyPoint(113.2655, 23.1255))
    assert 'href="geo:23.125500,113.265500"' in html and "越秀区中山五路193号" in html
    assert f"{round(gcj.y, 6)}, {round(gcj.x, 6)}" in html  # GCJ-02 is some 500 m off in Guangzhou
    assert (gcj.x, gcj.y) != pytest.approx((113.2655, 23.1255), abs=1e-3)


def test_case_without_address_says_so(small_district):
    case = dispatched_case(small_district, address="")
    client = Client()
    client.force_login(small_district.users["handler"])
    assert "data-testid=\"case-address\"" in client.get(f"/department/cases/{case.pk}/").content.decode()


@pytest.mark.browser
def test_handler_sees_the_case_its_grid_and_own_position_with_the_place_above_the_history_on_a_phone(
        live_district, page_as, screenshot):
    case = dispatched_case(live_district)
    page = page_as(live_district.users["handler"])
    page.goto(f"/department/cases/{case.pk}/")
    page.locator("#case-map path.layer-grids").wait_for()
    page.locator("#case-map .leaflet-marker-icon").wait_for()
    page.locator("#case-map .my-position").wait_for()  # the handler's GPS position
    page.locator("#gps-status").filter(has_text="23.125").wait_for()
    place = page.get_by_test_id("case-place").bounding_box()
    history = page.get_by_test_id("case-history").bounding_box()
    assert place["y"] < history["y"]  # phone: where to go and what to do first
    screenshot(page, "department-case-place")
    page.set_viewport_size(DESKTOP)
    place = page.get_by_test_id("case-place").bounding_box()
    assert place["x"] > page.get_by_test_id("case-history").bounding_box()["x"]  # desk: side by side
    assert page.context.blocked == []
