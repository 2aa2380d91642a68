"""The worker's phone in the field: tasks as pins on the map; a pin placed by a tap, warned outside the grid."""

import pytest

from gridmgmt.events.models import Event
from tests.web.test_photos_seen import handled_case_with_photos

pytestmark = pytest.mark.browser


def test_tapping_outside_the_grid_moves_the_pin_and_warns_and_inside_clears_the_warning(live_district, page_as,
                                                                                       screenshot):
    # GPS 50 m inside grid 01's east edge (113.27): the map centres there at zoom 16 (≈2.2 m a pixel),
    # so its right edge lies in grid 02 and its left part in grid 01, whatever the phone's width.
    page = page_as(live_district.users["worker"], geolocation={"latitude": 23.125, "longitude": 113.2695})
    page.goto("/worker/report/")
    page.get_by_test_id("location-text").filter(has_text="113.2695").wait_for()  # GPS, inside grid 01
    assert page.get_by_test_id("outside-grid").is_hidden()
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] - 4, box["y"] + box["height"] / 2)
    page.get_by_test_id("outside-grid").wait_for()
    assert "手动" in page.get_by_test_id("location-text").inner_text() or "Moved" in page.get_by_test_id(
        "location-text").inner_text()
    lng = float(page.get_by_test_id("location-text").inner_text().split(",")[-1])
    assert lng > 113.27
    screenshot(page, "worker-report-outside-grid")
    box = page.locator("#report-map").bounding_box()  # the warning above it moved the map down
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.5)  # inside, off the pins
    page.get_by_test_id("outside-grid").wait_for(state="hidden")
    page.get_by_test_id("class-1102").click()
    page.get_by_test_id("send-report").click()
    page.locator("#receipts [data-testid=receipt][data-status=sent]").wait_for()
    assert Event.objects.get().grid_code == live_district.grids[0].code


def test_tasks_show_as_pins_that_open_the_verification_page(live_district, page_as, screenshot):
    case = handled_case_with_photos(live_district)
    page = page_as(live_district.users["worker"])
    page.goto("/worker/")
    pin = page.get_by_test_id(f"task-pin-{case.pk}")
    pin.click()
    page.locator(".leaflet-popup-content a").click()
    page.wait_for_url(f"**/worker/tasks/{case.pk}/")
    page.get_by_test_id("photos-before").wait_for()


def test_my_reports_open_offline_from_the_last_sync(live_district, page_as):
    from django.contrib.gis.geos import Point

    from gridmgmt.events.services import event_create

    event = event_create(small_class_code="1102", point=Point(113.265, 23.125, srid=4326), channel="worker_app",
                         reporter=live_district.users["worker"], description="上次同步的上报").event
    page = page_as(live_district.users["worker"], service_workers="allow")
    page.goto("/worker/reports/")
    page.locator("html[data-offline-ready=true]").wait_for()
    page.context.set_offline(True)
    page.reload()  # served by the service worker from this worker's own cache
    page.get_by_test_id(f"report-{event.pk}").filter(has_text="上次同步的上报").wait_for()
    assert page.locator("body").get_attribute("data-user") == "worker"
