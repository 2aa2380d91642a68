"""The dashboard in Chromium: choropleth and hexagon layers drawn, a grid's panel on click; medical and traffic views."""

import pytest
from django.contrib.gis.geos import LineString, Point

from gridmgmt.areas.models import HealthFacility, Road
from gridmgmt.events.services import event_create
from tests.web.conftest import DESKTOP
from tests.web.map_page import shoot

pytestmark = pytest.mark.browser


def test_dashboard_draws_open_cases_per_grid_and_report_hexagons(live_district, page_as, settings):
    for i in range(3):
        event_create(small_class_code="1102", point=Point(113.263 + 0.001 * i, 23.125, srid=4326), channel="hotline")
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/dashboard/")
    map_box = page.get_by_test_id("dashboard-map")
    page.locator("#dashboard-map[data-loaded-choropleth='2']").wait_for()  # both grids, from the vector tiles
    page.locator("path.layer-hexbins").first.wait_for()
    assert int(map_box.get_attribute("data-loaded-hexbins")) >= 1
    # The grid with the 3 open cases is darker than the empty one (a grid across two tiles is two paths).
    fills = {p.get_attribute("fill") for p in page.locator("path.layer-choropleth").all()}
    assert fills == {"#f7f7f7", "#fb6a4a"}  # 0 and the "2–3" class of the legend

    page.locator("#grid-code-input").fill(live_district.grids[0].code)
    page.locator(".grid-lookup button").click()
    summary = page.get_by_test_id("grid-summary")
    summary.filter(has_text="worker").wait_for()
    assert "180" in summary.inner_text()  # households
    shoot(page, "dashboard")
    assert page.context.blocked == []


def test_dashboard_polls_and_shows_new_reports_without_a_reload(live_district, page_as, settings):
    settings.GRIDMGMT_DASHBOARD_REFRESH_SECONDS = 5
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/dashboard/")
    page.locator("#dashboard-map[data-loaded-choropleth='2']").wait_for()
    assert page.locator("path.layer-hexbins").count() == 0
    page.evaluate("delete document.getElementById('dashboard-map').dataset.loadedChoropleth")
    event_create(small_class_code="1102", point=Point(113.275, 23.125, srid=4326), channel="hotline")
    page.locator("path.layer-hexbins").first.wait_for(timeout=12000)
    # The new case redraws the open-case tiles too: the test ends once they have all answered, not with a tile
    # query in flight when its database is emptied (they deadlocked under load).
    page.locator("#dashboard-map[data-loaded-choropleth]").wait_for(state="attached", timeout=12000)


def test_medical_and_traffic_views_draw_their_layers(live_district, page_as):
    HealthFacility.objects.create(osm_id=1, name="中山医院", kind="hospital", location=Point(113.266, 23.126))
    Road.objects.create(osm_id=2, name="中山路", highway="primary",
                        geometry=LineString((113.26, 23.125), (113.28, 23.125)))
    page = page_as(live_district.users["call_taker"])
    page.goto("/dashboard/medical/")
    page.locator("path.layer-health").wait_for()
    page.locator("path.layer-grids").first.wait_for()
    shoot(page, "dashboard-medical")
    page.goto("/dashboard/traffic/")
    page.locator("path.layer-roads").wait_for(state="attached")  # a flat line has no visible box
    page.locator("#toggle-roads").uncheck()  # layers can be switched off from the keyboard-reachable list
    assert page.locator("path.layer-roads").count() == 0
    shoot(page, "dashboard-traffic")
    assert page.context.blocked == []


def test_grid_panel_names_open_cases_by_their_case_number(live_district, page_as):
    """The panel listed '#3 1102 暴露垃圾': the row id, which no other page shows nor the console's search
    reads as the case (it looks for 2026-000003)."""
    event = event_create(small_class_code="1102", point=Point(113.263, 23.125, srid=4326), channel="hotline").event
    number = event.case_source.case.number
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/dashboard/")
    page.locator("#grid-code-input").fill(live_district.grids[0].code)
    page.locator(".grid-lookup button").click()
    link = page.get_by_test_id("grid-summary").locator("ul a").first
    link.wait_for()
    assert link.inner_text().startswith(f"{number} ") and "#" not in link.inner_text()
