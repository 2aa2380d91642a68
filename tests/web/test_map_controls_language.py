"""Leaflet's own controls speak the page's language: the zoom buttons' titles and its link's title."""

import pytest

from tests.web.conftest import DESKTOP

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale, zoom_in, zoom_out, library", [
    ("zh-CN", "放大", "缩小", "交互式地图 JavaScript 库"),
    ("en-US", "Zoom in", "Zoom out", "A JavaScript library for interactive maps")])
def test_zoom_buttons_and_the_leaflet_link_are_titled_in_the_pages_language(live_district, page_as, locale, zoom_in,
                                                                             zoom_out, library):
    """Every map of the Chinese pages titled its buttons 'Zoom in' and 'Zoom out' (what a screen reader says, and
    the tooltip) and Leaflet's link 'A JavaScript library for interactive maps'."""
    page = page_as(live_district.users["dispatcher"], viewport=DESKTOP, locale=locale)
    page.goto("/console/")
    page.locator("#console-map .leaflet-control-zoom-in").wait_for()
    titles = page.locator("#console-map").evaluate("""map => [
        map.querySelector('.leaflet-control-zoom-in').title, map.querySelector('.leaflet-control-zoom-in').ariaLabel,
        map.querySelector('.leaflet-control-zoom-out').title,
        map.querySelector('.leaflet-control-attribution a[href="https://leafletjs.com"]').title]""")
    assert titles == [zoom_in, zoom_in, zoom_out, library]
