"""The dashboard map by zoom in Chromium: labels per level without overlaps, buildings zoomed in, open cases
as vector tiles, and an unchanged refresh that the server answers with 304s."""

from urllib.parse import urlsplit

import pytest
from django.contrib.gis.geos import Point, Polygon

from gridmgmt.areas.models import Building
from gridmgmt.events.services import event_create
from gridmgmt.maps import api as maps_api
from gridmgmt.maps.api import conditional_layer
from tests.web.conftest import DESKTOP, LOCAL_HOSTS, sign_in
from tests.web.map_page import shoot, zoom_to

pytestmark = pytest.mark.browser


def label_boxes(page, kind: str) -> list[dict]:
    return [label.bounding_box() for label in page.locator(f".map-label-{kind}").all()]


def overlap(a, b) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_street_names_zoomed_out_grid_codes_zoomed_in_never_overlapping(live_district, page_as):
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/dashboard/")
    zoom_to(page, 13)
    page.locator("#dashboard-map[data-label-level='street']").wait_for(state="attached")
    street = page.locator(".map-label-street")
    street.first.wait_for()
    assert street.all_inner_texts() == [live_district.street.name]
    assert page.locator(".map-label-grid").count() == 0 and page.locator(".map-label-community").count() == 0
    shoot(page, "dashboard-labels-z13")

    zoom_to(page, 17)
    page.locator("#dashboard-map[data-label-level='grid']").wait_for(state="attached")
    grids = page.locator(".map-label-grid")
    grids.first.wait_for()
    codes = {g.code: g.code[-5:] for g in live_district.grids}
    assert page.locator(".map-label-street").count() == 0
    # The view (centred on the district) shows both grids: each labelled by its short code, the full code on hover.
    assert sorted(grids.all_inner_texts()) == sorted(codes.values())
    assert sorted(g.get_attribute("title") for g in grids.all()) == sorted(codes)
    boxes = label_boxes(page, "grid")
    assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    # A grid's code opens the grid's panel.
    grids.filter(has_text=live_district.grids[0].code[-5:]).click()
    page.get_by_test_id("grid-summary").filter(has_text=live_district.grids[0].code).wait_for()
    shoot(page, "dashboard-labels-z17")
    assert page.context.blocked == []


def test_community_names_in_between(live_district, page_as):
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/dashboard/")
    zoom_to(page, 14)
    page.locator("#dashboard-map[data-label-level='community']").wait_for(state="attached")
    page.locator(".map-label-community").first.wait_for()
    assert page.locator(".map-label-community").all_inner_texts() == ["三眼井社区"]


def test_buildings_appear_zoomed_in_with_their_households_on_click(live_district, page_as):
    Building.objects.create(location=Point(113.2685, 23.1275), households=42, population=96, address="解放北路1号",
                            footprint=Polygon.from_bbox((113.2683, 23.1273, 113.2687, 23.1277)),
                            source="test", source_id="1")
    Building.objects.create(location=Point(113.2715, 23.1272), households=7, source="test", source_id="2")
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/dashboard/")
    zoom_to(page, 15)
    page.locator("#dashboard-map[data-buildings='0']").wait_for(state="attached")
    assert page.locator("path.layer-buildings").count() == 0  # zoomed out: no buildings
    zoom_to(page, 17)
    page.locator("#dashboard-map[data-buildings='2']").wait_for(state="attached")
    assert page.locator("path.layer-buildings").count() == 2  # a footprint and a point
    page.locator("path.layer-buildings").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.filter(has_text="42").wait_for()
    assert "解放北路1号" in popup.inner_text()
    shoot(page, "dashboard-buildings")


@pytest.fixture
def cached_page(browser, live_server, live_district):
    """A desktop page with the browser's HTTP cache on: Playwright's request routing (the other pages' guard
    against outside requests) turns it off, and with it If-None-Match. This one routes nothing; the test
    checks afterwards that every request stayed local. Closed before the live server's data is flushed."""
    contexts = []

    def make(user):
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="zh-CN")
        contexts.append(context)
        sign_in(context, user, live_server)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_open_cases_come_as_vector_tiles_and_an_unchanged_refresh_is_answered_304(
        live_district, cached_page, settings, monkeypatch):
    settings.GRIDMGMT_DASHBOARD_REFRESH_SECONDS = 5
    event_create(small_class_code="1102", point=Point(113.275, 23.125, srid=4326), channel="hotline")
    answered = []  # (path, status) as the server answered, recorded in the live server's thread

    def recording(request, response):
        response = conditional_layer(request, response)
        answered.append((request.path, response.status_code))
        return response

    monkeypatch.setattr(maps_api, "conditional_layer", recording)
    page = cached_page(live_district.users["call_taker"])
    asked = []
    page.on("request", lambda request: asked.append(request))
    page.goto("/dashboard/")
    page.locator("#dashboard-map[data-loaded-choropleth='2']").wait_for(state="attached")
    tiles = [status for path, status in answered if path == "/api/maps/open-cases-tiles/"]
    assert tiles and set(tiles) == {200}
    # The next poll asks for the summary and the hexagons again with the ETags it holds: nothing changed, so
    # the server answers 304 without a body, and no tile is asked for again.
    page.locator("#dashboard-map[data-polls='1']").wait_for(state="attached", timeout=12000)
    before = len(answered)
    page.locator("#dashboard-map[data-polls='2']").wait_for(state="attached", timeout=12000)
    polled = answered[before:]
    assert sorted(polled) == [("/api/maps/open-cases-summary/", 304), ("/api/maps/report-hexbins/", 304)]
    summaries = [r for r in asked if "/api/maps/open-cases-summary/" in r.url]
    assert summaries[-1].header_value("if-none-match")  # the browser's own cache asked conditionally
    # A new open case changes the summary's version: the tiles are asked again, and grid 02 changes colour.
    page.evaluate("delete document.getElementById('dashboard-map').dataset.loadedChoropleth")
    event_create(small_class_code="1102", point=Point(113.276, 23.126, srid=4326), channel="hotline")
    event_create(small_class_code="1102", point=Point(113.277, 23.126, srid=4326), channel="hotline")
    page.locator("path.layer-choropleth[fill='#fb6a4a']").first.wait_for(timeout=12000)  # 3 open: the "2–3" class
    # Every redrawn tile answered (VectorGrid's load): no tile request is left in flight when the test's
    # database is emptied (a TRUNCATE racing a tile query deadlocked under load).
    page.locator("#dashboard-map[data-loaded-choropleth]").wait_for(state="attached")
    assert ("/api/maps/open-cases-tiles/", 304) in answered  # tiles of grid 01 alone did not change
    assert {urlsplit(r.url).hostname for r in asked} <= LOCAL_HOSTS  # the app works on a closed network


def test_the_console_map_is_labelled_too(live_district, page_as):
    page = page_as(live_district.users["dispatcher"], viewport=DESKTOP)
    page.goto("/console/")
    page.locator("#console-map[data-label-level][data-labels-view]").wait_for(state="attached")
    assert page.locator("#console-map .map-label").count() >= 1
    level = page.get_by_test_id("console-map").get_attribute("data-label-level")
    names = {"street": live_district.street.name, "community": "三眼井社区"}
    expected = names.get(level) or live_district.grids[0].code[-5:]
    page.locator("#console-map .map-label").filter(has_text=expected).first.wait_for()
