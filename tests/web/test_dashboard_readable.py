"""A dashboard a leader can read without a basemap: the busiest grids listed, lookup zooms to the grid, empty layers say so."""

import pytest
from django.contrib.gis.geos import Point

from gridmgmt.events.services import event_create
from tests.web.conftest import DESKTOP
from tests.web.map_page import shoot

pytestmark = pytest.mark.browser


def test_hottest_grids_listed_and_a_lookup_zooms_the_map_to_the_grid(live_district, page_as):
    for i in range(3):
        event_create(small_class_code="1102", point=Point(113.275 + 0.001 * i, 23.125, srid=4326), channel="hotline")
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/dashboard/")
    hot = page.get_by_test_id("hot-grid")
    hot.first.wait_for()
    assert hot.count() == 1 and live_district.grids[1].code in hot.first.inner_text()  # grid 02 has the 3 cases
    hot.first.click()
    code = live_district.grids[1].code
    page.get_by_test_id("grid-summary").filter(has_text=code).wait_for()
    page.locator(f"#dashboard-map[data-highlighted='{code}']").wait_for()
    page.locator("path.layer-choropleth[stroke='#000']").first.wait_for()  # the grid outlined, in the tiles
    west, south, east, north = map(float, page.get_by_test_id("dashboard-map").get_attribute("data-view").split(","))
    # The map now frames that grid (lng 113.27–113.28, lat 23.12–23.13): wholly in view, filling most of one side.
    assert west <= 113.27 and 113.28 <= east and south <= 23.12 and 23.13 <= north
    assert 0.01 / (east - west) > 0.5 or 0.01 / (north - south) > 0.5
    shoot(page, "dashboard-hottest-zoomed")


def test_empty_layers_say_why_the_map_is_blank(live_district, page_as):
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/dashboard/")
    empty = page.get_by_test_id("layer-empty")
    empty.filter(has_text="30").filter(has_text="案卷").wait_for()  # no reports in 30 days, and no open cases
    page.goto("/dashboard/medical/")
    page.get_by_test_id("layer-empty").filter(has_text="import_osm").wait_for()  # no facilities: say how to get them
