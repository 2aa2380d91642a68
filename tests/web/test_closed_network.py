"""Scenario 3: on a closed network, with no basemap, the app's own layers still make the map."""

import pytest

pytestmark = pytest.mark.browser


def test_worker_map_draws_district_and_grid_with_no_outside_request(live_district, page_as, screenshot):
    page = page_as(live_district.users["worker"])
    page.goto("/worker/")
    page.locator("path.layer-district").first.wait_for()
    assert page.locator("path.layer-district").count() == 1
    assert page.locator("path.layer-grids").count() == 1  # only the worker's own grid
    assert page.locator("img.leaflet-tile").count() == 0  # GRIDMGMT_BASEMAP defaults to none
    page.locator("path.my-position").wait_for()  # the emulated GPS fix is drawn
    screenshot(page, "worker-home")
    assert page.context.blocked == []


def test_guard_catches_an_outside_basemap(live_district, page_as, settings):
    """The request guard itself works: with the OSM basemap, tile requests leave the machine and are caught."""
    settings.GRIDMGMT_BASEMAP = "osm"
    page = page_as(live_district.users["worker"])
    page.goto("/worker/")
    page.locator("path.layer-grids").first.wait_for()
    page.wait_for_function("document.querySelectorAll('img.leaflet-tile').length > 0")
    assert page.context.blocked and all("tile.openstreetmap.org" in url for url in page.context.blocked)


def test_street_and_community_layers_load_from_the_apis(live_district, page_as):
    """The map module's other layers, as the console and dashboard pages use them."""
    page = page_as(live_district.users["worker"])
    page.goto("/worker/")
    page.wait_for_function("window.L !== undefined")
    page.evaluate("""async () => {
        const { createMap } = await import('/static/js/map.js');
        const box = document.createElement('div');
        box.style.height = '300px';
        document.body.append(box);
        await createMap(box, { layers: ['district', 'streets', 'communities', 'grids'] }).ready;
    }""")
    for layer in ("streets", "communities"):
        assert page.locator(f"path.layer-{layer}").count() == 1
    assert page.locator("path.layer-grids").count() == 1 + 2  # home map's own grid + both grids
    assert page.context.blocked == []
