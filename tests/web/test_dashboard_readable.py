"""A dashboard a leader can read without a basemap: the busiest grids listed, lookup zooms to the grid, empty layers say so."""

import pytest
from django.contrib.gis.geos import Point

from gridmgmt.events.services import event_create
from tests.web.conftest import DESKTOP

pytestmark = pytest.mark.browser


def test_hottest_grids_listed_and_a_lookup_zooms_the_map_to_the_grid(live_district, page_as, screenshot):
    for i in range(3):
        event_create(small_class_code="1102", point=Point(113.275 + 0.001 * i, 23.125, srid=4326), channel="hotline")
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/dashboard/")
    hot = page.get_by_test_id("hot-grid")
    hot.first.wait_for()
    assert hot.count() == 1 and live_district.grids[1].code in hot.first.inner_text()  # grid 02 has the 3 cases
    hot.first.click()
    page.get_by_test_id("grid-summary").filter(has_text=live_district.grids[1].code).wait_for()
    page.wait_for_timeout(600)  # the zoom animation
    grid_path = page.locator("path.layer-choropleth[stroke='#000']")
    box_after = grid_path.bounding_box()
    map_box = page.get_by_test_id("dashboard-map").bounding_box()
    # The map now frames that grid: wholly in view and filling most of one side of it.
    assert map_box["x"] - 1 <= box_after["x"] and box_after["x"] + box_after["width"] <= map_box["x"] + map_box["width"] + 1
    assert map_box["y"] - 1 <= box_after["y"] and box_after["y"] + box_after["height"] <= map_box["y"] + map_box["height"] + 1
    assert box_after["width"] > map_box["width"] * 0.5 or box_after["height"] > map_box["height"] * 0.5
    screenshot(page, "dashboard-hottest-zoomed")


def test_empty_layers_say_why_the_map_is_blank(live_district, page_as):
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/dashboard/")
    empty = page.get_by_test_id("layer-empty")
    empty.filter(has_text="30").filter(has_text="案卷").wait_for()  # no reports in 30 days, and no open cases
    page.goto("/dashboard/medical/")
    page.get_by_test_id("layer-empty").filter(has_text="import_osm").wait_for()  # no facilities: say how to get them
