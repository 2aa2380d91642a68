"""Helpers of the map pages' browser tests: zoom with the map's buttons, screenshots once the map has redrawn.

They read what dashboard.js and map_zoom_layers.js write on the map element
(data-zoom, data-view, data-labels-view, data-buildings-view) and wait for
conditions, never for time.
"""

from tests.web.conftest import DESKTOP, PHONE, SCREENSHOTS


def zoom_to(page, zoom: int) -> None:
    """Zooms with the map's own +/− buttons, one step at a time, waiting for each step to end."""
    box = page.get_by_test_id("dashboard-map")
    page.locator("#dashboard-map[data-zoom]").wait_for(state="attached")
    while (current := box.get_attribute("data-zoom")) != str(zoom):
        page.locator(".leaflet-control-zoom-in" if int(current) < zoom else ".leaflet-control-zoom-out").click()
        page.wait_for_function(f"document.getElementById('dashboard-map').dataset.zoom !== '{current}'")


def shoot(page, name: str, map_id: str = "dashboard-map") -> None:
    """Screenshots at phone and desktop size once the map has redrawn for each: its view moved (Leaflet
    fires moveend 200 ms after a resize) and the labels and buildings are drawn for the new view."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        # A resize moves the view; at the size the page already has, the current view is the one to wait for.
        view = page.locator(f"#{map_id}").get_attribute("data-view") if page.viewport_size != viewport else ""
        page.set_viewport_size(viewport)
        page.wait_for_function(f"""(() => {{ const d = document.getElementById('{map_id}').dataset;
            return d.view && d.view !== '{view}' && d.labelsView === d.view && d.buildingsView === d.view; }})()""")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
