"""Call-taker intake: a phone report through the one intake core, its caller kept private; the page in Chromium."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.test import Client
from shapely.geometry import Point as ShapelyPoint

from gridmgmt.accounts.models import Role
from gridmgmt.events.models import Channel, Event
from gridmgmt.geocoding.models import Place
from gridmgmt.hotline.models import HotlineCall
from gridmgmt.hotline.services import hotline_call_take
from spatial.crs import wgs84_to_gcj02
from tests.factories import user as make_user
from tests.web.conftest import DESKTOP

INSIDE = Point(113.2655, 23.1255, srid=4326)  # grid 01 of the small district


def take(district, **overrides):
    values = {"line": "12345", "caller_phone": "138 0013 8000", "caller_name": "王女士", "small_class_code": "1102",
              "point": INSIDE, "description": "楼下垃圾没人清", "taken_by": district.users["call_taker"]}
    return hotline_call_take(**{**values, **overrides})


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_phone_report_follows_the_normal_loop_on_the_hotline_channel(small_district):
    event = take(small_district)
    assert event.channel == Channel.HOTLINE and event.grid_code == small_district.grids[0].code
    assert event.case_source.case.status == "reported"
    assert event.hotline_call.caller_phone == "138 0013 8000" and not event.hotline_call.walk_in


def test_12319_goes_on_the_urban_line_and_walk_in_is_marked(small_district):
    assert take(small_district, line="12319").channel == Channel.URBAN_LINE
    assert take(small_district, line="walk_in", description="来访").hotline_call.walk_in


def test_bad_phone_number_stores_nothing(small_district):
    with pytest.raises(ValidationError, match="caller_phone"):
        take(small_district, caller_phone="call me")
    assert Event.objects.count() == 0


def test_point_outside_the_district_is_refused_by_the_core_and_stores_no_caller(small_district):
    with pytest.raises(ValidationError):
        take(small_district, point=Point(114.5, 22.5, srid=4326))
    assert HotlineCall.objects.count() == 0


def test_callers_phone_and_name_never_reach_the_event_api(small_district):
    event = take(small_district)
    body = signed_in(small_district.users["handler"]).get(f"/api/events/{event.pk}/").content.decode()
    body += signed_in(small_district.users["dispatcher"]).get(f"/api/events/{event.pk}/").content.decode()
    assert "13800138000" not in body.replace(" ", "") and "王女士" not in body


def test_page_saves_a_report_placed_by_gcj02_coordinates(small_district):
    gcj = wgs84_to_gcj02(ShapelyPoint(113.2655, 23.1255))
    response = signed_in(small_district.users["call_taker"]).post("/intake/", {
        "line": "12345", "caller_phone": "13800138000", "service_code": "1102", "description": "电话上报",
        "lng": gcj.x, "lat": gcj.y, "crs": "gcj02"})
    assert response.status_code == 302
    stored = Event.objects.get().location
    assert stored.x == pytest.approx(113.2655, abs=1e-5) and stored.y == pytest.approx(23.1255, abs=1e-5)


def test_page_refuses_a_missing_place_with_400_and_stores_nothing(small_district):
    response = signed_in(small_district.users["call_taker"]).post("/intake/", {
        "line": "12345", "caller_phone": "13800138000", "service_code": "1102", "description": "无地点"})
    assert response.status_code == 400 and Event.objects.count() == 0


def test_page_refuses_a_place_outside_the_district_with_400_naming_it(small_district):
    response = signed_in(small_district.users["call_taker"]).post("/intake/", {
        "line": "12345", "caller_phone": "13800138000", "service_code": "1102", "description": "外地",
        "lng": 114.5, "lat": 22.5, "crs": "wgs84"})
    assert response.status_code == 400 and Event.objects.count() == 0
    assert b'data-testid="intake-error"' in response.content


def test_page_and_search_are_for_the_call_centre_only(small_district):
    client = signed_in(small_district.users["worker"])
    assert client.get("/intake/").status_code == 403
    assert client.get("/intake/places/?q=x").status_code == 403


def test_search_answers_json_places(small_district):
    Place.objects.create(kind="address", name="越秀区中山五路193号", address="", location=INSIDE, source="csv",
                         source_id="1")
    [found] = signed_in(small_district.users["call_taker"]).get("/intake/places/?q=中山五路").json()["results"]
    assert (found["name"], found["lng"], found["lat"]) == ("越秀区中山五路193号", 113.2655, 23.1255)


def test_saved_notice_links_the_new_case_for_its_call_taker_only(small_district):
    client = signed_in(small_district.users["call_taker"])
    response = client.post("/intake/", {"line": "12345", "caller_phone": "13800138000", "service_code": "1102",
                                        "description": "电话上报", "lng": INSIDE.x, "lat": INSIDE.y})
    case = Event.objects.get().case_source.case
    page = client.get(response.url).content.decode()
    assert 'data-testid="intake-saved"' in page and f'href="/console/cases/{case.pk}/"' in page
    assert case.number in page
    shift_leader = signed_in(make_user("leader", Role.SHIFT_LEADER)).get(response.url).content.decode()
    assert 'data-testid="intake-saved"' not in shift_leader  # another's call: no notice
    assert client.get("/intake/?saved=x").status_code == 400


def test_search_box_example_is_a_stored_place_or_says_the_index_is_empty(small_district):
    client = signed_in(small_district.users["call_taker"])
    assert 'data-testid="no-places"' in client.get("/intake/").content.decode()
    Place.objects.create(kind="building", name="三眼井社区示例楼1号", address="", location=INSIDE, source="buildings",
                         source_id="1")
    page = client.get("/intake/").content.decode()
    assert "三眼井社区示例楼1号" in page and 'data-testid="no-places"' not in page


@pytest.mark.browser
def test_call_taker_takes_a_phone_report_by_address_search_and_sees_duplicates(live_district, page_as, screenshot):
    Place.objects.create(kind="address", name="越秀区中山五路193号", address="广州市越秀区中山五路193号",
                         location=INSIDE, source="csv", source_id="1")
    earlier = take(live_district, description="早先的电话")
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/intake/")
    page.get_by_test_id("caller-phone").fill("13900139000")
    page.get_by_test_id("service-code").select_option("1102")
    page.get_by_test_id("description").fill("中山五路有垃圾堆")
    page.get_by_test_id("place-search").fill("中山五路")
    page.get_by_test_id("place-result").first.click()
    page.get_by_test_id("point-text").filter(has_text="23.1255").wait_for()
    page.locator("[data-testid=duplicate]").filter(has_text=str(earlier.pk)).wait_for()
    assert page.get_by_test_id("address").input_value() == "广州市越秀区中山五路193号"
    screenshot(page, "intake-hotline")
    page.get_by_test_id("save-report").click()
    page.get_by_test_id("saved-case").click()
    event = Event.objects.exclude(pk=earlier.pk).get()
    page.wait_for_url(f"**/console/cases/{event.case_source.case_id}/")
    assert (event.channel, event.description, event.hotline_call.caller_phone) == (
        Channel.HOTLINE, "中山五路有垃圾堆", "13900139000")
    assert event.grid_code == live_district.grids[0].code
    assert page.context.blocked == []


@pytest.mark.parametrize("lng, lat", [
    ("\u0661\u0661\u0663.\u0662\u0666\u0665\u0665", "23.1255"),  # Arabic-Indic digits: forms.FloatField took them
    ("113.2655", "\uff12\uff13.\uff11\uff12\uff15\uff15"),  # full-width digits
    ("11_3.2655", "23.1255"),
    ("113.2655", "nan"),
])
def test_page_refuses_coordinates_that_are_no_ascii_number_naming_them(small_district, lng, lat):
    response = signed_in(small_district.users["call_taker"]).post("/intake/", {
        "line": "12345", "caller_phone": "13800138000", "service_code": "1102", "description": "电话上报",
        "lng": lng, "lat": lat, "crs": "wgs84"})
    assert response.status_code == 400 and Event.objects.count() == 0 and HotlineCall.objects.count() == 0
    assert response.context["form"].errors.keys() & {"lng", "lat"}  # the page asks to choose the place again


def test_page_saves_a_report_placed_by_wgs84_text_coordinates(small_district):
    response = signed_in(small_district.users["call_taker"]).post("/intake/", {
        "line": "12345", "caller_phone": "13800138000", "service_code": "1102", "description": "电话上报",
        "lng": " 113.2655 ", "lat": "23.1255"})
    assert response.status_code == 302
    stored = Event.objects.get().location
    assert (stored.x, stored.y) == (113.2655, 23.1255)
